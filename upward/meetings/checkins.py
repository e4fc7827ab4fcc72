"""Check-ins: after a held session each partner fills in the bi-weekly check-in template.

A check-in is a filled-in copy of that template (a `TemplateEntry`) linked to the session, one
per person per session: it is kept, listed, edited, shared and exported like any other copy,
and private unless its author shares it. Leads count check-ins; they never read them.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from upward.content import Page
from upward.discussions import services as entries
from upward.extensions import db
from upward.meetings import times
from upward.models import Meeting, Pair, TemplateEntry, User

TEMPLATE_ID = "biweekly-checkin"
"""The library template a check-in is a copy of."""


def get_checkin(meeting_id: int, user_id: int) -> TemplateEntry | None:
    """Return a person's check-in for a session, if they wrote one (a draft counts)."""
    return db.session.scalar(
        select(TemplateEntry).where(
            TemplateEntry.meeting_id == meeting_id, TemplateEntry.user_id == user_id
        )
    )


def checkins_of(user_id: int, meeting_ids: Collection[int]) -> dict[int, TemplateEntry]:
    """Return a person's check-ins for these sessions, by session id."""
    if not meeting_ids:
        return {}
    rows = db.session.scalars(
        select(TemplateEntry).where(
            TemplateEntry.user_id == user_id, TemplateEntry.meeting_id.in_(list(meeting_ids))
        )
    )
    return {entry.meeting_id: entry for entry in rows if entry.meeting_id is not None}


def partner_wrote(partner_id: int, meeting_ids: Collection[int]) -> set[int]:
    """Return the sessions the partner has written a check-in for (whether, never what)."""
    if not meeting_ids:
        return set()
    return set(
        db.session.scalars(
            select(TemplateEntry.meeting_id).where(
                TemplateEntry.user_id == partner_id,
                TemplateEntry.meeting_id.in_(list(meeting_ids)),
                TemplateEntry.is_draft.is_(False),
            )
        )
    )


def can_write(pair: Pair, meeting: Meeting, user_id: int) -> bool:
    """Tell whether a person may write a check-in for a session: a partner, once it was held."""
    return (
        pair.is_active
        and meeting.status == "held"
        and user_id in (pair.mentor_id, pair.executive_id)
    )


def first_values(pair: Pair, meeting: Meeting, user: User, partner: User | None) -> dict[str, Any]:
    """Return what a new check-in starts with: its title, the session's day and who writes it."""
    day = times.local(meeting.starts_at, meeting.time_zone).date()
    with_whom = f" with {partner.name}" if partner else ""
    return {
        "title": f"Check-in after our session of {times.describe_day(day)}{with_whom}",
        "checkin_date": day,
        "who": "Mentor" if pair.role_of(user.id) == "mentor" else "Executive",
    }


def save_checkin(
    meeting: Meeting,
    user: User,
    template: Page,
    values: dict[str, Any],
    *,
    title: str,
    draft: bool,
    share_with: Collection[int] = (),
) -> tuple[TemplateEntry, bool]:
    """Keep a person's check-in for a session, once; return it and whether it is new.

    A second sending (a double click, a second tab) finds the first and updates it: one per
    person per session, enforced by a unique constraint.
    """
    # A check-in of this pair is shared in this pair or not at all.
    pairs = [pair_id for pair_id in share_with if pair_id == meeting.pair_id]
    options: dict[str, Any] = {"title": title, "draft": draft, "share_with": pairs}
    existing = get_checkin(meeting.id, user.id)
    if existing is not None:
        return entries.save_entry(existing, template, values, **options), False
    entry = TemplateEntry(
        user_id=user.id, template_id=template.id, values={}, meeting_id=meeting.id
    )
    db.session.add(entry)
    try:
        return entries.save_entry(entry, template, values, **options), True
    except IntegrityError:
        db.session.rollback()
        existing = get_checkin(meeting.id, user.id)
        if existing is None:
            raise
        return entries.save_entry(existing, template, values, **options), False


PREFILLED = frozenset({"checkin_date", "who"})
"""Answers a new check-in starts with: on their own they are not a check-in worth keeping."""


def has_answers(values: dict[str, Any]) -> bool:
    """Tell whether a check-in says anything beyond what it was started with."""
    return any(
        value not in (None, "")
        for name, value in entries.clean_values(values).items()
        if name not in PREFILLED
    )
