"""Appointing and standing down program leads; only admins do either."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from upward.auth import services as accounts
from upward.extensions import db
from upward.models import Cohort, CohortLead, User


class LeadError(ValueError):
    """An appointment that can't be made, with the reason to show."""


@dataclass(frozen=True, slots=True)
class Lead:
    """A program lead with the names of the cohorts they lead."""

    user: User
    cohorts: list[str]


def list_leads() -> list[Lead]:
    """Return every appointed program lead, by name, with their cohorts."""
    leads = list(db.session.scalars(select(User).where(User.is_lead).order_by(User.name)))
    names: dict[int, list[str]] = {}
    for user_id, name in db.session.execute(
        select(CohortLead.user_id, Cohort.name)
        .join(Cohort, Cohort.id == CohortLead.cohort_id)
        .where(Cohort.archived_at.is_(None))
        .order_by(Cohort.name)
    ):
        names.setdefault(user_id, []).append(name)
    return [Lead(user, names.get(user.id, [])) for user in leads]


def appoint(email: str) -> User:
    """Make the account with this address a program lead."""
    user = accounts.get_user_by_email(email)
    if user is None:
        raise LeadError(
            "No account uses this address yet. Send them a lead invitation instead: they "
            "create their account and become a lead in one step."
        )
    if not user.is_active:
        raise LeadError(
            f"{user.name}'s account is deactivated. Reopen it on the People page first."
        )
    if user.is_lead:
        raise LeadError(f"{user.name} is already a program lead.")
    accounts.set_lead(user, True)
    return user


def stand_down(user: User) -> list[str]:
    """End a person's lead role and take them off every cohort; return the cohorts they left.

    Their own account, progress and any pairs they are in stay as they are.
    """
    left = [lead.cohorts for lead in list_leads() if lead.user.id == user.id]
    accounts.set_lead(user, False)
    return left[0] if left else []
