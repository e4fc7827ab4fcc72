"""The program dashboard: people, pair health, sessions, check-ins, pathways and the funnel.

Every number is a grouped query over the scope (`upward.reports.scope`): the page sends the
same statements for ten people as for ten thousand. Pair health comes from `upward.health`,
the one home of its rules. Nothing here reads what anyone wrote: check-ins are counted, never
opened, and knowledge-check answers are counted as right or wrong, never shown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import (
    Integer,
    String,
    and_,
    case,
    column,
    exists,
    func,
    or_,
    select,
    values,
)
from sqlalchemy.orm import aliased

from upward import health
from upward.content import Check, Pathway
from upward.extensions import db
from upward.models import CheckAnswer, Completion, Meeting, Pair, TemplateEntry, User
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
    return Dashboard(
        scope=scope,
        people=count_people(scope, now),
        pairs=get_pairs(scope, now),
        sessions=get_sessions(scope, now),
        pathways=get_pathway_rows(scope, view),
        funnel=get_funnel(scope, view, funnel_pathway),
    )


def count_people(scope: Scope, now: datetime) -> People:
    """Count enrolled and active people per role, in one query."""
    members = scope.members().subquery()
    since = now - ACTIVE_WITHIN
    did_a_step = exists().where(
        Completion.user_id == members.c.user_id, Completion.completed_at >= since
    )
    held_a_session = exists().where(
        Meeting.pair_id == Pair.id,
        or_(Pair.mentor_id == members.c.user_id, Pair.executive_id == members.c.user_id),
        Meeting.status == "held",
        Meeting.starts_at >= since,
        Meeting.starts_at <= now,
    )
    active = case((or_(did_a_step, held_a_session), 1), else_=0)
    counted = rows(select(members.c.role, func.count(), func.sum(active)).group_by(members.c.role))
    enrolled: dict[str, int] = {}
    actives: dict[str, int] = {}
    for role, count, active_count in counted:
        enrolled[role] = count
        actives[role] = int(active_count or 0)
    return People(enrolled, actives)


def get_pairs(scope: Scope, now: datetime) -> Pairs:
    """Count pairs by health (upward.health), name the ones at risk, time to first session."""
    pair_ids = list(db.session.scalars(scope.pairs()))
    healths = health.get_health(pair_ids, now)
    by_health = Counter(h.level for h in healths.values())
    risky = {pair_id: h for pair_id, h in healths.items() if h.at_risk}
    shown = sorted(risky)[:AT_RISK_SHOWN]
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
        PairAtRisk(pair_id, *names[pair_id], risky[pair_id].reasons)
        for pair_id in shown
        if pair_id in names
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
        at_risk_total=len(risky),
        median_days_to_first=median,
        without_first=without_first or 0,
    )


def get_sessions(scope: Scope, now: datetime) -> Sessions:
    """Count sessions per month and status, who cancelled, and check-ins per held session."""
    in_scope = Meeting.pair_id.in_(scope.pairs())
    month = month_of(Meeting.starts_at).label("month")
    since = (now - timedelta(days=31 * (MONTHS_SHOWN - 1))).replace(day=1)
    by_month = rows(
        select(
            month,
            Meeting.status,
            func.count(),
            func.sum(case((Meeting.moved_count > 0, 1), else_=0)),
        )
        .where(in_scope, Meeting.starts_at >= since)
        .group_by(month, Meeting.status)
    )
    months: dict[str, dict[str, int]] = {}
    for key, status, count, moved in by_month:
        counts = months.setdefault(key, {})
        counts[status] = counts.get(status, 0) + count
        counts["moved"] = counts.get("moved", 0) + int(moved or 0)
    by = case(
        (Meeting.status_by_id == Pair.mentor_id, "mentor"),
        (Meeting.status_by_id == Pair.executive_id, "executive"),
        else_="other",
    ).label("by")
    cancelled_by = dict(
        rows(
            select(by, func.count())
            .join(Pair, Pair.id == Meeting.pair_id)
            .where(scope.pair_filter(), Meeting.status == "cancelled")
            .group_by(by)
        )
    )
    held_meetings = select(Meeting.id).where(in_scope, Meeting.status == "held")
    held, checkins = rows(
        select(
            select(func.count()).select_from(held_meetings.subquery()).scalar_subquery(),
            select(func.count())
            .select_from(TemplateEntry)
            .where(TemplateEntry.meeting_id.in_(held_meetings), TemplateEntry.is_draft.is_(False))
            .scalar_subquery(),
        )
    )[0]
    return Sessions(
        months=[
            Month(key, **{s: c.get(s, 0) for s in ("planned", "held", "cancelled", "moved")})
            for key, c in sorted(months.items())
        ],
        cancelled_by={who: cancelled_by.get(who, 0) for who in ("executive", "mentor", "other")},
        held=held or 0,
        checkins=checkins or 0,
    )


def audience_roles(pathway: Pathway) -> tuple[str, ...]:
    """Return the participant roles a pathway is for ('all' is for both)."""
    if pathway.audience == "all":
        return tuple(PARTICIPANT_ROLES)
    return (pathway.audience,) if pathway.audience in PARTICIPANT_ROLES else ()


def get_pathway_rows(scope: Scope, view: LibraryView) -> list[PathwayRow]:
    """Return each pathway's progress per role, with the median days to finish it.

    One scan of the completions whatever the number of pathways: they join a small table of
    (step, pathway), then one GROUP BY per person and pathway.
    """
    pathways = [(p, [s.id for s in view.steps(p)]) for p in view.pathways() if audience_roles(p)]
    pathways = [(p, steps) for p, steps in pathways if steps]
    if not pathways:
        return []
    members = scope.members().cte("members")
    # Which pathway each step is in, as a table the completions join (a step may be in several).
    steps = (
        values(column("step_id", String), column("pathway", Integer), name="steps")
        .data([(step_id, i) for i, (_, ids) in enumerate(pathways) for step_id in ids])
        .cte("steps")
    )
    completions = (
        select(steps.c.pathway, members.c.role, members.c.user_id, Completion.completed_at)
        # Each person's completions come from the (user, step) index; the `|| ''` keeps SQLite
        # from building a throwaway index of every completion by step on each request instead.
        .join(members, members.c.user_id == Completion.user_id)
        .join(steps, steps.c.step_id == Completion.step_id.concat(""))
        .subquery()
    )
    totals = case(
        {i: len(steps) for i, (_, steps) in enumerate(pathways)}, value=completions.c.pathway
    )
    for_role = or_(
        *(
            and_(completions.c.pathway.in_(indexes), completions.c.role == role)
            for role in PARTICIPANT_ROLES
            if (indexes := [i for i, (p, _) in enumerate(pathways) if role in audience_roles(p)])
        )
    )
    per_person = (
        select(
            completions.c.pathway,
            completions.c.role,
            completions.c.user_id,
            (func.count() >= totals).label("finished"),
            days_between(
                func.min(completions.c.completed_at), func.max(completions.c.completed_at)
            ).label("days"),
        )
        .where(for_role)
        .group_by(completions.c.pathway, completions.c.role, completions.c.user_id)
        .subquery()
    )
    finished = case((per_person.c.finished, 1), else_=0)
    counts = {
        (index, role): (started, int(done or 0))
        for index, role, started, done in rows(
            select(
                per_person.c.pathway, per_person.c.role, func.count(), func.sum(finished)
            ).group_by(per_person.c.pathway, per_person.c.role)
        )
    }
    group = (per_person.c.pathway * 10 + case((per_person.c.role == "mentor", 0), else_=1)).label(
        "key"
    )
    finishers = select(group, per_person.c.days).where(per_person.c.finished)
    median = medians(finishers, "days", "key")
    enrolled = dict(rows(select(members.c.role, func.count()).group_by(members.c.role)))
    found = []
    for index, (pathway, _) in enumerate(pathways):
        for role in audience_roles(pathway):
            if scope.role and role != scope.role:
                continue
            started, done = counts.get((index, role), (0, 0))
            found.append(
                PathwayRow(
                    pathway=pathway,
                    role=role,
                    enrolled=enrolled.get(role, 0),
                    started=started,
                    finished=done,
                    median_days=median.get(index * 10 + (0 if role == "mentor" else 1)),
                )
            )
    return found


def funnel_pathways(view: LibraryView) -> list[Pathway]:
    """Return the pathways a funnel can be drawn for (those for mentors or executives)."""
    return [p for p in view.pathways() if audience_roles(p) and view.steps(p)]


def get_funnel(scope: Scope, view: LibraryView, pathway_id: str | None) -> Funnel | None:
    """Return one pathway's funnel: per step, who reached it, completed it, passed its checks."""
    choices = funnel_pathways(view)
    pathway = next((p for p in choices if p.id == pathway_id), choices[0] if choices else None)
    if pathway is None:
        return None
    steps = view.steps(pathway)
    step_ids = [s.id for s in steps]
    people = scope.members().subquery()
    audience = people.c.role.in_(audience_roles(pathway))
    audience_size = db.session.scalar(select(func.count()).select_from(people).where(audience))
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
