"""Find the files of a library and read them as text."""

from __future__ import annotations

import os
from pathlib import Path

Stamp = tuple[int, int]
"""(mtime_ns, size): a file is re-parsed only when this changes."""

MANIFEST_SUFFIXES = (".yml", ".yaml")
MEDIA_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")
"""The only files the site serves from the content folder (under /media/)."""


def scan_folder(folder: Path) -> dict[str, Stamp]:
    """Return every file under a folder (posix path relative to it) with its stamp."""
    found: dict[str, Stamp] = {}
    if not folder.is_dir():
        return found
    for root, dirs, names in os.walk(folder):
        # Hidden folders (.git, editor caches) are never content.
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(root).relative_to(folder).as_posix()
        for name in names:
            if name.startswith("."):
                continue
            try:
                stat = os.stat(os.path.join(root, name))
            except OSError:
                continue
            rel = name if base == "." else f"{base}/{name}"
            found[rel] = (stat.st_mtime_ns, stat.st_size)
    return found


def is_page_file(rel: str) -> bool:
    """Return True for a Markdown content file."""
    return rel.endswith(".md")


def is_manifest_file(rel: str) -> bool:
    """Return True for a pathway manifest at the top of the pathways folder."""
    return "/" not in rel and rel.endswith(MANIFEST_SUFFIXES)


def is_media_file(rel: str) -> bool:
    """Return True for a file the site can serve from the content folder."""
    return rel.lower().endswith(MEDIA_SUFFIXES)


def read_text(path: Path) -> str:
    """Read a UTF-8 file with newlines normalised; raise OSError or UnicodeDecodeError."""
    text = path.read_bytes().decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n")
