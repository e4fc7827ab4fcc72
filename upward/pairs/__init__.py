"""Mentoring pairs: who is paired with whom, from a matching proposal to the end of the pair.

This package is the one home of a pair's lifecycle (`lifecycle`: propose, accept, decline, end),
of the cohort's matching run read from the database (`suggestions`, around the pure
`upward.matching`), and of the lead's and partners' pages about it (`routes`). Who counts as a
partner (only active pairs share anything) is answered here, for every feature that asks.
"""

from __future__ import annotations

from sqlalchemy import or_, select

from upward import prefetch
from upward.extensions import db
from upward.models import Pair, User
from upward.program.access import is_lead


class PairError(ValueError):
    """The pair asked for can't be made or changed (wrong people, already paired, too late)."""


def can_manage_pairs(user: User) -> bool:
    """Tell whether a person may use the lead's pair pages at all (leads and admins)."""
    return is_lead(user)


def get_partner_ids(user_id: int) -> set[int]:
    """Return the ids of everyone a person is paired with now (active pairs), in either role."""
    found = prefetch.get(user_id)
    if found and found.plan.entries:  # the dashboard read them with the user
        return set(found.partner_ids)
    rows = db.session.execute(
        select(Pair.mentor_id, Pair.executive_id).where(
            or_(Pair.mentor_id == user_id, Pair.executive_id == user_id), Pair.status == "active"
        )
    )
    return {other for pair in rows for other in pair if other != user_id}


def get_partners(user_id: int) -> list[User]:
    """Return the people a person is paired with now, by name."""
    ids = get_partner_ids(user_id)
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name)))
