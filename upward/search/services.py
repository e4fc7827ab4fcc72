"""Search rules: who sees drafts, whose own words join the search, where each hit leads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import bindparam, select

from upward.content import Found, Hit, Library, SearchRow
from upward.discussions.services import list_shared_with
from upward.extensions import db
from upward.models import ReflectionNote, TemplateEntry
from upward.publishing import URLS
from upward.viewer import LibraryView
from upward.vocabulary import KINDS

MAX_RESULTS = 20
"""Results on the page: the filters narrow the rest down (20 is also Meilisearch's default)."""
KIND_LABELS = {
    **KINDS,
    "note": "Your note",
    "entry": "Your template",
    "shared": "Shared with you",
}
FILTERS = {
    "step": ("Steps", ("step",)),
    "template": ("Templates", ("template",)),
    "resource": ("Resources", ("resource",)),
    "yours": ("Your notes", ("note", "entry", "shared")),
}
"""Kind filter value -> its label and the hit kinds it keeps."""
OWN_KINDS = frozenset(FILTERS["yours"][1])
EVERYONE = frozenset({"all"})


@dataclass(frozen=True, slots=True)
class Result:
    """One hit, labeled with its kind, the address of its page and whose words it is."""

    hit: Hit
    label: str
    url: str
    owner: str = ""
    """'' for library pages; "Yours" or "Shared by <name>" for a person's own words."""


@dataclass(frozen=True, slots=True)
class Results:
    """Ranked results, the counts per kind filter and per audience, and a suggestion."""

    items: tuple[Result, ...]
    counts: dict[str, int]
    """Kind filter value (FILTERS) -> matches, whatever kind filter is chosen."""
    audiences: dict[str, int] = field(default_factory=dict)
    total: int = 0
    suggestion: str | None = None


@dataclass(frozen=True, slots=True)
class OwnText:
    """A person's own text as a search row, with where it is read and who wrote it."""

    row: SearchRow
    url: str
    owner: str


def search(
    view: LibraryView,
    query: str,
    *,
    audience: str = "",
    kind: str = "",
    user_id: int | None = None,
) -> Results:
    """Search what the person may see and their own words, best first, with counts per kind."""
    own = {text.row.page_id: text for text in get_own_texts(view, user_id)}
    kinds = FILTERS[kind][1] if kind in FILTERS else None
    found = view.library.find(
        query,
        include_drafts=view.drafts,
        audiences=[audience] if audience else None,
        kinds=kinds,
        limit=MAX_RESULTS,
        extra=[text.row for text in own.values()],
    )
    items = tuple(_result(hit, own) for hit in found.hits)
    return Results(
        items=tuple(item for item in items if item is not None),
        counts=count_by_filter(found),
        audiences=dict(found.audiences),
        total=found.total,
        suggestion=found.suggestion,
    )


def count_by_filter(found: Found) -> dict[str, int]:
    """Return how many matches each kind filter would show."""
    counts = {
        name: sum(found.kinds.get(k, 0) for k in kinds) for name, (_, kinds) in FILTERS.items()
    }
    return {name: count for name, count in counts.items() if count}


def _result(hit: Hit, own: dict[str, OwnText]) -> Result | None:
    """Return a hit with its label and address; None for a kind the site can't show."""
    label = KIND_LABELS.get(hit.kind)
    if label is None:
        return None
    if hit.kind in OWN_KINDS:
        text = own.get(hit.id)
        return Result(hit, label, text.url, text.owner) if text else None
    if hit.kind not in KINDS:
        return None
    return Result(hit, label, URLS.page_url(hit.kind, hit.id))


def get_own_texts(view: LibraryView, user_id: int | None) -> list[OwnText]:
    """Return what a person wrote (notes, filled-in templates) and what their partners share."""
    if user_id is None:
        return []
    return [
        *_notes(view, user_id),
        *_entries(view.library, user_id),
        *_shared(view.library, user_id),
    ]


NOTES = select(
    ReflectionNote.id, ReflectionNote.step_id, ReflectionNote.prompt_id, ReflectionNote.text
).where(ReflectionNote.user_id == bindparam("user_id"))
ENTRIES = select(TemplateEntry).where(TemplateEntry.user_id == bindparam("user_id"))


def _notes(view: LibraryView, user_id: int) -> Iterable[OwnText]:
    """Return a person's reflection notes on steps they can still open."""
    notes = db.session.execute(NOTES, {"user_id": user_id})
    for note_id, step_id, prompt_id, text in notes:
        step = view.library.page(step_id)
        if step is None or not text.strip() or not (view.drafts or view.library.is_public(step)):
            continue
        url = URLS.page_url("step", step_id, prompt_id)
        row = SearchRow(
            f"note-{note_id}", "note", f"Your note on “{step.title}”", "", text, True, EVERYONE
        )
        yield OwnText(row, url, "Yours")


def _entries(library: Library, user_id: int) -> Iterable[OwnText]:
    """Return a person's filled-in templates."""
    entries = db.session.scalars(ENTRIES, {"user_id": user_id})
    for entry in entries:
        yield OwnText(_entry_row(library, entry, "entry"), _entry_url(entry), "Yours")


def _shared(library: Library, user_id: int) -> Iterable[OwnText]:
    """Return the filled-in templates a person's partners share with them."""
    for entry, author in list_shared_with(user_id):
        row = _entry_row(library, entry, "shared")
        yield OwnText(row, _entry_url(entry), f"Shared by {author.name}")


def _entry_row(library: Library, entry: TemplateEntry, kind: str) -> SearchRow:
    """Return a filled-in template as a search row: its title, template and typed text."""
    template = library.page(entry.template_id)
    body = "\n".join(str(v) for v in (entry.values or {}).values() if isinstance(v, str))
    summary = template.title if template else ""
    return SearchRow(f"{kind}-{entry.id}", kind, entry.title, summary, body, True, EVERYONE)


def _entry_url(entry: TemplateEntry) -> str:
    """Return the address of a filled-in template."""
    return url_for("discussions.entry", entry_id=entry.id)
