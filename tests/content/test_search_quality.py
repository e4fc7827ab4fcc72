"""Search quality on the shipped library: learner queries find a right page in the top three."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from upward.content import Library, load_library

ROOT = Path(__file__).parents[2]
QUERIES = yaml.safe_load((ROOT / "tests" / "fixtures" / "search_queries.yml").read_text())
TARGET = 0.9
"""The share of queries with a right page in the top three; measured 40% before this search."""


@pytest.fixture(scope="module")
def shipped() -> Library:
    return load_library(ROOT / "content", ROOT / "pathways")


def test_the_query_set_is_large_and_points_at_real_pages(shipped: Library) -> None:
    assert len(QUERIES) >= 40
    kinds = {item["kind"] for item in QUERIES}
    assert {"spelling", "typo", "question", "synonym"} <= kinds
    missing = {p for item in QUERIES for p in item["expect"] if shipped.page(p) is None}
    assert not missing, f"expected pages that no longer exist: {sorted(missing)}"


def test_a_right_page_is_in_the_top_three(shipped: Library) -> None:
    misses = []
    for item in QUERIES:
        top = [hit.id for hit in shipped.search(item["query"], limit=3)]
        if not set(top) & set(item["expect"]):
            misses.append(f"{item['query']!r} -> {top}")
    share = 1 - len(misses) / len(QUERIES)
    assert share >= TARGET, f"{share:.0%} found; misses:\n" + "\n".join(misses)


@pytest.mark.parametrize(
    "query",
    [
        "situation behaviour impact",
        "feedbak",
        "psycological safety",
        "radical candour",
        "cancelled meetings",
        "end of programme review",
        "how do I take criticism from a junior colleague",
    ],
)
def test_the_queries_from_the_issue_each_find_their_page(shipped: Library, query: str) -> None:
    [item] = [item for item in QUERIES if item["query"] == query]
    top = [hit.id for hit in shipped.search(query, limit=3)]
    assert set(top) & set(item["expect"]), top
