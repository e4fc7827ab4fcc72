"""A store loaded before a fork (a preloading server) serves and watches from each worker."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from content_helpers import in_child, write_library

from upward.content import LibraryStore, UrlScheme

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")

STEP_B = "---\ntitle: Step B\n---\nCandid feedback, given kindly.\n"
MANIFEST = "title: P\naudience: mentor\nsummary: S.\nsteps:\n  - a.md\n  - b.md\n"
FILES: dict[str, str | None] = {"content/b.md": STEP_B, "pathways/p.yml": MANIFEST}
QUERIES = ("candid", "kindy", "hello")


def wait_for(condition: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_forked_worker_watches_by_itself_and_the_parent_stops(tmp_path: Path) -> None:
    content, pathways = write_library(
        tmp_path, {"content/b.md": STEP_B, "pathways/p.yml": MANIFEST}
    )
    store = LibraryStore(content, pathways, UrlScheme())
    store.watch()
    try:

        def edit_and_watch() -> object:
            watching = store._observer is not None and store._observer.is_alive()
            time.sleep(0.5)  # the catch-up reload after the fork finds nothing to do
            (content / "b.md").write_text(STEP_B.replace("Step B", "Step B, edited"))
            seen = wait_for(lambda: store.library.pages["b"].title == "Step B, edited")
            return [watching, seen]

        assert in_child(edit_and_watch) == [True, True]
        assert store._observer is None  # the parent left the watching to its workers
        assert store.library.pages["b"].title == "Step B"
    finally:
        store.stop()


def test_a_forked_worker_searches_the_index_its_parent_built(tmp_path: Path) -> None:
    content, pathways = write_library(
        tmp_path, {"content/b.md": STEP_B, "pathways/p.yml": MANIFEST}
    )
    store = LibraryStore(content, pathways, UrlScheme())

    def hits() -> object:
        return [
            [h.id, h.snippet_html]
            for q in ("candid", "kindy", "hello")
            for h in store.library.search(q)
        ]

    assert in_child(hits) == hits()
