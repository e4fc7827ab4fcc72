"""The rules of mentoring pairs: who is paired with whom, and who may arrange it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import CursorResult, delete, or_, select
from sqlalchemy.orm import aliased

from upward import prefetch
from upward.database import insert_ignoring_duplicates
from upward.extensions import db
from upward.models import Pair, User
from upward.models.types import utcnow


class PairError(ValueError):
    """The pair asked for can't be made (wrong roles, or already paired)."""


@dataclass(frozen=True, slots=True)
class PairView:
    """A pair with both people, for listing."""

    id: int
    mentor: User
    executive: User


def can_manage_pairs(user: User) -> bool:
    """Tell whether a person may create and remove pairs (appointed program leads and admins)."""
    return user.is_authenticated and (user.is_lead or user.is_admin)


def get_partner_ids(user_id: int) -> set[int]:
    """Return the ids of everyone a person is paired with, in either role."""
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
    """Return the people a person is paired with, by name."""
    ids = get_partner_ids(user_id)
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name)))


def list_pairs() -> list[PairView]:
    """Return every pair with both people, by mentor name."""
    mentor, executive = aliased(User), aliased(User)
    rows = db.session.execute(
        select(Pair.id, mentor, executive)
        .join(mentor, Pair.mentor_id == mentor.id)
        .join(executive, Pair.executive_id == executive.id)
        .where(Pair.status == "active")
        .order_by(mentor.name, executive.name)
    )
    return [PairView(pair_id, m, e) for pair_id, m, e in rows]


def get_pair(pair_id: int) -> PairView | None:
    """Return one pair with both people, or None."""
    return next((pair for pair in list_pairs() if pair.id == pair_id), None)


def list_people(role: str) -> list[User]:
    """Return everyone with a role, by name: the choices for a new pair."""
    return list(db.session.scalars(select(User).where(User.role == role).order_by(User.name)))


def create_pair(mentor_id: int, executive_id: int) -> None:
    """Pair a mentor with an executive; refuse wrong roles and duplicates."""
    mentor = db.session.get(User, mentor_id)
    executive = db.session.get(User, executive_id)
    if mentor is None or mentor.role != "mentor":
        raise PairError("Choose a mentor.")
    if executive is None or executive.role != "executive":
        raise PairError("Choose an executive mentee.")
    # RETURNING tells reliably on both databases whether a row went in (rowcount does not).
    inserted = db.session.scalar(
        insert_ignoring_duplicates(
            Pair,
            mentor_id=mentor_id,
            executive_id=executive_id,
            status="active",
            started_at=utcnow(),
        ).returning(Pair.id)
    )
    db.session.commit()
    if inserted is None:
        raise PairError(f"{mentor.name} and {executive.name} are already paired.")


def remove_pair(pair_id: int) -> bool:
    """Remove a pair; tell whether there was one."""
    result = db.session.execute(delete(Pair).where(Pair.id == pair_id))
    db.session.commit()
    return cast(CursorResult, result).rowcount > 0
