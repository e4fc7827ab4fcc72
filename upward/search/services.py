"""Search rules: who sees drafts, what the audience filter means, where each hit leads."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask import url_for

from upward.content import Hit, Library

MAX_RESULTS = 50
KIND_LABELS = {"step": "Step", "template": "Template", "resource": "Resource"}
KIND_ENDPOINTS = {
    "step": ("learn.step_anywhere", "step_id"),
    "template": ("discussions.template", "template_id"),
    "resource": ("resources.detail", "resource_id"),
}


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
        Result(hit, KIND_LABELS.get(hit.kind, hit.kind), get_url(hit))
        for hit in hits
        if hit.kind in KIND_ENDPOINTS
    )
    return Results(items, dict(Counter(item.hit.kind for item in items)))


def get_url(hit: Hit) -> str:
    """Return the address of the page a hit is about."""
    endpoint, arg = KIND_ENDPOINTS[hit.kind]
    return url_for(endpoint, **{arg: hit.id})
