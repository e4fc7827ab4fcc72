"""An index built from the previous one answers exactly like one built afresh."""

from __future__ import annotations

import random

import pytest

from upward.content.search import SearchIndex, SearchRow

WORDS = [
    "feedback",
    "mentor",
    "executive",
    "session",
    "trust",
    "candid",
    "impact",
    "behaviour",
    "listen",
    "culture",
]
QUERIES = ["feedback", "executive session", "listning", "behavior", "cand", "trust impact", "zz"]


def row(page_id: str, seed: int, *, kind: str = "step", public: bool = True) -> SearchRow:
    rng = random.Random(seed)
    body = " ".join(rng.choice(WORDS) for _ in range(40))
    return SearchRow(
        page_id=page_id,
        kind=kind,
        title=f"{rng.choice(WORDS).title()} {page_id}",
        summary=" ".join(rng.choice(WORDS) for _ in range(6)),
        body=body + (f" unique{seed}" if seed % 3 else ""),
        public=public,
        audience=frozenset({rng.choice(["mentor", "executive", "all"])}),
        headings=rng.choice(WORDS),
    )


def answers(index: SearchIndex) -> list:
    found = []
    for query in QUERIES:
        result = index.find(query, include_drafts=True, limit=50)
        found.append(
            (
                [(h.id, round(h.score, 9), h.snippet_html, h.title_html) for h in result.hits],
                result.total,
                dict(result.kinds),
                dict(result.audiences),
                result.suggestion,
            )
        )
    return found


ROWS = [row(f"p{i:03d}", i) for i in range(60)]


@pytest.mark.parametrize(
    "change",
    ["edit one", "edit several", "add one", "remove one", "add and remove", "nothing", "draft"],
)
def test_an_updated_index_answers_like_a_fresh_one(change: str) -> None:
    previous = SearchIndex(ROWS)
    rows = list(ROWS)
    if change == "edit one":
        rows[7] = row("p007", 1007)
    elif change == "edit several":
        for i in (0, 13, 59):
            rows[i] = row(rows[i].page_id, 2000 + i)
    elif change == "add one":
        rows.insert(10, row("p009a", 3000))
    elif change == "remove one":
        del rows[20]
    elif change == "add and remove":
        del rows[5]
        rows.append(row("p999", 4000))
    elif change == "draft":
        rows[3] = SearchRow(**{**rows[3].__dict__, "public": False})
    updated, fresh = SearchIndex(rows, previous), SearchIndex(rows)
    assert answers(updated) == answers(fresh)
    assert dict(updated.vocabulary.frequency) == dict(fresh.vocabulary.frequency)
    assert updated.vocabulary.terms == fresh.vocabulary.terms
    assert updated.vocabulary.sorted_words == fresh.vocabulary.sorted_words
    assert updated.audiences == fresh.audiences


def test_a_chain_of_updates_stays_exact() -> None:
    index = SearchIndex(ROWS)
    rows = list(ROWS)
    rng = random.Random(5)
    for step in range(12):
        i = rng.randrange(len(rows))
        if step % 4 == 3:
            del rows[i]
        else:
            rows[i] = row(rows[i].page_id, 5000 + step)
        index = SearchIndex(rows, index)
    assert answers(index) == answers(SearchIndex(rows))


def test_an_index_built_from_a_closed_one_is_built_afresh() -> None:
    previous = SearchIndex(ROWS)
    previous.close()
    rows = [row("p000", 9000), *ROWS[1:]]
    assert answers(SearchIndex(rows, previous)) == answers(SearchIndex(rows))
