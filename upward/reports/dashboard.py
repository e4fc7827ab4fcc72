"""The program dashboard: people, pair health, sessions, check-ins, pathways and the funnel.

Every number is a grouped query over the scope (`upward.reports.scope`): the page sends the
same statements for ten people as for ten thousand. Pair health comes from `upward.health`,
the one home of its rules. Nothing here reads what anyone wrote: check-ins are counted, never
opened, and knowledge-check answers are counted as right or wrong, never shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, case, exists, func, or_, select, union
from sqlalchemy.orm import aliased

from upward import health
from upward.content import Check, Pathway
from upward.extensions import db
from upward.models import (
    CheckAnswer,
    Completion,
    Meeting,
    Pair,
    PathwaySummary,
    TemplateEntry,
    User,
)
from upward.models.types import utcnow
from upward.reports.scope import Scope
from upward.reports.sql import days_between, medians, month_of, rows
from upward.viewer import LibraryView
from upward.vocabulary import HEALTH, PARTICIPANT_ROLES

ACTIVE_WITHIN = timedelta(days=30)
"""Someone is active when they completed a step or held a session in the last 30 days."""
AT_RISK_SHOWN = 25
"""How many at-risk pairs the dashboard names; the pairs export lists every one."""
MISLEADING_BELOW = 0.5
"""A knowledge check that fewer than half get right first time may mislead: worth a look."""
MONTHS_SHOWN = 12


@dataclass(frozen=True, slots=True)
class People:
    """How many people are enrolled and active, per role."""

    enrolled: dict[str, int]
    active: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.enrolled.values())

    @property
    def total_active(self) -> int:
        return sum(self.active.values())


@dataclass(frozen=True, slots=True)
class PairAtRisk:
    """A pair the lead should look at, with every reason health gives."""

    pair_id: int
    mentor: str
    executive: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Pairs:
    """The pairs in scope by health, and the ones at risk by name."""

    by_health: dict[str, int]
    at_risk: list[PairAtRisk]
    at_risk_total: int
    median_days_to_first: float | None
    """Median days from a pair starting to its first held session (pairs that held one)."""
    without_first: int
    """Active pairs that have not held a first session yet."""

    @property
    def total(self) -> int:
        return sum(self.by_health.values())


@dataclass(frozen=True, slots=True)
class Month:
    """The sessions planned for one month, by where they stand."""

    month: str
    planned: int = 0
    held: int = 0
    cancelled: int = 0
    moved: int = 0
    """Sessions of the month that were moved at least once (they count in their status too)."""

    @property
    def total(self) -> int:
        return self.planned + self.held + self.cancelled

    @property
    def label(self) -> str:
        return datetime.strptime(self.month, "%Y-%m").strftime("%b %Y")


@dataclass(frozen=True, slots=True)
class Sessions:
    """Sessions over time, who cancels them, and the check-ins written after them."""

    months: list[Month]
    cancelled_by: dict[str, int]
    """'mentor', 'executive' or 'other' (a lead, or an account since deleted)."""
    held: int
    checkins: int

    @property
    def checkins_per_held(self) -> float | None:
        return self.checkins / self.held if self.held else None

    @property
    def totals(self) -> Month:
        return Month(
            "total",
            planned=sum(m.planned for m in self.months),
            held=sum(m.held for m in self.months),
            cancelled=sum(m.cancelled for m in self.months),
            moved=sum(m.moved for m in self.months),
        )


@dataclass(frozen=True, slots=True)
class PathwayRow:
    """One pathway for one role: how many started and finished it, and how long it took."""

    pathway: Pathway
    role: str
    enrolled: int
    started: int
    finished: int
    median_days: float | None

    @property
    def finished_percent(self) -> int:
        return round(100 * self.finished / self.enrolled) if self.enrolled else 0


@dataclass(frozen=True, slots=True)
class CheckRow:
    """One knowledge check: how many answered it, and how many were right first time."""

    check_id: str
    number: int
    answered: int
    first_right: int

    @property
    def first_try(self) -> float | None:
        return self.first_right / self.answered if self.answered else None

    @property
    def may_mislead(self) -> bool:
        return self.first_try is not None and self.first_try < MISLEADING_BELOW


@dataclass(frozen=True, slots=True)
class StepRow:
    """One step of the funnel: reached (finished the one before), completed, checks."""

    number: int
    step_id: str
    title: str
    reached: int
    completed: int
    checks: tuple[CheckRow, ...] = field(default=())

    @property
    def completed_percent(self) -> int:
        return round(100 * self.completed / self.reached) if self.reached else 0

    @property
    def answered(self) -> int:
        return sum(c.answered for c in self.checks)

    @property
    def first_try(self) -> float | None:
        answered = self.answered
        return sum(c.first_right for c in self.checks) / answered if answered else None


@dataclass(frozen=True, slots=True)
class Funnel:
    """Where people of a pathway's audience drop off, step by step."""

    pathway: Pathway
    audience_size: int
    steps: list[StepRow]


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Everything on the program dashboard."""

    scope: Scope
    people: People
    pairs: Pairs
    sessions: Sessions
    pathways: list[PathwayRow]
    funnel: Funnel | None


def get_dashboard(
    scope: Scope, view: LibraryView, funnel_pathway: str | None = None, now: datetime | None = None
) -> Dashboard:
    """Build the dashboard of a scope in a fixed number of grouped queries."""
    now = now or utcnow()
    people = count_people(scope, now)
    return Dashboard(
        scope=scope,
        people=people,
        pairs=get_pairs(scope, now),
        sessions=get_sessions(scope, now),
        pathways=get_pathway_rows(scope, view, people.enrolled),
        funnel=get_funnel(scope, view, funnel_pathway, people.enrolled),
    )


def count_people(scope: Scope, now: datetime) -> People:
    """Count enrolled and active people per role, in one query."""
    members = scope.members().subquery()
    since = now - ACTIVE_WITHIN
    # Everyone active, as one set the members are looked up in (no probe per person).
    held = and_(Meeting.status == "held", Meeting.starts_at >= since, Meeting.starts_at <= now)
    active_ids = union(
        select(Completion.user_id).where(Completion.completed_at >= since),
        *(
            select(person).join(Meeting, Meeting.pair_id == Pair.id).where(held)
            for person in (Pair.mentor_id, Pair.executive_id)
        ),
    )
    active = case((members.c.user_id.in_(active_ids), 1), else_=0)
    counted = rows(select(members.c.role, func.count(), func.sum(active)).group_by(members.c.role))
    enrolled: dict[str, int] = {}
    actives: dict[str, int] = {}
    for role, count, active_count in counted:
        enrolled[role] = count
        actives[role] = int(active_count or 0)
    return People(enrolled, actives)


def get_pairs(scope: Scope, now: datetime) -> Pairs:
    """Count pairs by health (upward.health), name the ones at risk, time to first session."""
    by_health, shown = health.count_levels(scope.pairs(), now, AT_RISK_SHOWN)
    reasons = health.get_health(shown, now)
    mentor, executive = aliased(User), aliased(User)
    names = {
        pair_id: (m, e)
        for pair_id, m, e in rows(
            select(Pair.id, mentor.name, executive.name)
            .join(mentor, mentor.id == Pair.mentor_id)
            .join(executive, executive.id == Pair.executive_id)
            .where(Pair.id.in_(shown))
        )
    }
    at_risk = [
        PairAtRisk(pair_id, *names[pair_id], reasons[pair_id].reasons)
        for pair_id in shown
        if pair_id in names and pair_id in reasons
    ]
    first_held = (
        select(
            Pair.id.label("pair_id"),
            days_between(Pair.started_at, func.min(Meeting.starts_at)).label("days"),
        )
        .join(Meeting, Meeting.pair_id == Pair.id)
        .where(scope.pair_filter(), Pair.started_at.is_not(None), Meeting.status == "held")
        .group_by(Pair.id, Pair.started_at)
    )
    median = medians(first_held, "days").get(None)
    without_first = db.session.scalar(
        select(func.count())
        .select_from(Pair)
        .where(
            scope.pair_filter(),
            Pair.status == "active",
            ~exists().where(Meeting.pair_id == Pair.id, Meeting.status == "held"),
        )
    )
    return Pairs(
        by_health={level: by_health.get(level, 0) for level in HEALTH},
        at_risk=at_risk,
        at_risk_total=by_health.get("at-risk", 0),
        median_days_to_first=median,
        without_first=without_first or 0,
    )


def get_sessions(scope: Scope, now: datetime) -> Sessions:
    """Count sessions per month and status, who cancelled, and check-ins per held session.

    Two statements: every session of the scope grouped once (by month for the months shown,
    status and who cancelled), and the check-ins written after held ones.
    """
    since = (now - timedelta(days=31 * (MONTHS_SHOWN - 1))).replace(day=1)
    month = case((Meeting.starts_at >= since, month_of(Meeting.starts_at))).label("month")
    by = case(
        (Meeting.status != "cancelled", None),
        (Meeting.status_by_id == Pair.mentor_id, "mentor"),
        (Meeting.status_by_id == Pair.executive_id, "executive"),
        else_="other",
    ).label("by")
    grouped = rows(
        select(
            month,
            Meeting.status,
            by,
            func.count(),
            func.sum(case((Meeting.moved_count > 0, 1), else_=0)),
        )
        .join(Pair, Pair.id == Meeting.pair_id)
        .where(scope.pair_filter())
        .group_by(month, Meeting.status, by)
    )
    months: dict[str, Counter[str]] = {}
    cancelled_by: Counter[str] = Counter()
    held = 0
    for key, status, who, count, moved in grouped:
        if key is not None:
            months.setdefault(key, Counter()).update({status: count, "moved": int(moved or 0)})
        if who is not None:
            cancelled_by[who] += count
        held += count if status == "held" else 0
    checkins = db.session.scalar(
        select(func.count())
        .select_from(TemplateEntry)
        .join(Meeting, Meeting.id == TemplateEntry.meeting_id)
        .join(Pair, Pair.id == Meeting.pair_id)
        .where(scope.pair_filter(), Meeting.status == "held", TemplateEntry.is_draft.is_(False))
    )
    return Sessions(
        months=[
            Month(key, **{s: c[s] for s in ("planned", "held", "cancelled", "moved")})
            for key, c in sorted(months.items())
        ],
        cancelled_by={who: cancelled_by[who] for who in ("executive", "mentor", "other")},
        held=held,
        checkins=checkins or 0,
    )


def audience_roles(pathway: Pathway) -> tuple[str, ...]:
    """Return the participant roles a pathway is for ('all' is for both)."""
    if pathway.audience == "all":
        return tuple(PARTICIPANT_ROLES)
    return (pathway.audience,) if pathway.audience in PARTICIPANT_ROLES else ()


def get_pathway_rows(
    scope: Scope, view: LibraryView, enrolled: Mapping[str, int] | None = None
) -> list[PathwayRow]:
    """Return each pathway's progress per role, with the median days to finish it.

    Read from the progress summary (a row per person and pathway started, kept by
    `upward.progress`), never from the completions: one GROUP BY per pathway and role.
    `enrolled` is the people in scope per role, when the caller counted them already.
    """
    pathways = [p for p in view.pathways() if audience_roles(p) and view.steps(p)]
    if not pathways:
        return []
    totals = {p.id: len({s.id for s in view.steps(p)}) for p in pathways}
    members = scope.members().cte("members")
    summary = PathwaySummary
    for_role = or_(
        *(
            and_(summary.pathway_id.in_(ids), members.c.role == role)
            for role in PARTICIPANT_ROLES
            if (ids := [p.id for p in pathways if role in audience_roles(p)])
        )
    )
    per_person = (
        select(
            summary.pathway_id,
            members.c.role,
            (summary.steps_done >= case(totals, value=summary.pathway_id)).label("finished"),
            days_between(summary.first_completed_at, summary.last_completed_at).label("days"),
        )
        .join(members, members.c.user_id == summary.user_id)
        .where(for_role)
        .subquery()
    )
    finished = case((per_person.c.finished, 1), else_=0)
    counts = {
        (pathway_id, role): (started, int(done or 0))
        for pathway_id, role, started, done in rows(
            select(
                per_person.c.pathway_id, per_person.c.role, func.count(), func.sum(finished)
            ).group_by(per_person.c.pathway_id, per_person.c.role)
        )
    }
    key = (per_person.c.pathway_id + " " + per_person.c.role).label("key")
    median = medians(select(key, per_person.c.days).where(per_person.c.finished), "days", "key")
    if enrolled is None:
        enrolled = count_enrolled(scope)
    return [
        PathwayRow(
            pathway=pathway,
            role=role,
            enrolled=enrolled.get(role, 0),
            started=counts.get((pathway.id, role), (0, 0))[0],
            finished=counts.get((pathway.id, role), (0, 0))[1],
            median_days=median.get(f"{pathway.id} {role}"),
        )
        for pathway in pathways
        for role in audience_roles(pathway)
        if not scope.role or role == scope.role
    ]


def funnel_pathways(view: LibraryView) -> list[Pathway]:
    """Return the pathways a funnel can be drawn for (those for mentors or executives)."""
    return [p for p in view.pathways() if audience_roles(p) and view.steps(p)]


def count_enrolled(scope: Scope) -> dict[str, int]:
    """Count the people in scope per role."""
    members = scope.members().subquery()
    return dict(rows(select(members.c.role, func.count()).group_by(members.c.role)))


def get_funnel(
    scope: Scope,
    view: LibraryView,
    pathway_id: str | None,
    enrolled: Mapping[str, int] | None = None,
) -> Funnel | None:
    """Return one pathway's funnel: per step, who reached it, completed it, passed its checks.

    `enrolled` is the people in scope per role, when the caller counted them already.
    """
    choices = funnel_pathways(view)
    pathway = next((p for p in choices if p.id == pathway_id), choices[0] if choices else None)
    if pathway is None:
        return None
    steps = view.steps(pathway)
    step_ids = [s.id for s in steps]
    people = scope.members().subquery()
    audience = people.c.role.in_(audience_roles(pathway))
    if enrolled is None:
        enrolled = count_enrolled(scope)
    audience_size = sum(enrolled.get(role, 0) for role in audience_roles(pathway))
    completed = dict(
        rows(
            select(Completion.step_id, func.count())
            .join(people, people.c.user_id == Completion.user_id)
            .where(Completion.step_id.in_(step_ids), audience)
            .group_by(Completion.step_id)
        )
    )
    answers: dict[tuple[str, str], tuple[int, int]] = {
        (step_id, check_id): (answered, int(right or 0))
        for step_id, check_id, answered, right in rows(
            select(
                CheckAnswer.step_id,
                CheckAnswer.check_id,
                func.count(),
                func.sum(case((CheckAnswer.first_correct.is_(True), 1), else_=0)),
            )
            .join(people, people.c.user_id == CheckAnswer.user_id)
            .where(
                CheckAnswer.step_id.in_(step_ids),
                CheckAnswer.first_correct.is_not(None),
                audience,
            )
            .group_by(CheckAnswer.step_id, CheckAnswer.check_id)
        )
    }
    funnel = []
    reached = audience_size or 0
    for number, page in enumerate(steps, 1):
        checks = tuple(
            CheckRow(block.id, n, *answers.get((page.id, block.id), (0, 0)))
            for n, block in enumerate((b for b in page.blocks if isinstance(b, Check)), 1)
        )
        done = completed.get(page.id, 0)
        funnel.append(StepRow(number, page.id, page.title, reached, done, checks))
        reached = done
    return Funnel(pathway, audience_size or 0, funnel)
