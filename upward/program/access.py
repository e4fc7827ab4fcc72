"""Who may lead what: the one home of the program's permission rules.

Admins lead every cohort. A program lead leads the cohorts they are named on and sees the people
in them, and nobody else. Partners see their own pairs; `upward.pairs` checks that.
"""

from __future__ import annotations

from sqlalchemy import Select, exists, select

from upward.extensions import db
from upward.models import CohortLead, Membership, User


def is_lead(user: User) -> bool:
    """Tell whether a person may use the program lead's pages at all."""
    return bool(user.is_authenticated and (user.is_lead or user.is_admin))


def led_cohort_ids(user: User) -> set[int] | None:
    """Return the ids of the cohorts a person leads; None means all of them (an admin)."""
    if user.is_admin:
        return None
    if not user.is_lead:
        return set()
    return set(
        db.session.scalars(select(CohortLead.cohort_id).where(CohortLead.user_id == user.id))
    )


def can_lead(user: User, cohort_id: int) -> bool:
    """Tell whether a person leads a cohort (admins lead all)."""
    if not is_lead(user):
        return False
    if user.is_admin:
        return True
    return bool(
        db.session.scalar(
            select(exists().where(CohortLead.cohort_id == cohort_id, CohortLead.user_id == user.id))
        )
    )


def can_see_person(viewer: User, person_id: int) -> bool:
    """Tell whether a lead may see a person's name, work email and profile.

    Only for people in a cohort the lead leads; everyone may see themselves; admins see all.
    """
    if viewer.id == person_id or viewer.is_admin:
        return True
    if not viewer.is_lead:
        return False
    led = select(CohortLead.cohort_id).where(CohortLead.user_id == viewer.id)
    return bool(
        db.session.scalar(
            select(exists().where(Membership.user_id == person_id, Membership.cohort_id.in_(led)))
        )
    )


def visible_people(viewer: User) -> Select[int] | None:
    """Return a query of the ids of people a lead may see; None means everyone (an admin).

    The people in the cohorts they lead now; nobody for someone who leads nothing.
    """
    led = led_cohort_ids(viewer)
    if led is None:
        return None
    return select(Membership.user_id).where(
        Membership.cohort_id.in_(led), Membership.left_at.is_(None)
    )
