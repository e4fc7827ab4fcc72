"""When session reminders are due (issue 11): the one home of these rules.

`upward.mail.kinds` asks these functions what is due and what a message should say; they read
the database and know nothing of mail. Every rule is checked twice: when a reminder is found,
and again when it is sent, so a session moved or a check-in written in between sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select

from upward.extensions import db
from upward.health import Health, get_health
from upward.meetings import checkins
from upward.models import Cohort, CohortLead, Meeting, Pair, TemplateEntry, User
from upward.program.access import is_lead

REMIND_WITHIN = timedelta(hours=24)
"""A session is announced to both partners once it is a day away or less."""
TOO_LATE_TO_REMIND = timedelta(hours=1)
"""A session starting within the hour gets no reminder: it would arrive as they sit down."""
CHECKIN_AFTER = timedelta(days=1)
"""A partner with no check-in a day after a held session gets a nudge."""
CHECKIN_LOOKBACK = timedelta(days=14)
"""Sessions held longer ago get no nudge: by then the next session is due."""
FIRST_SESSION_NUDGES = (3, 10)
"""Days after a pair starts with no session booked when both partners are nudged."""
FIRST_SESSION_LOOKBACK = timedelta(days=30)
DIGEST_FROM = timedelta(hours=7)
"""The lead's digest goes out from Monday 07:00 UTC, once per ISO week."""


@dataclass(frozen=True, slots=True)
class Nudge:
    """A reminder due to one person: who, about what, and the key that makes it once."""

    key: str
    user_id: int
    params: Mapping[str, int | str]


def partner_pair(pair_id: object, user: User | None) -> Pair | None:
    """Return an active pair this person is a partner in, else None (the reminder lapses)."""
    pair = db.session.get(Pair, pair_id) if isinstance(pair_id, int) else None
    if pair is None or user is None or not pair.is_active:
        return None
    return pair if user.id in (pair.mentor_id, pair.executive_id) else None


# A session a day ahead ------------------------------------------------------------------------


def sessions_soon(now: datetime) -> Iterator[Nudge]:
    """Yield a reminder to each partner of every session starting within a day."""
    rows = db.session.execute(
        select(Meeting.id, Meeting.starts_at, Pair.mentor_id, Pair.executive_id)
        .join(Pair, Pair.id == Meeting.pair_id)
        .where(
            Pair.status == "active",
            Meeting.status == "planned",
            Meeting.starts_at > now + TOO_LATE_TO_REMIND,
            Meeting.starts_at <= now + REMIND_WITHIN,
        )
    )
    for meeting_id, starts_at, mentor_id, executive_id in rows:
        stamp = int(starts_at.timestamp())  # a moved session is a new reminder
        for person in (mentor_id, executive_id):
            params = {"meeting_id": meeting_id, "starts_at": stamp}
            yield Nudge(f"meeting {meeting_id} at {stamp} to {person}", person, params)


def session_still_soon(
    params: dict, user: User | None, now: datetime
) -> tuple[Meeting, Pair] | None:
    """Return the session and pair when the reminder still applies (same time, still planned)."""
    meeting = db.session.get(Meeting, params.get("meeting_id"))
    if meeting is None or meeting.status != "planned" or meeting.starts_at <= now:
        return None
    if int(meeting.starts_at.timestamp()) != params.get("starts_at"):
        return None  # moved since: the new time has its own reminder
    pair = partner_pair(meeting.pair_id, user)
    return (meeting, pair) if pair is not None else None


# A check-in not written -----------------------------------------------------------------------


def checkins_missing(now: datetime) -> Iterator[Nudge]:
    """Yield a nudge to each partner with no check-in a day after a held session."""
    rows = db.session.execute(
        select(Meeting.id, Pair.mentor_id, Pair.executive_id)
        .join(Pair, Pair.id == Meeting.pair_id)
        .where(
            Pair.status == "active",
            Meeting.status == "held",
            Meeting.starts_at <= now - CHECKIN_AFTER,
            Meeting.starts_at >= now - CHECKIN_LOOKBACK,
        )
    ).all()
    if not rows:
        return
    written = set(
        db.session.execute(
            select(TemplateEntry.meeting_id, TemplateEntry.user_id).where(
                TemplateEntry.meeting_id.in_([row[0] for row in rows])
            )
        )
    )
    for meeting_id, mentor_id, executive_id in rows:
        for person in (mentor_id, executive_id):
            if (meeting_id, person) not in written:
                key = f"check-in for meeting {meeting_id} to {person}"
                yield Nudge(key, person, {"meeting_id": meeting_id})


def checkin_still_missing(params: dict, user: User | None) -> tuple[Meeting, Pair] | None:
    """Return the session and pair when the person still has no check-in (a draft counts)."""
    meeting = db.session.get(Meeting, params.get("meeting_id"))
    if meeting is None or meeting.status != "held" or user is None:
        return None
    pair = partner_pair(meeting.pair_id, user)
    if pair is None or checkins.get_checkin(meeting.id, user.id) is not None:
        return None
    return meeting, pair


# No first session booked ----------------------------------------------------------------------


def has_booked(pair_id: int) -> bool:
    """Tell whether a pair has a session planned or held (a cancelled one is not a booking)."""
    found = db.session.scalar(
        select(Meeting.id)
        .where(Meeting.pair_id == pair_id, Meeting.status.in_(("planned", "held")))
        .limit(1)
    )
    return found is not None


def pairs_not_started(now: datetime) -> Iterator[Nudge]:
    """Yield the day-3 and day-10 nudges of active pairs that have booked no session.

    Only the latest nudge that applies: a pair first found on day 12 gets the day-10 one alone.
    """
    booked = select(Meeting.pair_id).where(Meeting.status.in_(("planned", "held")))
    rows = db.session.execute(
        select(Pair.id, Pair.started_at, Pair.mentor_id, Pair.executive_id).where(
            Pair.status == "active",
            Pair.started_at <= now - timedelta(days=FIRST_SESSION_NUDGES[0]),
            Pair.started_at >= now - FIRST_SESSION_LOOKBACK,
            Pair.id.not_in(booked),
        )
    )
    for pair_id, started_at, mentor_id, executive_id in rows:
        waited = now - (started_at or now)  # the query only finds pairs that started
        day = max(d for d in FIRST_SESSION_NUDGES if waited >= timedelta(days=d))
        for person in (mentor_id, executive_id):
            key = f"first session pair {pair_id} day {day} to {person}"
            yield Nudge(key, person, {"pair_id": pair_id, "day": day})


def still_not_started(params: dict, user: User | None) -> Pair | None:
    """Return the pair when it still has nothing booked."""
    pair = partner_pair(params.get("pair_id"), user)
    return pair if pair is not None and not has_booked(pair.id) else None


# The lead's weekly digest ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AtRisk:
    """A pair a lead should look at: who, in which cohort, and why."""

    mentor: str
    executive: str
    cohort: str
    health: Health


@dataclass(frozen=True, slots=True)
class Digest:
    """What a lead's week looks like: their cohorts, how many pairs, which are at risk."""

    cohorts: list[str]
    active: int
    at_risk: list[AtRisk]


def digests_due(now: datetime) -> Iterator[Nudge]:
    """Yield one digest a week, from Monday 07:00 UTC, to each lead named on an open cohort."""
    monday = datetime.combine(now.date() - timedelta(days=now.weekday()), time(), now.tzinfo)
    if now < monday + DIGEST_FROM:
        return
    year, week, _ = now.isocalendar()
    label = f"{year}-W{week:02}"
    leads = db.session.scalars(
        select(CohortLead.user_id)
        .join(Cohort, Cohort.id == CohortLead.cohort_id)
        .where(Cohort.archived_at.is_(None))
        .distinct()
    )
    for lead_id in leads:
        yield Nudge(f"digest {label} to {lead_id}", lead_id, {"week": label})


def digest_for(user: User | None, now: datetime) -> Digest | None:
    """Return a lead's digest now, from `upward.health`; None when nothing needs attention."""
    if user is None or not is_lead(user):
        return None
    cohorts = dict(
        db.session.execute(
            select(Cohort.id, Cohort.name)
            .join(CohortLead, CohortLead.cohort_id == Cohort.id)
            .where(CohortLead.user_id == user.id, Cohort.archived_at.is_(None))
        ).all()
    )
    pairs = db.session.execute(
        select(Pair.id, Pair.cohort_id, Pair.mentor_id, Pair.executive_id)
        .where(Pair.cohort_id.in_(list(cohorts)), Pair.status == "active")
        .order_by(Pair.id)
    ).all()
    health = get_health([row[0] for row in pairs], now)
    risky = [row for row in pairs if health[row[0]].at_risk]
    if not risky:
        return None  # a week with nothing to act on sends nothing
    wanted = {person for row in risky for person in (row[2], row[3])}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(wanted))).all())
    return Digest(
        cohorts=sorted(cohorts.values()),
        active=len(pairs),
        at_risk=[
            AtRisk(
                names.get(mentor, "A mentor"),
                names.get(executive, "an executive"),
                cohorts[cohort_id] if cohort_id is not None else "",
                health[pair_id],
            )
            for pair_id, cohort_id, mentor, executive in risky
        ],
    )
