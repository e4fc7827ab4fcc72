"""Cohorts and their leads: creating, editing and closing a cohort, and who leads it.

Who may lead what is `upward.program.access`; this module uses it and never decides it again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select

from upward.auth import services as accounts
from upward.database import insert_ignoring_duplicates
from upward.extensions import db
from upward.models import Cohort, CohortLead, Membership, User
from upward.models.types import utcnow
from upward.program import access

CADENCES = {
    7: "Every week",
    14: "Every two weeks",
    21: "Every three weeks",
    28: "Every four weeks",
}
"""How often pairs of a cohort meet; two weeks is what the pathways teach."""

MAX_CAPACITY = 5
"""The most executives one mentor may take: more and nobody gets real time."""

REPEAT_WINDOW = timedelta(minutes=2)
"""A cohort of the same name created by the same person this soon is the same click twice."""


class CohortError(ValueError):
    """A change to a cohort that can't be made, with the reason to show."""


@dataclass(frozen=True, slots=True)
class CohortDraft:
    """What a lead types about a cohort."""

    name: str
    starts_on: date
    ends_on: date
    themes: list[str]
    mentor_capacity: int
    avoid_same_department: bool
    cadence_days: int


@dataclass(frozen=True, slots=True)
class CohortSummary:
    """A cohort on the lead's home page, with how many people are in it."""

    cohort: Cohort
    mentors: int
    executives: int
    leads: list[str]

    @property
    def is_archived(self) -> bool:
        return self.cohort.archived_at is not None


def clean_themes(themes: list[str]) -> list[str]:
    """Return themes trimmed, without blanks and repeats (the first spelling wins), in order."""
    seen: set[str] = set()
    kept: list[str] = []
    for theme in themes:
        label = " ".join(theme.split())
        if label and label.casefold() not in seen:
            seen.add(label.casefold())
            kept.append(label)
    return kept


def check(draft: CohortDraft) -> None:
    """Refuse a cohort that can't run: dates the wrong way round, no themes, odd capacity."""
    if draft.ends_on <= draft.starts_on:
        raise CohortError("The cohort must end after it starts.")
    if not clean_themes(draft.themes):
        raise CohortError("Offer at least one theme, so people can say what they bring.")
    if not 1 <= draft.mentor_capacity <= MAX_CAPACITY:
        raise CohortError(f"A mentor can take from 1 to {MAX_CAPACITY} executive mentees.")
    if draft.cadence_days not in CADENCES:
        raise CohortError("Choose how often pairs meet.")


def create(by: User, draft: CohortDraft, now: datetime | None = None) -> Cohort:
    """Create a cohort and make its creator its first lead.

    The same name sent again by the same person within two minutes is a double click: the
    cohort made by the first one is returned. Otherwise a lead's open cohorts have distinct
    names, so nobody invites people to the wrong one.
    """
    check(draft)
    now = now or utcnow()
    twin = find_by_name(by, draft.name)
    if twin is not None:
        if twin.created_by_id == by.id and now - twin.created_at < REPEAT_WINDOW:
            return twin
        raise CohortError(f"You already run a cohort called “{twin.name}”. Choose another name.")
    cohort = Cohort(created_by_id=by.id, created_at=now)
    apply(cohort, draft)
    db.session.add(cohort)
    db.session.flush()
    db.session.add(CohortLead(cohort_id=cohort.id, user_id=by.id, created_at=now))
    db.session.commit()
    return cohort


def update(by: User, cohort: Cohort, draft: CohortDraft) -> None:
    """Save a cohort's new name, dates, themes and rules."""
    check(draft)
    twin = find_by_name(by, draft.name)
    if twin is not None and twin.id != cohort.id:
        raise CohortError(f"You already run a cohort called “{twin.name}”. Choose another name.")
    apply(cohort, draft)
    db.session.commit()


def apply(cohort: Cohort, draft: CohortDraft) -> None:
    """Copy what the lead typed onto the cohort."""
    cohort.name = " ".join(draft.name.split())
    cohort.starts_on = draft.starts_on
    cohort.ends_on = draft.ends_on
    cohort.themes = clean_themes(draft.themes)
    cohort.mentor_capacity = draft.mentor_capacity
    cohort.avoid_same_department = draft.avoid_same_department
    cohort.cadence_days = draft.cadence_days


def find_by_name(lead: User, name: str) -> Cohort | None:
    """Return an open cohort of this name (any case) among those the person leads."""
    name = " ".join(name.split())
    query = select(Cohort).where(
        func.lower(Cohort.name) == name.lower(), Cohort.archived_at.is_(None)
    )
    led = access.led_cohort_ids(lead)
    if led is not None:
        query = query.where(Cohort.id.in_(led))
    return db.session.scalars(query.limit(1)).first()


def set_archived(cohort: Cohort, archived: bool, now: datetime | None = None) -> None:
    """Close a cohort (no new people join; its pairs and history stay) or reopen it."""
    cohort.archived_at = (now or utcnow()) if archived else None
    db.session.commit()


def get_led(user: User, cohort_id: int) -> Cohort | None:
    """Return a cohort the person leads, or None (the page then answers 404)."""
    if not access.can_lead(user, cohort_id):
        return None
    return db.session.get(Cohort, cohort_id)


def list_led(user: User) -> list[CohortSummary]:
    """Return the cohorts a person leads (every cohort for an admin), open ones first."""
    led = access.led_cohort_ids(user)
    query = select(Cohort)
    if led is not None:
        query = query.where(Cohort.id.in_(led))
    cohorts = list(
        db.session.scalars(query.order_by(Cohort.archived_at.is_not(None), Cohort.starts_on.desc()))
    )
    if not cohorts:
        return []
    ids = [c.id for c in cohorts]
    counts: Counter[tuple[int, str]] = Counter()
    for cohort_id, role, count in db.session.execute(
        select(Membership.cohort_id, Membership.role, func.count())
        .where(Membership.cohort_id.in_(ids), Membership.left_at.is_(None))
        .group_by(Membership.cohort_id, Membership.role)
    ):
        counts[(cohort_id, role)] = count
    names: dict[int, list[str]] = {}
    for cohort_id, name in db.session.execute(
        select(CohortLead.cohort_id, User.name)
        .join(User, User.id == CohortLead.user_id)
        .where(CohortLead.cohort_id.in_(ids))
        .order_by(User.name)
    ):
        names.setdefault(cohort_id, []).append(name)
    return [
        CohortSummary(c, counts[(c.id, "mentor")], counts[(c.id, "executive")], names.get(c.id, []))
        for c in cohorts
    ]


def list_leads(cohort_id: int) -> list[User]:
    """Return the leads of a cohort, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(CohortLead, CohortLead.user_id == User.id)
            .where(CohortLead.cohort_id == cohort_id)
            .order_by(User.name)
        )
    )


def add_lead(cohort: Cohort, email: str) -> User:
    """Name an appointed program lead as a co-lead of a cohort.

    Only people an admin appointed can lead: a lead shares their cohort, never the role.
    """
    user = accounts.get_user_by_email(email)
    if user is None or not user.is_active:
        raise CohortError(
            "No active account uses this address. Co-leads need an account and the program "
            "lead role, which an admin gives."
        )
    if not access.is_lead(user):
        raise CohortError(
            f"{user.name} isn't a program lead yet. Ask an admin to appoint them, then add them "
            "here."
        )
    db.session.execute(
        insert_ignoring_duplicates(
            CohortLead, cohort_id=cohort.id, user_id=user.id, created_at=utcnow()
        )
    )
    db.session.commit()
    return user


def remove_lead(cohort: Cohort, user_id: int) -> User:
    """Take a co-lead off a cohort; a cohort always keeps one lead."""
    leads = list_leads(cohort.id)
    leaving = next((u for u in leads if u.id == user_id), None)
    if leaving is None:
        raise CohortError("That person doesn't lead this cohort.")
    if len(leads) == 1:
        raise CohortError(
            "A cohort needs at least one lead. Add another lead before you take this one off."
        )
    db.session.execute(
        delete(CohortLead).where(CohortLead.cohort_id == cohort.id, CohortLead.user_id == user_id)
    )
    db.session.commit()
    return leaving
