"""The rules of filled-in templates: who may read them and how they are kept."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.exc import IntegrityError

from upward import prefetch, sharing
from upward.content import FormField, Page
from upward.extensions import db
from upward.models import TemplateEntry, User
from upward.models.types import utcnow

RATING_LABELS = {
    1: "1 · Not useful",
    2: "2 · A little useful",
    3: "3 · Useful",
    4: "4 · Very useful",
    5: "5 · Extremely useful",
}
MAX_TITLE_LENGTH = 200
SUBMISSION_RE = re.compile(r"[0-9a-f]{32}")


def get_rating_labels(field: FormField) -> dict[int, str]:
    """Return a rating's five choice labels: the field's own ends, else the generic scale."""
    if not (field.low and field.high):
        return RATING_LABELS
    return {1: f"1 · {field.low}", 2: "2", 3: "3", 4: "4", 5: f"5 · {field.high}"}


@dataclass(frozen=True, slots=True)
class Answer:
    """One field of a filled-in template, ready to show: label and the text typed."""

    name: str
    label: str
    kind: str
    text: str


# Built once: the dashboard runs it on every visit.
ENTRY_LIST = (
    select(
        TemplateEntry.id,
        TemplateEntry.title,
        TemplateEntry.is_draft,
        sharing.shared_anywhere().label("shared"),
    )
    .add_columns(TemplateEntry.updated_at)
    .where(TemplateEntry.user_id == bindparam("user_id"))
    .order_by(TemplateEntry.updated_at.desc())
)


def list_entries(user_id: int) -> list[Row]:
    """Return a person's filled-in templates as rows for a list, newest first."""
    found = prefetch.get(user_id)
    if found and found.plan.entries:
        return found.entries  # type: ignore[return-value]
    return list(db.session.execute(ENTRY_LIST, {"user_id": user_id}))


def list_copies(user_id: int, template_id: str) -> list[TemplateEntry]:
    """Return a person's copies of one template, newest first."""
    return list(
        db.session.scalars(
            select(TemplateEntry)
            .where(TemplateEntry.user_id == user_id, TemplateEntry.template_id == template_id)
            .order_by(TemplateEntry.created_at.desc(), TemplateEntry.id.desc())
        )
    )


def list_shared_with(user_id: int) -> list[tuple[TemplateEntry, User]]:
    """Return the entries a person's mentoring partners share with them, with their authors."""
    return sharing.list_shared_with(user_id)


def get_readable_entry(entry_id: int, user_id: int) -> TemplateEntry | None:
    """Return an entry its author, or their partner when it is shared, may read; else None."""
    entry = db.session.get(TemplateEntry, entry_id)
    if entry is None:
        return None
    if entry.user_id == user_id:
        return entry
    # Shared in a pair that is still active, with this reader, and not a draft.
    return entry if sharing.can_read(entry, user_id) else None


def get_own_entry(entry_id: int, user_id: int) -> TemplateEntry | None:
    """Return an entry only if this person wrote it: only authors change or delete."""
    entry = db.session.get(TemplateEntry, entry_id)
    return entry if entry is not None and entry.user_id == user_id else None


def get_author(entry: TemplateEntry) -> User | None:
    """Return the person who wrote an entry."""
    return db.session.get(User, entry.user_id)


def default_title(template: Page, today: date | None = None) -> str:
    """Return the title of a new copy: the template's title and today's date."""
    today = today or utcnow().date()
    return f"{template.title} — {today.day} {today:%b %Y}"


def create_entry(
    user_id: int,
    template: Page,
    values: dict[str, Any],
    *,
    title: str,
    draft: bool,
    share_with: Collection[int] = (),
    submission: str | None = None,
) -> tuple[TemplateEntry, bool]:
    """Keep a new filled-in copy of a template, once per submission; return it and if it is new.

    A save sent again (a double click, a retry after a timeout that had in fact committed, or
    Back then Save) carries the same submission id: it updates the copy already kept with what
    was sent last, instead of keeping a twin.
    """
    options: dict[str, Any] = {"title": title, "draft": draft, "share_with": share_with}
    submission = submission if submission and SUBMISSION_RE.fullmatch(submission) else None
    kept = find_submission(user_id, submission) if submission else None
    if kept is not None and kept.template_id != template.id:
        kept = submission = None  # a key copied onto another template's form: a new copy
    if kept is not None:
        return save_entry(kept, template, values, **options), False
    entry = TemplateEntry(
        user_id=user_id, template_id=template.id, values={}, submission_id=submission
    )
    db.session.add(entry)
    try:
        return save_entry(entry, template, values, **options), True
    except IntegrityError:
        db.session.rollback()
        kept = find_submission(user_id, submission) if submission else None
        if kept is None:
            raise
        return save_entry(kept, template, values, **options), False


def find_submission(user_id: int, submission: str) -> TemplateEntry | None:
    """Return the copy a person kept with this submission id, if any."""
    return db.session.scalar(
        select(TemplateEntry).where(
            TemplateEntry.user_id == user_id, TemplateEntry.submission_id == submission
        )
    )


def save_entry(
    entry: TemplateEntry,
    template: Page,
    values: dict[str, Any],
    *,
    title: str,
    draft: bool,
    share_with: Collection[int] = (),
) -> TemplateEntry:
    """Store what the person typed, keeping only the template's own fields.

    `share_with` names the author's active pairs it is shared in (any others are unshared). A
    draft keeps its shares but nobody reads it until it is saved for real.
    """
    entry.values = {field.name: to_stored(values.get(field.name)) for field in template.fields}
    entry.title = (title.strip() or default_title(template))[:MAX_TITLE_LENGTH]
    entry.is_draft = draft
    entry.session_date = next(
        (
            entry.values[f.name]
            for f in template.fields
            if f.kind == "date" and entry.values[f.name]
        ),
        None,
    )
    entry.updated_at = utcnow()
    db.session.flush()
    sharing.set_shares(entry, share_with)
    return entry


def clean_values(values: dict[str, Any]) -> dict[str, Any]:
    """Return answers as they would be stored: blanks as None."""
    return {name: to_stored(value) for name, value in values.items()}


def to_stored(value: Any) -> Any:
    """Turn a form value into JSON: dates as ISO strings, blanks as None."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip() or None
    return value


def to_form_data(entry: TemplateEntry, template: Page) -> dict[str, Any]:
    """Return an entry's values as a form expects them (dates as dates)."""
    data: dict[str, Any] = {
        "title": entry.title,
        "share_with": sorted(sharing.get_shared_pair_ids(entry)),
    }
    for field in template.fields:
        value = entry.values.get(field.name)
        if field.kind == "date" and value:
            try:
                value = date.fromisoformat(value)
            except ValueError:
                value = None
        data[field.name] = value
    return data


def delete_entry(entry: TemplateEntry) -> None:
    """Delete a filled-in copy for good."""
    db.session.delete(entry)
    db.session.commit()


def get_answers(entry: TemplateEntry, template: Page | None) -> list[Answer]:
    """Return an entry's answers in the template's order (field names if it was removed)."""
    if template is None:
        return [
            Answer(name, name, "short", format_value("short", value))
            for name, value in entry.values.items()
        ]
    return [
        Answer(f.name, f.label, f.kind, format_value(f.kind, entry.values.get(f.name), f))
        for f in template.fields
    ]


def format_value(kind: str, value: Any, field: FormField | None = None) -> str:
    """Return a stored value as people read it ('' when empty), in the field's rating labels."""
    if value is None or value == "":
        return ""
    if kind == "rating":
        labels = get_rating_labels(field) if field else RATING_LABELS
        return f"{labels.get(int(value), value)} (out of 5)"
    if kind == "date":
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return str(value)
        return f"{day.day} {day:%b %Y}"
    return str(value)


def to_markdown(entry: TemplateEntry, template: Page | None) -> str:
    """Return a filled-in template as Markdown: the title, then each field as a heading."""
    lines = [f"# {entry.title}", ""]
    lines.append(f"Template: {template.title if template else entry.template_id}  ")
    lines.append(f"Created: {entry.created_at.date().isoformat()}  ")
    lines.append(f"Status: {'draft' if entry.is_draft else 'saved'}")
    for answer in get_answers(entry, template):
        lines += ["", f"## {answer.label}", "", answer.text or "_Not filled in._"]
    return "\n".join(lines) + "\n"


def markdown_filename(entry: TemplateEntry) -> str:
    """Return a safe file name for an entry's Markdown download."""
    slug = re.sub(r"[^a-z0-9]+", "-", entry.title.lower()).strip("-")[:80] or "entry"
    return f"{slug}-{entry.id}.md"
