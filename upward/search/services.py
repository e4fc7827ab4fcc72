"""Search rules: who sees drafts, what the audience filter means, where each hit leads."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from upward.content import Hit, Library
from upward.publishing import URLS
from upward.vocabulary import KINDS

MAX_RESULTS = 50


@dataclass(frozen=True, slots=True)
class Result:
    """One hit, labeled with its kind and the address of its page."""

    hit: Hit
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class Results:
    """Ranked results and how many there are of each kind."""

    items: tuple[Result, ...]
    counts: dict[str, int]


def search(
    library: Library, query: str, *, audience: str = "", include_drafts: bool = False
) -> Results:
    """Search the library, best first; the audience filter keeps pages for everyone too."""
    hits = library.search(
        query,
        include_drafts=include_drafts,
        audiences=[audience] if audience else None,
        limit=MAX_RESULTS,
    )
    items = tuple(
        Result(hit, KINDS[hit.kind], URLS.page_url(hit.kind, hit.id))
        for hit in hits
        if hit.kind in KINDS
    )
    return Results(items, dict(Counter(item.hit.kind for item in items)))
