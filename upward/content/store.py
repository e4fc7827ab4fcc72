"""LibraryStore: the last good library, reloaded from changed files only, optionally watched."""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .cache import ParseCache
from .files import Stamp, is_manifest_file, is_page_file, scan_folder
from .library import Library, build_library
from .pages import ManifestSource, PageSource, parse_files
from .problems import LibraryError, Problem
from .render import UrlScheme
from .search import SearchIndex

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 0.3
_WATCHING: weakref.WeakSet[LibraryStore] = weakref.WeakSet()
"""The stores watching their folders in this process."""


@contextmanager
def paused_gc() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a library loads.

    A load makes millions of objects and frees almost none, so every collection it triggers
    walks them all again: at 10,000 files that was half of a warm start.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class LibraryStore:
    """Holds the last good library; reload() re-parses only files whose stamp changed."""

    def __init__(
        self,
        content_dir: str | Path,
        pathways_dir: str | Path,
        urls: UrlScheme | None = None,
        cache: ParseCache | None = None,
    ) -> None:
        self.cache = cache
        """Where the first load finds files parsed before (by this or another process)."""
        self.content_dir = Path(content_dir)
        self.pathways_dir = Path(pathways_dir)
        self.urls = urls or UrlScheme()
        self.problems: tuple[Problem, ...] = ()
        """The problems of the latest load attempt if it failed; empty when it was clean."""
        self.loaded_at: datetime | None = None
        self.on_load: list[Callable[[Library], Any]] = []
        self.parsed: list[str] = []
        """Paths parsed by the latest reload (for tests and logs)."""
        self._library: Library | None = None
        self._stamps: dict[tuple[str, str], Stamp] = {}
        self._scan_problems: list[Problem] = []
        self._pages: dict[str, PageSource] = {}
        self._manifests: dict[str, ManifestSource] = {}
        self._built: dict[str, Any] = {}
        """Each page of the last build with its source: a reload rebuilds changed pages only."""
        self._lock = threading.Lock()
        self._observer: Any = None
        self._timer: threading.Timer | None = None
        self.reload()
        if self._library is None:
            raise LibraryError(self.problems)

    @property
    def library(self) -> Library:
        """Return the last good library."""
        assert self._library is not None
        return self._library

    def reload(self) -> bool:
        """Re-read changed files; return True if a new good library is now served."""
        with self._lock, paused_gc():
            if self._library is None and self.cache is not None:
                with self.cache.locked():  # other workers starting now wait, then read it
                    return self._reload(self.cache)
            return self._reload(None)

    def _reload(self, cache: ParseCache | None) -> bool:
        """Reload under the lock, taking unchanged files from the cache if there is one."""
        started = time.perf_counter()
        scan_problems: list[Problem] = []
        stamps = self._scan(scan_problems)
        same_links = scan_problems == self._scan_problems
        self._scan_problems = scan_problems
        changed = {key for key, stamp in stamps.items() if self._stamps.get(key) != stamp}
        removed = self._stamps.keys() - stamps.keys()
        if self._library is not None and not changed and not removed and same_links:
            return False
        previous_index = self._library.index if self._library is not None else None
        snapshot = None
        if cache is not None:
            pages, manifests = cache.read()
            changed -= self._take_cached(changed, stamps, pages, manifests)
            snapshot, cache.index = cache.index, None  # held no longer than this load
            previous_index = previous_index or self._restore_index(snapshot)
        self._update_sources(changed, removed)
        self._stamps = stamps
        files = frozenset(rel for folder, rel in stamps if folder == "content")
        library, problems = build_library(
            self._pages,
            self._manifests,
            files,
            self.urls,
            content_name=self.content_dir.name,
            scan_problems=self._scan_problems,
            built=self._built,
            previous_index=previous_index,
        )
        if cache is not None and (self.parsed or snapshot is None):
            index = library.index if library is not None else None
            cache.write(
                {rel: (stamps["content", rel], s) for rel, s in self._pages.items()},
                {name: (stamps["pathways", name], s) for name, s in self._manifests.items()},
                index.snapshot() if index is not None else None,
            )
        elapsed = time.perf_counter() - started
        return self._swap(library, problems, elapsed)

    @staticmethod
    def _restore_index(snapshot: Any) -> SearchIndex | None:
        """Return the search index a cache snapshot holds, or None (a broken one is a miss)."""
        if snapshot is None:
            return None
        try:
            return SearchIndex.restore(snapshot)
        except Exception:
            log.warning("the search index in the parse cache could not be read; building it")
            return None

    def _take_cached(
        self,
        changed: set[tuple[str, str]],
        stamps: dict[tuple[str, str], Stamp],
        pages: dict[str, tuple[Stamp, PageSource]],
        manifests: dict[str, tuple[Stamp, ManifestSource]],
    ) -> set[tuple[str, str]]:
        """Use the cached parse of every changed file whose stamp the cache has; return those."""
        taken = set()
        for key in changed:
            folder, rel = key
            if folder == "content":
                page = pages.get(rel)
                if page is None or page[0] != stamps[key]:
                    continue
                self._pages[rel] = page[1]
            else:
                manifest = manifests.get(rel)
                if manifest is None or manifest[0] != stamps[key]:
                    continue
                self._manifests[rel] = manifest[1]
            taken.add(key)
        return taken

    def _scan(self, problems: list[Problem]) -> dict[tuple[str, str], Stamp]:
        """Stamp every file under both folders, reporting links that leave them."""
        found = scan_folder(self.content_dir, problems)
        stamps = {("content", rel): s for rel, s in found.items()}
        stamps.update(
            (("pathways", name), s)
            for name, s in scan_folder(self.pathways_dir, problems).items()
            if is_manifest_file(name)
        )
        return stamps

    def _update_sources(self, changed: set[tuple[str, str]], removed: set[tuple[str, str]]) -> None:
        """Re-parse changed pages and manifests; forget removed ones."""
        for folder, rel in removed:
            (self._pages if folder == "content" else self._manifests).pop(rel, None)
        page_rels = sorted(
            rel for folder, rel in changed if folder == "content" and is_page_file(rel)
        )
        names = sorted(rel for folder, rel in changed if folder == "pathways")
        pages, manifests = parse_files(
            self.content_dir, self.pathways_dir, page_rels, names, self.urls
        )
        self._pages.update(pages)
        self._manifests.update(manifests)
        self.parsed = [*page_rels, *names]

    def _swap(self, library: Library | None, problems: list[Problem], elapsed: float) -> bool:
        """Serve a new good library, or keep the last good one and expose the problems."""
        if library is None:
            self.problems = tuple(problems)
            errors = [p for p in problems if p.is_error]
            log.error("content library not reloaded: %d error(s)", len(errors))
            for problem in problems:
                log.error("%s", problem)
            return False
        old, self._library = self._library, library
        self.problems = ()
        self.loaded_at = datetime.now(UTC)
        log.info("content library loaded: %d pages in %.3f s", len(library.pages), elapsed)
        for problem in library.warnings:
            log.warning("%s", problem)
        for callback in list(self.on_load):
            try:
                callback(library)
            except Exception:
                log.exception("an on_load callback failed")
        if old is not None and old.index is not None:
            pass  # requests may still be searching the old index; let garbage collection close it
        return True

    def watch(self) -> None:
        """Reload shortly after files change, in a background (daemon) thread.

        A server that loads the app once and then forks its workers (gunicorn --preload,
        `python -m upward.serve`) hands the watching over: each worker starts its own watcher
        and catches up with changes since the load, and the parent stops watching.
        """
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        if self._observer is not None:
            return
        store = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: Any) -> None:
                if event.event_type not in ("opened", "closed_no_write"):
                    store._schedule()

        observer = Observer()
        observer.daemon = True
        for folder in (self.content_dir, self.pathways_dir):
            if folder.is_dir():
                observer.schedule(Handler(), str(folder), recursive=True)
        observer.start()
        self._observer = observer
        _WATCHING.add(self)

    def stop(self) -> None:
        """Stop watching for changes."""
        _WATCHING.discard(self)
        if self._timer is not None:
            self._timer.cancel()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None

    def _after_fork_in_parent(self) -> None:
        """Leave the watching to the forked workers: this process only forks more of them."""
        if self._timer is not None:
            self._timer.cancel()
        if self._observer is not None:
            self._observer.stop()  # not joined: its thread ends by itself
            self._observer = None

    def _after_fork_in_child(self) -> None:
        """Watch from this worker (threads don't survive a fork) and catch up with changes."""
        if self._lock.locked():  # forked in the middle of a reload, which ends only there
            self._lock = threading.Lock()
            gc.enable()
        self._observer = self._timer = None
        self.watch()
        self._schedule()

    def _schedule(self) -> None:
        """Debounce bursts of file events (editors write several times) into one reload."""
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(DEBOUNCE_SECONDS, self._reload_quietly)
        self._timer.daemon = True
        self._timer.start()

    def _reload_quietly(self) -> None:
        """Reload from the watcher thread, logging rather than raising."""
        try:
            self.reload()
        except Exception:
            log.exception("reloading the content library failed")


def _stop_watching_in_parent() -> None:
    """After a fork, stop this process's watchers (see LibraryStore.watch)."""
    for store in list(_WATCHING):
        store._after_fork_in_parent()


def _watch_in_child() -> None:
    """After a fork, restart in the child the watchers its parent had."""
    for store in list(_WATCHING):
        try:
            store._after_fork_in_child()
        except Exception:
            log.exception("watching the content folders after a fork failed")


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_parent=_stop_watching_in_parent, after_in_child=_watch_in_child)
