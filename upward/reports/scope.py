"""What a report covers: the cohorts a lead may see, narrowed by role and department.

Every report query starts from `Scope.members()` or `Scope.pairs()`, so the permission rule
(`upward.program.access`) and the filters are applied in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select, true
from sqlalchemy.orm import aliased

from upward.extensions import db
from upward.models import Cohort, Membership, Pair, Profile, User
from upward.program.access import led_cohort_ids
from upward.vocabulary import PARTICIPANT_ROLES


class NotYours(LookupError):
    """A cohort the person does not lead, or that does not exist (shown as a 404)."""


@dataclass(frozen=True, slots=True)
class Scope:
    """The people and pairs a report counts."""

    cohort_ids: tuple[int, ...] | None
    """The cohorts counted; None for every cohort (an admin looking at all of them)."""
    role: str | None = None
    department: str | None = None
    cohort: Cohort | None = None
    """The one cohort asked for, when the report is of one cohort."""

    @property
    def is_empty(self) -> bool:
        """Tell whether the scope holds no cohort at all (a lead who leads none yet)."""
        return self.cohort_ids is not None and not self.cohort_ids

    def in_cohorts(self, column: Any) -> ColumnElement[bool]:
        """Return the condition that a cohort id column is in scope."""
        if self.cohort_ids is None:
            return column.is_not(None)
        return column.in_(self.cohort_ids)

    def membership_filter(self) -> ColumnElement[bool]:
        """Return the condition that a membership is in scope (cohort, role, department)."""
        # Aliases: a query that also selects users or profiles must not correlate with these.
        live, profile = aliased(User), aliased(Profile)
        condition = and_(
            self.in_cohorts(Membership.cohort_id),
            Membership.left_at.is_(None),
            exists().where(live.id == Membership.user_id, live.deactivated_at.is_(None)),
        )
        if self.role:
            condition = and_(condition, Membership.role == self.role)
        if self.department:
            condition = and_(
                condition,
                exists().where(
                    profile.user_id == Membership.user_id, profile.department == self.department
                ),
            )
        return condition

    def members(self) -> Select:
        """Return the people in scope, once each: (user_id, role, joined_at)."""
        return (
            select(
                Membership.user_id,
                Membership.role,
                db.func.min(Membership.joined_at).label("joined_at"),
            )
            .where(self.membership_filter())
            .group_by(Membership.user_id, Membership.role)
        )

    def pair_filter(self) -> ColumnElement[bool]:
        """Return the condition that a pair is in scope (its cohort, role and department)."""
        condition = and_(self.in_cohorts(Pair.cohort_id), Pair.status != "declined")
        if not self.department:
            return condition
        profile = aliased(Profile)

        def in_department(person: Any) -> ColumnElement[bool]:
            return exists().where(profile.user_id == person, profile.department == self.department)

        if self.role == "mentor":
            side: ColumnElement[bool] = in_department(Pair.mentor_id)
        elif self.role == "executive":
            side = in_department(Pair.executive_id)
        else:
            side = or_(in_department(Pair.mentor_id), in_department(Pair.executive_id))
        return and_(condition, side)

    def pairs(self) -> Select:
        """Return the ids of the pairs in scope (declined proposals are never counted)."""
        return select(Pair.id).where(self.pair_filter())


def make_scope(
    viewer: User, cohort_id: int | None, role: str | None, department: str | None
) -> Scope:
    """Return the scope a lead asked for; raise NotYours for a cohort they do not lead."""
    led = led_cohort_ids(viewer)
    role = role if role in PARTICIPANT_ROLES else None
    department = (department or "").strip() or None
    if cohort_id is not None:
        cohort = db.session.get(Cohort, cohort_id)
        if cohort is None or (led is not None and cohort_id not in led):
            raise NotYours(cohort_id)
        return Scope((cohort_id,), role, department, cohort)
    return Scope(None if led is None else tuple(sorted(led)), role, department)


def list_cohorts(viewer: User) -> list[Cohort]:
    """Return the cohorts a lead may report on, newest first."""
    led = led_cohort_ids(viewer)
    stmt = select(Cohort).order_by(Cohort.starts_on.desc(), Cohort.name)
    if led is not None:
        stmt = stmt.where(Cohort.id.in_(led) if led else ~true())
    return list(db.session.scalars(stmt))


def list_departments(scope: Scope) -> list[str]:
    """Return the departments of the people in a scope's cohorts, for the filter."""
    stmt = (
        select(Profile.department)
        .join(Membership, Membership.user_id == Profile.user_id)
        .where(scope.in_cohorts(Membership.cohort_id), Profile.department != "")
        .distinct()
        .order_by(Profile.department)
    )
    return list(db.session.scalars(stmt))
