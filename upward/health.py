"""The rules of a pair's health, worked out from its sessions (the one home of these rules).

A pair is at risk when no first session is held within two weeks of starting, when a session is
overdue by more than the pair's cadence, or when two sessions in a row were cancelled. The pair
page, the lead's list, the reports and the weekly digest all ask `assess`; none keeps its own
version. The rules are pure functions of `PairFacts`; `get_health` reads the facts of many pairs
in three grouped queries (no query per pair) and applies them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from upward.extensions import db
from upward.models import Meeting, Pair, User

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
    last_two_closed: Sequence[SessionFact] = ()
    """The latest two sessions that were held or cancelled, newest first."""
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
    upcoming = [s.starts_at for s in ordered if s.status == "planned" and s.starts_at >= now]
    return PairFacts(
        status=status,
        started_at=started_at,
        cadence_days=cadence_days,
        last_held_at=held[0] if held else None,
        last_two_closed=tuple(closed[:2]),
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
    last_two = list(facts.last_two_closed)
    if len(last_two) < 2 or any(s.status != "cancelled" for s in last_two):
        return []
    who = sorted({s.status_by or "someone" for s in last_two})
    return [f"The last two sessions were cancelled (by {' and '.join(who)})."]


# Reading the facts --------------------------------------------------------------------------


def get_health(pair_ids: Collection[int], now: datetime) -> dict[int, Health]:
    """Return the health of each pair asked for, from its sessions, in three queries."""
    if not pair_ids:
        return {}
    ids = list(pair_ids)
    pairs = db.session.execute(
        select(Pair.id, Pair.status, Pair.started_at, Pair.cadence_days).where(Pair.id.in_(ids))
    ).all()
    held = dict(
        db.session.execute(
            select(Meeting.pair_id, func.max(Meeting.starts_at))
            .where(Meeting.pair_id.in_(ids), Meeting.status == "held")
            .group_by(Meeting.pair_id)
        ).all()
    )
    closed, upcoming = read_recent_sessions(ids, now)
    facts = {
        pair_id: PairFacts(
            status=status,
            started_at=started_at,
            cadence_days=cadence_days,
            last_held_at=as_utc(held[pair_id]) if pair_id in held else None,
            last_two_closed=tuple(closed.get(pair_id, ())),
            next_planned_at=upcoming.get(pair_id),
        )
        for pair_id, status, started_at, cadence_days in pairs
    }
    return {pair_id: assess(fact, now) for pair_id, fact in facts.items()}


def read_recent_sessions(
    ids: list[int], now: datetime
) -> tuple[dict[int, list[SessionFact]], dict[int, datetime]]:
    """Return each pair's last two held or cancelled sessions, and its next planned one."""
    newest_first = (
        func.row_number()
        .over(partition_by=Meeting.pair_id, order_by=Meeting.starts_at.desc())
        .label("n")
    )
    recent = (
        select(
            Meeting.pair_id, Meeting.starts_at, Meeting.status, Meeting.status_by_id, newest_first
        )
        .where(Meeting.pair_id.in_(ids), Meeting.status.in_(("held", "cancelled")))
        .subquery()
    )
    closed: dict[int, list[SessionFact]] = {}
    rows: Iterable[tuple[int, datetime, str, str | None]] = db.session.execute(
        select(recent.c.pair_id, recent.c.starts_at, recent.c.status, User.name)
        .outerjoin(User, User.id == recent.c.status_by_id)
        .where(recent.c.n <= 2)
        .order_by(recent.c.pair_id, recent.c.n)
    )
    for pair_id, starts_at, status, by in rows:
        fact = SessionFact(as_utc(starts_at), status, by)
        closed.setdefault(pair_id, []).append(fact)
    upcoming = {
        pair_id: as_utc(starts_at)
        for pair_id, starts_at in db.session.execute(
            select(Meeting.pair_id, func.min(Meeting.starts_at))
            .where(Meeting.pair_id.in_(ids), Meeting.status == "planned", Meeting.starts_at >= now)
            .group_by(Meeting.pair_id)
        )
    }
    return closed, upcoming


def as_utc(value: datetime | str) -> datetime:
    """Return a time from an aggregate as timezone-aware UTC (SQLite's come back naive)."""
    if isinstance(value, str):  # SQLite returns max() of a timestamp as text
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
