"""The one home of sharing rules: a filled-in template reaches one partner, in one pair.

A share is a `PairShare` row (pair, entry). It is readable by the other person of that pair only
while the pair is active and the entry is not a draft; it never reaches a later partner (a new
pair is a new row), and it ends when the pair ends. The author chooses among their active pairs,
sees whom each entry is shared with, and can stop sharing it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, bindparam, case, delete, exists, or_, select, update

from upward.extensions import db
from upward.models import Pair, PairShare, TemplateEntry, User
from upward.models.types import utcnow


@dataclass(frozen=True, slots=True)
class PairChoice:
    """One of a person's active pairs, as a sharing choice: the pair and the partner."""

    pair_id: int
    partner_id: int
    partner_name: str


@dataclass(frozen=True, slots=True)
class Share:
    """Whom an entry is shared with: the pair, the partner, when, and when they first read it."""

    pair_id: int
    partner_id: int
    partner_name: str
    shared_at: datetime
    read_at: datetime | None
    active: bool


def in_pair(user_id: int | ColumnElement[int]) -> ColumnElement[bool]:
    """Return the condition that a person is one of a pair's two people."""
    return or_(Pair.mentor_id == user_id, Pair.executive_id == user_id)


def partner_column(user_id: int | ColumnElement[int]) -> ColumnElement[int]:
    """Return the pair's other person, as a column, seen from one of them."""
    return case((Pair.mentor_id == user_id, Pair.executive_id), else_=Pair.mentor_id)


def readable_share(reader_id: int | ColumnElement[int]) -> ColumnElement[bool]:
    """Return the condition for a share row the reader may read through (joined to its pair
    and entry): an active pair they are in, written by the other person, not a draft."""
    return and_(
        Pair.status == "active",
        in_pair(reader_id),
        TemplateEntry.user_id != reader_id,
        or_(TemplateEntry.user_id == Pair.mentor_id, TemplateEntry.user_id == Pair.executive_id),
        TemplateEntry.is_draft.is_(False),
    )


def shared_anywhere() -> ColumnElement[bool]:
    """Return a correlated condition: this entry is shared in a pair that is still active."""
    return exists(
        select(PairShare.entry_id)
        .join(Pair, Pair.id == PairShare.pair_id)
        .where(PairShare.entry_id == TemplateEntry.id, Pair.status == "active")
    )


def list_pair_choices(user_id: int) -> list[PairChoice]:
    """Return the active pairs a person can share with, by partner name."""
    partner = partner_column(user_id)
    rows = db.session.execute(
        select(Pair.id, User.id, User.name)
        .join(User, User.id == partner)
        .where(Pair.status == "active", in_pair(user_id))
        .order_by(User.name, Pair.id)
    )
    return [PairChoice(pair_id, partner_id, name) for pair_id, partner_id, name in rows]


SHARED_WITH = (
    select(TemplateEntry, User)
    .join(PairShare, PairShare.entry_id == TemplateEntry.id)
    .join(Pair, Pair.id == PairShare.pair_id)
    .join(User, User.id == TemplateEntry.user_id)
    .where(readable_share(bindparam("reader_id")))
    .order_by(TemplateEntry.updated_at.desc(), TemplateEntry.id.desc())
)
"""What partners share with the reader now (built once: search and the dashboard ask often)."""


def list_shared_with(reader_id: int) -> list[tuple[TemplateEntry, User]]:
    """Return what partners share with a person now, newest first, with their authors.

    Two people have one open pair at most, so an entry comes once (no DISTINCT: PostgreSQL
    can't compare JSON columns).
    """
    rows = db.session.execute(SHARED_WITH, {"reader_id": reader_id})
    return [(entry, author) for entry, author in rows]


def can_read(entry: TemplateEntry, reader_id: int) -> bool:
    """Tell whether a person may read someone else's entry through a share in an active pair."""
    return bool(
        db.session.scalar(
            select(
                exists()
                .where(PairShare.entry_id == entry.id, Pair.id == PairShare.pair_id)
                .where(readable_share(reader_id), TemplateEntry.id == entry.id)
            )
        )
    )


def mark_read(entry_id: int, reader_id: int) -> None:
    """Record when the partner first opened a shared entry (once; later visits change nothing)."""
    pairs = select(Pair.id).where(Pair.status == "active", in_pair(reader_id))
    result = db.session.execute(
        update(PairShare)
        .where(
            PairShare.entry_id == entry_id,
            PairShare.pair_id.in_(pairs),
            PairShare.read_at.is_(None),
        )
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:  # type: ignore[attr-defined]
        db.session.commit()


def list_shares(entry: TemplateEntry) -> list[Share]:
    """Return whom an entry is shared with (its author's view), active pairs first."""
    partner = partner_column(entry.user_id)
    rows = db.session.execute(
        select(PairShare, Pair.status, User.id, User.name)
        .join(Pair, Pair.id == PairShare.pair_id)
        .join(User, User.id == partner)
        .where(PairShare.entry_id == entry.id)
        .order_by(User.name)
    )
    shares = [
        Share(s.pair_id, uid, name, s.shared_at, s.read_at, status == "active")
        for s, status, uid, name in rows
    ]
    return sorted(shares, key=lambda s: not s.active)


def get_shared_pair_ids(entry: TemplateEntry) -> set[int]:
    """Return the ids of the active pairs an entry is shared in."""
    return {share.pair_id for share in list_shares(entry) if share.active}


def set_shares(entry: TemplateEntry, pair_ids: Collection[int], *, commit: bool = True) -> None:
    """Share an entry in exactly these of its author's active pairs; stop sharing it in others.

    Pairs that are not the author's, or no longer active, are ignored: sharing can only reach
    a partner the author has now. Shares in ended pairs stay as the record they were.
    """
    allowed = {choice.pair_id for choice in list_pair_choices(entry.user_id)}
    wanted = set(pair_ids) & allowed
    current = get_shared_pair_ids(entry)
    if current - wanted:
        db.session.execute(
            delete(PairShare).where(
                PairShare.entry_id == entry.id, PairShare.pair_id.in_(current - wanted)
            )
        )
    for pair_id in sorted(wanted - current):
        db.session.add(PairShare(pair_id=pair_id, entry_id=entry.id))
    if commit:
        db.session.commit()


def revoke(entry: TemplateEntry, pair_id: int) -> bool:
    """Stop sharing an entry in one pair; tell whether it was shared there."""
    result = db.session.execute(
        delete(PairShare).where(PairShare.entry_id == entry.id, PairShare.pair_id == pair_id)
    )
    db.session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def list_pair_entries(pair: Pair) -> list[tuple[TemplateEntry, PairShare]]:
    """Return what either partner shares in this pair (saved copies, not drafts), newest first."""
    rows = db.session.execute(
        select(TemplateEntry, PairShare)
        .join(PairShare, PairShare.entry_id == TemplateEntry.id)
        .where(
            PairShare.pair_id == pair.id,
            TemplateEntry.is_draft.is_(False),
            TemplateEntry.user_id.in_((pair.mentor_id, pair.executive_id)),
        )
        .order_by(PairShare.shared_at.desc(), TemplateEntry.id.desc())
    )
    return [(entry, share) for entry, share in rows]


def shared_entry_ids(author_id: int) -> set[int]:
    """Return the ids of a person's entries shared in a pair that is still active."""
    return set(
        db.session.scalars(
            select(PairShare.entry_id)
            .join(Pair, Pair.id == PairShare.pair_id)
            .join(TemplateEntry, TemplateEntry.id == PairShare.entry_id)
            .where(Pair.status == "active", TemplateEntry.user_id == author_id)
        )
    )


def is_readable_in(pair_id: int, entry_id: int, reader_id: int) -> bool:
    """Tell whether this share, in this pair, still lets this person read the entry."""
    return bool(
        db.session.scalar(
            select(
                exists()
                .where(PairShare.pair_id == pair_id, PairShare.entry_id == entry_id)
                .where(Pair.id == PairShare.pair_id, TemplateEntry.id == PairShare.entry_id)
                .where(readable_share(reader_id))
            )
        )
    )


def find_new_shares(since: datetime) -> list[tuple[int, int, int]]:
    """Return (pair, entry, partner) for each live share made or saved since a moment."""
    rows = db.session.execute(
        select(PairShare.pair_id, PairShare.entry_id, TemplateEntry.user_id, Pair)
        .join(Pair, Pair.id == PairShare.pair_id)
        .join(TemplateEntry, TemplateEntry.id == PairShare.entry_id)
        .where(
            Pair.status == "active",
            TemplateEntry.is_draft.is_(False),
            or_(PairShare.shared_at >= since, TemplateEntry.updated_at >= since),
        )
    )
    return [
        (pair_id, entry_id, pair.partner_of(author_id))
        for pair_id, entry_id, author_id, pair in rows
        if author_id in (pair.mentor_id, pair.executive_id)
    ]
