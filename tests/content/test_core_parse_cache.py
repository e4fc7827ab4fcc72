"""The parse cache: a restart (or another worker) re-parses only files changed since."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from content_helpers import write_library

from upward.content import LibraryStore, UrlScheme
from upward.content.cache import ParseCache, get_key

STEP_B = "---\ntitle: Step B\n---\nText B with [a link](a.md).\n"
MANIFEST = "title: P\naudience: mentor\nsummary: S.\nsteps:\n  - a.md\n  - b.md\n"


def touch(path: Path, text: str) -> None:
    """Rewrite a file and move its mtime forward so the change is seen at once."""
    path.write_text(text)
    stamp = time.time_ns() + 10**9
    os.utime(path, ns=(stamp, stamp))


def make(tmp_path: Path) -> tuple[Path, Path]:
    return write_library(tmp_path, {"content/b.md": STEP_B, "pathways/p.yml": MANIFEST})


def open_store(content: Path, pathways: Path, folder: Path, urls: UrlScheme | None = None):
    urls = urls or UrlScheme()
    return LibraryStore(content, pathways, urls, ParseCache(folder, get_key(content, urls)))


def pages(store: LibraryStore) -> dict[str, tuple[str, str, str]]:
    return {i: (p.title, p.version, p.html) for i, p in store.library.pages.items()}


def test_a_second_start_parses_nothing_and_serves_the_same_library(tmp_path: Path) -> None:
    content, pathways = make(tmp_path)
    first = open_store(content, pathways, tmp_path / "cache")
    assert sorted(first.parsed) == ["a.md", "b.md", "p.yml"]
    second = open_store(content, pathways, tmp_path / "cache")
    assert second.parsed == []
    assert pages(second) == pages(first)
    assert list(second.library.pathways) == list(first.library.pathways)


def test_only_files_changed_since_are_parsed_and_a_reload_still_works(tmp_path: Path) -> None:
    content, pathways = make(tmp_path)
    open_store(content, pathways, tmp_path / "cache")
    touch(content / "b.md", STEP_B.replace("Text B", "New text"))
    store = open_store(content, pathways, tmp_path / "cache")
    assert store.parsed == ["b.md"]
    assert "New text" in store.library.pages["b"].html
    assert open_store(content, pathways, tmp_path / "cache").parsed == []  # saved again
    touch(content / "a.md", "---\ntitle: Step A, again\n---\nText.\n")
    assert store.reload() is True
    assert store.parsed == ["a.md"]
    assert store.library.pages["a"].title == "Step A, again"


def test_another_url_scheme_or_library_does_not_read_the_cache(tmp_path: Path) -> None:
    content, pathways = make(tmp_path)
    open_store(content, pathways, tmp_path / "cache")
    other = open_store(content, pathways, tmp_path / "cache", UrlScheme(step="/s/{id}"))
    assert sorted(other.parsed) == ["a.md", "b.md", "p.yml"]
    assert 'href="/s/a"' in other.library.pages["b"].html


def test_a_broken_cache_file_is_only_a_miss(tmp_path: Path) -> None:
    content, pathways = make(tmp_path)
    store = open_store(content, pathways, tmp_path / "cache")
    store.cache.path.write_bytes(b"not a pickle")
    again = open_store(content, pathways, tmp_path / "cache")
    assert sorted(again.parsed) == ["a.md", "b.md", "p.yml"]
    assert pages(again) == pages(store)


def test_workers_starting_together_share_one_parse(tmp_path: Path) -> None:
    content, pathways = make(tmp_path)
    stores: list[LibraryStore] = []
    threads = [
        threading.Thread(target=lambda: stores.append(open_store(content, pathways, tmp_path)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(len(s.parsed) for s in stores) == [0, 0, 0, 3]


def found(store: LibraryStore, query: str) -> list[tuple[str, float, str]]:
    return [(h.id, round(h.score, 9), h.snippet_html) for h in store.library.search(query)]


def test_a_start_from_the_cache_takes_its_search_index_and_searches_the_same(
    tmp_path: Path,
) -> None:
    content, pathways = make(tmp_path)
    first = open_store(content, pathways, tmp_path / "cache")
    touch(content / "b.md", STEP_B.replace("Text B", "Candid budgets"))
    second = open_store(content, pathways, tmp_path / "cache")
    assert second.parsed == ["b.md"]
    fresh = LibraryStore(content, pathways, UrlScheme())
    for query in ("budgets", "text", "candd", "step"):
        assert found(second, query) == found(fresh, query), query
    assert first.library.search("budgets") == []
    assert second.cache is not None and second.cache.index is None  # not kept in memory


def test_a_broken_index_snapshot_is_only_a_miss(tmp_path: Path) -> None:
    content, pathways = make(tmp_path)
    open_store(content, pathways, tmp_path / "cache")
    cache = ParseCache(tmp_path / "cache", get_key(content, UrlScheme()))
    page_entries, manifest_entries = cache.read()
    cache.write(page_entries, manifest_entries, ([], {}, b"not a database"))
    store = open_store(content, pathways, tmp_path / "cache")
    assert [hit.id for hit in store.library.search("text")] == ["b"]


def library_of(store: LibraryStore) -> tuple:
    """Return what learners and authors see of a store's library, search included."""
    library = store.library
    return (
        {i: (p.title, p.version, p.blocks, p.headings, p.text) for i, p in library.pages.items()},
        {i: (p.title, p.step_ids, p.intro_html) for i, p in library.pathways.items()},
        [str(problem) for problem in library.warnings],
        found(store, "text"),
        found(store, "stpe"),
    )


WRITE_CACHE = """
import sys
from pathlib import Path
from upward.content import LibraryStore, UrlScheme
from upward.content.cache import ParseCache, get_key
content, pathways, folder = map(Path, sys.argv[1:])
cache = ParseCache(folder, get_key(content, UrlScheme()))
store = LibraryStore(content, pathways, UrlScheme(), cache)
print(len(store.parsed))
"""


def test_a_cache_written_by_another_process_gives_the_same_library(tmp_path: Path) -> None:
    content, pathways = make(tmp_path)
    touch(content / "c.md", "---\ntitle: Step C\n---\nSee [B](b.md).\n")  # unlisted: a warning
    folder = tmp_path / "cache"
    out = subprocess.run(
        [sys.executable, "-c", WRITE_CACHE, str(content), str(pathways), str(folder)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "4"
    store = open_store(content, pathways, folder)
    assert store.parsed == []
    assert library_of(store) == library_of(LibraryStore(content, pathways, UrlScheme()))


def test_a_changed_file_is_never_served_from_the_cache_even_at_the_same_size(
    tmp_path: Path,
) -> None:
    content, pathways = make(tmp_path)
    open_store(content, pathways, tmp_path / "cache")
    touch(content / "b.md", STEP_B.replace("Text B", "Text Z"))  # same size, later mtime
    store = open_store(content, pathways, tmp_path / "cache")
    assert store.parsed == ["b.md"]
    assert "Text Z" in store.library.pages["b"].html


def test_a_truncated_cache_file_is_ignored_and_written_again(tmp_path: Path) -> None:
    content, pathways = make(tmp_path)
    first = open_store(content, pathways, tmp_path / "cache")
    assert first.cache is not None
    data = first.cache.path.read_bytes()
    first.cache.path.write_bytes(data[: len(data) // 2])
    again = open_store(content, pathways, tmp_path / "cache")
    assert sorted(again.parsed) == ["a.md", "b.md", "p.yml"]
    assert library_of(again) == library_of(first)
    assert open_store(content, pathways, tmp_path / "cache").parsed == []
