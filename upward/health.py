"""The rules of a pair's health, worked out from its sessions (the one home of these rules).

A pair is at risk when no first session is held within two weeks of starting, when a session is
overdue by more than the pair's cadence, or when two sessions in a row were cancelled. The pair
page, the lead's list, the reports and the weekly digest all ask `assess`; none keeps its own
version. The rules are pure functions of `PairFacts`; `get_health` reads the facts of many pairs
in one grouped query (no query per pair; a report passes a SELECT of its pairs, not a list of
thousands of ids) and applies them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import takewhile
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
)

from upward.extensions import db
from upward.models import Meeting, Pair, User
from upward.models.types import UTCDateTime

FIRST_SESSION_WITHIN = timedelta(days=14)
"""A new pair should have held its first session by then."""


@dataclass(frozen=True, slots=True)
class SessionFact:
    """What health needs to know of one session."""

    starts_at: datetime
    status: str
    """'planned', 'held' or 'cancelled'."""
    status_by: str | None = None
    """Who marked it (a name or a role), for the reason given when it was cancelled."""


@dataclass(frozen=True, slots=True)
class PairFacts:
    """What health needs to know of one pair, as a grouped query can return it."""

    status: str
    started_at: datetime | None
    cadence_days: int
    last_held_at: datetime | None = None
    """The start of the latest session marked held."""
    cancelled_in_a_row: Sequence[SessionFact] = ()
    """The sessions cancelled since the latest held one, newest first (two at most)."""
    next_planned_at: datetime | None = None
    """The start of the next planned session still to come, if any."""


@dataclass(frozen=True, slots=True)
class Health:
    """A pair's health: one of the vocabulary's HEALTH ids, with the reasons in plain words."""

    level: str
    reasons: tuple[str, ...] = field(default=())

    @property
    def at_risk(self) -> bool:
        """Tell whether the lead should look at this pair."""
        return self.level == "at-risk"


def facts_from_sessions(
    status: str,
    started_at: datetime | None,
    cadence_days: int,
    sessions: Sequence[SessionFact],
    now: datetime,
) -> PairFacts:
    """Return a pair's facts from its sessions in any order (for one pair's page)."""
    ordered = sorted(sessions, key=lambda s: s.starts_at, reverse=True)
    held = [s.starts_at for s in ordered if s.status == "held"]
    closed = [s for s in ordered if s.status in ("held", "cancelled")]
    in_a_row = list(takewhile(lambda s: s.status == "cancelled", closed))
    upcoming = [s.starts_at for s in ordered if s.status == "planned" and s.starts_at >= now]
    return PairFacts(
        status=status,
        started_at=started_at,
        cadence_days=cadence_days,
        last_held_at=held[0] if held else None,
        cancelled_in_a_row=tuple(in_a_row[:2]),
        next_planned_at=min(upcoming) if upcoming else None,
    )


def assess(facts: PairFacts, now: datetime) -> Health:
    """Return a pair's health now, with every reason that applies."""
    if facts.status == "ended":
        return Health("ended")
    if facts.status != "active" or facts.started_at is None:
        return Health("waiting", ("Waiting for both partners to accept the match.",))
    reasons = [*first_session_reasons(facts, now), *overdue_reasons(facts, now)]
    reasons.extend(cancellation_reasons(facts))
    if reasons:
        return Health("at-risk", tuple(reasons))
    return Health("on-track")


def first_session_reasons(facts: PairFacts, now: datetime) -> list[str]:
    """Say so when no first session was held within two weeks of starting."""
    assert facts.started_at is not None
    waited = now - facts.started_at
    if facts.last_held_at is not None or waited <= FIRST_SESSION_WITHIN:
        return []
    booked = " (one is booked)" if facts.next_planned_at else " and none is booked"
    return [f"No first session held in the {waited.days} days since the pair started{booked}."]


def overdue_reasons(facts: PairFacts, now: datetime) -> list[str]:
    """Say so when the next session is overdue by more than the pair's cadence."""
    if facts.last_held_at is None:
        return []
    cadence = timedelta(days=facts.cadence_days)
    overdue = now - (facts.last_held_at + cadence)
    if overdue <= cadence:
        return []
    return [
        f"No session held for {(now - facts.last_held_at).days} days; they meet every "
        f"{facts.cadence_days} days."
    ]


def cancellation_reasons(facts: PairFacts) -> list[str]:
    """Say so, and by whom, when the last two sessions were both cancelled."""
    last_two = list(facts.cancelled_in_a_row)[:2]
    if len(last_two) < 2:
        return []
    who = sorted({s.status_by or "someone" for s in last_two})
    return [f"The last two sessions were cancelled (by {' and '.join(who)})."]


# Reading the facts --------------------------------------------------------------------------


PairIds = Collection[int] | Select
"""Pairs to assess: their ids, or a SELECT of their ids (a report's scope, never a long list)."""


def get_health(pairs: PairIds, now: datetime) -> dict[int, Health]:
    """Return the health of each pair asked for, from its sessions, in two queries."""
    if isinstance(pairs, Select):
        rows = db.session.execute(read_facts(pairs.correlate(None), now)).all()
    elif not pairs:
        return {}
    else:
        rows = db.session.execute(FACTS_OF, {"pair_ids": list(pairs), "now": now}).all()
    streaks = read_cancellations([row.id for row in rows if row.cancelled >= 2])
    facts = {
        row.id: PairFacts(
            status=row.status,
            started_at=row.started_at,
            cadence_days=row.cadence_days,
            last_held_at=as_utc(row.last_held_at) if row.last_held_at else None,
            cancelled_in_a_row=tuple(streaks.get(row.id, ())),
            next_planned_at=as_utc(row.next_planned_at) if row.next_planned_at else None,
        )
        for row in rows
    }
    return {pair_id: assess(fact, now) for pair_id, fact in facts.items()}


def read_facts(ids: Select | BindParameter[Any], now: datetime | BindParameter[Any]) -> Select:
    """Return each pair's status, latest held and next planned session, cancellations since.

    One statement, whatever the number of pairs: the sessions grouped per pair once, then the
    cancellations after each pair's latest held session.
    """
    sessions = (
        select(
            Meeting.pair_id,
            func.max(case((Meeting.status == "held", Meeting.starts_at))).label("last_held_at"),
            func.min(
                case(
                    (and_(Meeting.status == "planned", Meeting.starts_at >= now), Meeting.starts_at)
                )
            ).label("next_planned_at"),
        )
        .where(Meeting.pair_id.in_(ids))
        .group_by(Meeting.pair_id)
        .cte("sessions")  # read twice, computed once
    )
    since_held = or_(sessions.c.last_held_at.is_(None), Meeting.starts_at > sessions.c.last_held_at)
    cancelled = (
        select(Meeting.pair_id, func.count().label("count"))
        .join(sessions, sessions.c.pair_id == Meeting.pair_id)
        .where(Meeting.status == "cancelled", since_held)
        .group_by(Meeting.pair_id)
        .subquery()
    )
    return (
        select(
            Pair.id,
            Pair.status,
            Pair.started_at,
            Pair.cadence_days,
            sessions.c.last_held_at,
            sessions.c.next_planned_at,
            func.coalesce(cancelled.c.count, 0).label("cancelled"),
        )
        .outerjoin(sessions, sessions.c.pair_id == Pair.id)
        .outerjoin(cancelled, cancelled.c.pair_id == Pair.id)
        .where(Pair.id.in_(ids))
    )


FACTS_OF = read_facts(bindparam("pair_ids", expanding=True), bindparam("now", type_=UTCDateTime))
"""`read_facts` of some pairs by id, built once (a pair page asks for one pair each time)."""


def count_levels(pairs: Select, now: datetime, first: int) -> tuple[dict[str, int], list[int]]:
    """Count a report's pairs per health level, and return the first at-risk ids, in one query.

    The levels are worked out in the database by `level_of`, the rules of `assess` in SQL (a
    test holds the two to the same answer); the reasons of the pairs shown come from `assess`.
    """
    facts = read_facts(pairs.correlate(None), now).subquery()
    level = level_of(facts, now).label("level")
    ranked = select(
        facts.c.id,
        level,
        func.count().over(partition_by=level).label("total"),
        func.row_number().over(partition_by=level, order_by=facts.c.id).label("n"),
    ).subquery()
    counts: dict[str, int] = {}
    at_risk: list[int] = []
    found_rows: Iterable[tuple[int, str, int, int]] = db.session.execute(
        select(ranked.c.id, ranked.c.level, ranked.c.total, ranked.c.n)
        .where(ranked.c.n <= max(first, 1))
        .order_by(ranked.c.level, ranked.c.n)
    )
    for pair_id, found, total, n in found_rows:
        counts[found] = total
        if found == "at-risk" and n <= first:
            at_risk.append(pair_id)
    return counts, at_risk


def level_of(facts: Any, now: datetime) -> ColumnElement[str]:
    """Return a pair's health level from its facts (`read_facts`) as SQL: `assess` in SQL."""
    never_met = and_(
        facts.c.last_held_at.is_(None),
        facts.c.started_at < now - FIRST_SESSION_WITHIN,
    )
    overdue = and_(
        facts.c.last_held_at.is_not(None),
        days_before(now, facts.c.last_held_at) > 2 * facts.c.cadence_days,
    )
    return case(
        (facts.c.status == "ended", "ended"),
        (or_(facts.c.status != "active", facts.c.started_at.is_(None)), "waiting"),
        (or_(never_met, overdue, facts.c.cancelled >= 2), "at-risk"),
        else_="on-track",
    )


def days_before(now: datetime, moment: Any) -> ColumnElement[Any]:
    """Return the days from a stored time to now, with fractions, on either database."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", literal(now, UTCDateTime) - moment) / 86400.0
    return func.julianday(literal(now, UTCDateTime)) - func.julianday(moment)


def last_two_cancelled() -> Select:
    """Return the latest two cancelled sessions of some pairs by id, with who cancelled."""
    newest_first = (
        func.row_number()
        .over(partition_by=Meeting.pair_id, order_by=Meeting.starts_at.desc())
        .label("n")
    )
    recent = (
        select(Meeting.pair_id, Meeting.starts_at, Meeting.status_by_id, newest_first)
        .where(
            Meeting.pair_id.in_(bindparam("pair_ids", expanding=True)),
            Meeting.status == "cancelled",
        )
        .subquery()
    )
    return (
        select(recent.c.pair_id, recent.c.starts_at, User.name)
        .outerjoin(User, User.id == recent.c.status_by_id)
        .where(recent.c.n <= 2)
        .order_by(recent.c.pair_id, recent.c.n)
    )


LAST_TWO_CANCELLED = last_two_cancelled()


def read_cancellations(pair_ids: list[int]) -> dict[int, list[SessionFact]]:
    """Return the latest two cancelled sessions of these pairs, newest first, with who did it.

    Asked only for pairs cancelled twice since their latest held session: a few at most
    (asked even for none, so a report sends the same statements whatever the data).
    """
    found: dict[int, list[SessionFact]] = {}
    rows: Iterable[tuple[int, datetime, str | None]] = db.session.execute(
        LAST_TWO_CANCELLED, {"pair_ids": pair_ids}
    )
    for pair_id, starts_at, by in rows:
        found.setdefault(pair_id, []).append(SessionFact(as_utc(starts_at), "cancelled", by))
    return found


def as_utc(value: datetime | str) -> datetime:
    """Return a time from an aggregate as timezone-aware UTC (SQLite's come back naive)."""
    if isinstance(value, str):  # SQLite returns max() of a timestamp as text
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
