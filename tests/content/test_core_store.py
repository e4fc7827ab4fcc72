"""LibraryStore: partial reloads, keeping the last good library, and watching."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from content_helpers import write_library

from upward.content import LibraryError, LibraryStore

STEP_B = "---\ntitle: Step B\n---\nText B.\n"
MANIFEST = "title: P\naudience: mentor\nsummary: S.\nsteps:\n  - a.md\n  - b.md\n"


def touch(path: Path, text: str) -> None:
    """Rewrite a file and move its mtime forward so the change is seen at once."""
    path.write_text(text)
    stamp = time.time_ns() + 10**9
    os.utime(path, ns=(stamp, stamp))


@pytest.fixture
def store(tmp_path: Path) -> LibraryStore:
    content, pathways = write_library(
        tmp_path, {"content/b.md": STEP_B, "pathways/p.yml": MANIFEST}
    )
    return LibraryStore(content, pathways)


def test_only_changed_file_is_reparsed(store: LibraryStore) -> None:
    first = store.library
    assert store.reload() is False  # nothing changed
    assert store.library is first
    touch(store.content_dir / "b.md", STEP_B.replace("Text B", "New text"))
    assert store.reload() is True
    assert store.parsed == ["b.md"]
    assert store.library is not first
    assert "New text" in store.library.pages["b"].html
    assert store.library.pages["a"] is not None


def test_broken_edit_keeps_last_good_library_then_recovers(
    store: LibraryStore, caplog: pytest.LogCaptureFixture
) -> None:
    good = store.library
    seen: list[object] = []
    store.on_load.append(seen.append)
    touch(store.content_dir / "b.md", "---\ntitle: B\nminutes: ten\n---\nText.\n")
    assert store.reload() is False
    assert store.library is good
    assert [str(p) for p in store.problems] == [
        "content/b.md:3: error: minutes must be a whole number, got 'ten'"
    ]
    assert "minutes must be a whole number" in caplog.text
    touch(store.content_dir / "b.md", STEP_B)
    assert store.reload() is True
    assert store.problems == ()
    assert seen == [store.library]


def test_new_and_removed_files(store: LibraryStore) -> None:
    touch(store.content_dir / "c.md", "---\ntitle: C\n---\nC.\n")
    assert store.reload() is True
    assert store.parsed == ["c.md"]
    assert "c" in store.library.pages
    (store.content_dir / "b.md").unlink()
    assert store.reload() is False  # the manifest still lists b.md
    assert (
        "pathways/p.yml:6: error: step file 'b.md' does not exist in content/ "
        "(did you mean 'c.md'?)" in [str(p) for p in store.problems]
    )


def test_broken_library_refuses_to_start(tmp_path: Path) -> None:
    content, pathways = write_library(
        tmp_path, {"content/a.md": "---\ntitle: A\nminutes: x\n---\n"}
    )
    with pytest.raises(LibraryError) as caught:
        LibraryStore(content, pathways)
    assert [str(p) for p in caught.value.problems] == [
        "content/a.md:3: error: minutes must be a whole number, got 'x'"
    ]


def test_watch_reloads_after_a_change(store: LibraryStore) -> None:
    store.watch()
    try:
        touch(store.content_dir / "b.md", STEP_B.replace("Text B", "Watched"))
        deadline = time.monotonic() + 10
        while "Watched" not in store.library.pages["b"].html and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "Watched" in store.library.pages["b"].html
    finally:
        store.stop()


def test_a_reload_reuses_unchanged_pages_and_follows_a_renamed_link_target(
    tmp_path: Path,
) -> None:
    content, pathways = write_library(
        tmp_path,
        {
            "content/b.md": "---\ntitle: Step B\n---\nSee [step A](a.md).\n",
            "content/c.md": "---\ntitle: Step C\n---\nNo links.\n",
            "pathways/p.yml": MANIFEST.replace("  - b.md\n", "  - b.md\n  - c.md\n"),
        },
    )
    store = LibraryStore(content, pathways)
    first = store.library
    assert 'href="/steps/a"' in first.pages["b"].html
    touch(content / "a.md", "---\ntitle: Step A\nid: renamed\n---\nText A.\n")
    assert store.reload() is True
    assert store.parsed == ["a.md"]
    assert store.library.pages["c"] is first.pages["c"]  # nothing it shows changed
    assert 'href="/steps/renamed"' in store.library.pages["b"].html  # its link target did
