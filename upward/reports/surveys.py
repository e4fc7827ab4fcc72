"""Program surveys: after the first session, half-way and at the end; anonymous by design.

A person answers each survey of their cohort once. What they answered is stored without their
id, time or order (`SurveyAnswer`); that they answered is stored apart (`SurveyReceipt`). Leads
see a group's ratings, NPS and comments only once five or more people in it have answered, so
no answer can be traced back to whoever gave it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, case, exists, func, or_, select

from upward import prefetch
from upward.database import insert_ignoring_duplicates
from upward.extensions import db
from upward.models import Cohort, Meeting, Membership, Pair, User
from upward.models.reports import SurveyAnswer, SurveyReceipt
from upward.reports.scope import Scope
from upward.reports.sql import rows

POINTS = {
    "first": "After your first session",
    "mid": "Half-way through the program",
    "end": "At the end of the program",
}
"""When a cohort's people are asked, in order."""
GOOD_FIT = {"yes": "Yes", "partly": "Partly", "no": "No"}
USEFULNESS = {
    1: "Not useful",
    2: "Slightly useful",
    3: "Useful",
    4: "Very useful",
    5: "Extremely useful",
}
MIN_GROUP = 5
"""A group smaller than this is not shown: its answers could be traced back."""


class NotDue(LookupError):
    """The survey is not open to this person (not in the cohort, not yet, or answered)."""


@dataclass(frozen=True, slots=True)
class DueSurvey:
    """A survey a person may answer now."""

    cohort_id: int
    cohort_name: str
    point: str
    role: str
    user_id: int

    @property
    def label(self) -> str:
        return POINTS[self.point]


def list_due(user: User, today: date) -> list[DueSurvey]:
    """Return the surveys a person may answer now, in the order they were opened."""
    found = prefetch.get(user.id)
    if found is not None and found.plan.entries and not found.paired_cohorts:
        return []  # the dashboard read their pairs: in no cohort's pair, no survey is open
    return open_surveys(today, user.id)


def open_surveys(today: date, user_id: int | None = None) -> list[DueSurvey]:
    """Return the surveys open and not answered, for one person or everyone, in one query.

    A cohort's first survey opens with a person's first held session in it, the mid-way one
    half-way through its dates (once they are paired), the last one at its end or when their
    pair ends. The mail (`upward.mail.kinds.survey_open`) and the pages both ask here.
    """
    person = Membership.user_id
    in_pair = and_(
        Pair.cohort_id == Membership.cohort_id,
        or_(Pair.mentor_id == person, Pair.executive_id == person),
    )
    held = exists().where(in_pair, Meeting.pair_id == Pair.id, Meeting.status == "held")
    paired = exists().where(in_pair, Pair.status.in_(("active", "ended")))
    ended = exists().where(in_pair, Pair.status == "ended")
    answered = [
        exists().where(
            SurveyReceipt.cohort_id == Membership.cohort_id,
            SurveyReceipt.user_id == person,
            SurveyReceipt.point == point,
        )
        for point in POINTS
    ]
    stmt = (
        select(
            Cohort.id,
            Cohort.name,
            Cohort.starts_on,
            Cohort.ends_on,
            Membership.role,
            person,
            held,
            paired,
            ended,
            *answered,
        )
        .join(Membership, Membership.cohort_id == Cohort.id)
        .join(User, User.id == person)
        .where(Membership.left_at.is_(None), User.deactivated_at.is_(None))
        .order_by(person, Cohort.starts_on, Cohort.id)
    )
    if user_id is not None:
        stmt = stmt.where(person == user_id)
    due = []
    for (
        cohort_id,
        name,
        starts_on,
        ends_on,
        role,
        who,
        has_held,
        has_pair,
        has_ended,
        *done,
    ) in rows(stmt):
        halfway = starts_on + (ends_on - starts_on) / 2
        opened = {
            "first": bool(has_held),
            "mid": bool(has_pair) and today >= halfway,
            "end": bool(has_pair) and (today >= ends_on or bool(has_ended)),
        }
        for (point, is_open), was_answered in zip(opened.items(), done, strict=True):
            if is_open and not was_answered:
                due.append(DueSurvey(cohort_id, name, point, role, who))
    return due


def has_answered(user: User, cohort_id: int, point: str) -> bool:
    """Tell whether a person has answered a cohort's survey at a point."""
    return db.session.get(SurveyReceipt, (cohort_id, user.id, point)) is not None


def get_due(user: User, cohort_id: int, point: str, today: date) -> DueSurvey:
    """Return one survey a person may answer now; raise NotDue otherwise."""
    for survey in list_due(user, today):
        if survey.cohort_id == cohort_id and survey.point == point:
            return survey
    raise NotDue(cohort_id, point)


def submit(
    user: User,
    survey: DueSurvey,
    usefulness: int,
    good_fit: str,
    recommend: int,
    comment: str,
) -> bool:
    """Record an answer once: a resent form (a double click) records nothing more.

    Return whether this call recorded it.
    """
    receipt = db.session.execute(
        insert_ignoring_duplicates(
            SurveyReceipt, cohort_id=survey.cohort_id, user_id=user.id, point=survey.point
        )
    )
    if not receipt.rowcount:  # type: ignore[attr-defined]
        db.session.rollback()
        return False
    db.session.add(
        SurveyAnswer(
            id=str(uuid.uuid4()),
            cohort_id=survey.cohort_id,
            point=survey.point,
            role=survey.role,
            usefulness=usefulness,
            good_fit=good_fit,
            recommend=recommend,
            comment=comment.replace("\r\n", "\n").strip(),
        )
    )
    db.session.commit()
    return True


# What the lead sees -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Group:
    """The answers of one survey point (in the scope), or why they are hidden."""

    point: str
    answers: int
    usefulness: dict[int, int] = field(default_factory=dict)
    good_fit: dict[str, int] = field(default_factory=dict)
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    comments: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return POINTS[self.point]

    @property
    def shown(self) -> bool:
        return self.answers >= MIN_GROUP

    @property
    def nps(self) -> int:
        """Return the Net Promoter Score: % promoters (9–10) minus % detractors (0–6)."""
        return round(100 * (self.promoters - self.detractors) / self.answers)

    @property
    def mean_usefulness(self) -> float:
        return sum(k * v for k, v in self.usefulness.items()) / self.answers


def get_feedback(scope: Scope) -> list[Group]:
    """Return each survey point's answers in scope; small groups carry only their size.

    Answers are not broken down by department: they do not record one, so a department's
    few answers can never be picked out.
    """
    where = [scope.in_cohorts(SurveyAnswer.cohort_id)]
    if scope.role:
        where.append(SurveyAnswer.role == scope.role)
    counts = dict(
        rows(select(SurveyAnswer.point, func.count()).where(*where).group_by(SurveyAnswer.point))
    )
    shown = [point for point in POINTS if counts.get(point, 0) >= MIN_GROUP]
    usefulness: dict[str, dict[int, int]] = {}
    fits: dict[str, dict[str, int]] = {}
    nps: dict[str, tuple[int, int, int]] = {}
    comments: dict[str, list[str]] = {}
    if shown:
        in_shown = [*where, SurveyAnswer.point.in_(shown)]
        for point, rating, n in rows(
            select(SurveyAnswer.point, SurveyAnswer.usefulness, func.count())
            .where(*in_shown)
            .group_by(SurveyAnswer.point, SurveyAnswer.usefulness)
        ):
            usefulness.setdefault(point, {})[rating] = n
        for point, fit, n in rows(
            select(SurveyAnswer.point, SurveyAnswer.good_fit, func.count())
            .where(*in_shown)
            .group_by(SurveyAnswer.point, SurveyAnswer.good_fit)
        ):
            fits.setdefault(point, {})[fit] = n
        for point, promoters, detractors, total in rows(
            select(
                SurveyAnswer.point,
                func.sum(case((SurveyAnswer.recommend >= 9, 1), else_=0)),
                func.sum(case((SurveyAnswer.recommend <= 6, 1), else_=0)),
                func.count(),
            )
            .where(*in_shown)
            .group_by(SurveyAnswer.point)
        ):
            nps[point] = (
                int(promoters or 0),
                total - int(promoters or 0) - int(detractors or 0),
                int(detractors or 0),
            )
        # Sorted by their words, never by when they came: the order gives nobody away.
        for point, comment in rows(
            select(SurveyAnswer.point, SurveyAnswer.comment)
            .where(*in_shown, SurveyAnswer.comment != "")
            .order_by(SurveyAnswer.point, SurveyAnswer.comment)
        ):
            comments.setdefault(point, []).append(comment)
    groups = []
    for point in POINTS:
        n = counts.get(point, 0)
        if point not in shown:
            groups.append(Group(point, n))
            continue
        promoters, passives, detractors = nps[point]
        groups.append(
            Group(
                point,
                n,
                {k: usefulness[point].get(k, 0) for k in USEFULNESS},
                {k: fits[point].get(k, 0) for k in GOOD_FIT},
                promoters,
                passives,
                detractors,
                tuple(comments.get(point, ())),
            )
        )
    return groups


def today_of(now: datetime) -> date:
    """Return the date surveys open by (UTC)."""
    return now.date()
