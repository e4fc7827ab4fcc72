"""An on-disk cache of parsed files, keyed by each file's stamp, shared by every worker.

Parsing and rendering a file costs about 1.5 ms, so a 10,000-file library takes 15 s or more
per process. With the cache, the first process to start parses what changed since the cache
was written and saves it; every other worker waits for it (a file lock), then reads the cache.
The cache is a pickle in the app's instance folder, which only the app writes; it is keyed by
the folders, the URL scheme, the Python version and the parser's own code and libraries, so a
new release or another library never reads a stale parse.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

from .files import Stamp

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux or macOS: no lock, each worker parses
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

FORMAT = 2
LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "pydantic", "PyYAML")

Entries = dict[str, tuple[Stamp, Any]]
"""Path (under its folder) to (stamp, parsed source)."""


def get_key(*parts: object) -> str:
    """Return a key that changes with the parser's code and libraries and the given parts."""
    here = Path(__file__).parent
    code = [(p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(here.glob("*.py"))]
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(metadata.version(name))
        except metadata.PackageNotFoundError:
            versions.append("")
    text = repr((FORMAT, sys.version, code, versions, *parts))
    return hashlib.sha256(text.encode()).hexdigest()


class ParseCache:
    """The parsed sources of one library under one folder, read and written whole."""

    def __init__(self, folder: str | Path, key: str) -> None:
        self.folder = Path(folder)
        self.key = key
        name = key[:16]
        self.path = self.folder / f"library-{name}.pickle"
        self.lock_path = self.folder / f"library-{name}.lock"
        self.index: Any = None
        """The search index snapshot the last read() found (None without one)."""

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the cache's lock: one process parses and writes, the others wait, then read."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a+b") as handle:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fcntl is not None:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def read(self) -> tuple[Entries, Entries]:
        """Return the cached pages and manifests; empty when missing, stale or unreadable."""
        try:
            with open(self.path, "rb") as handle:
                data = pickle.load(handle)  # noqa: S301 - written by this app into its own folder
        except FileNotFoundError:
            return {}, {}
        except Exception:  # a torn or foreign file is only a missed cache
            log.warning("the parse cache %s could not be read; parsing afresh", self.path)
            return {}, {}
        if not isinstance(data, dict) or data.get("key") != self.key:
            return {}, {}
        self.index = data.get("index")
        return data["pages"], data["manifests"]

    def write(
        self, pages: Mapping[str, tuple[Stamp, Any]], manifests: Entries, index: Any = None
    ) -> None:
        """Replace the cache atomically (with a search index snapshot); never raises."""
        data = {
            "key": self.key,
            "pages": dict(pages),
            "manifests": dict(manifests),
            "index": index,
        }
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".library-", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except Exception:
            log.exception("the parse cache %s could not be written", self.path)
