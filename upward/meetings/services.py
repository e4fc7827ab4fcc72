"""The rules of a pair's sessions: who may see and change them, booking, moving, closing.

Only the two partners of a pair see its sessions. While the pair is active either may book,
move, cancel or mark a session held; once it has ended they may read what happened, nothing
more. Times are typed in the person's own zone and stored in UTC (`upward.meetings.times`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from upward.extensions import db
from upward.meetings import times
from upward.models import DEFAULT_CADENCE_DAYS, Agreement, Meeting, Pair, Profile, User
from upward.models.types import utcnow

DEFAULT_MINUTES = 45
MIN_MINUTES, MAX_MINUTES = 15, 240
BOOK_AHEAD = timedelta(days=366)
"""Sessions can be booked up to a year ahead: further than that is a guess, not a plan."""
MAX_SERIES = 6
""""Plan the next ones" books at most this many at once: a quarter at a fortnightly cadence."""
SUBMISSION_RE = re.compile(r"[0-9a-f]{32}")
VISIBLE_STATUSES = ("active", "ended")
"""A pair's sessions exist from when both accepted; a proposal has none to show."""


class SessionError(ValueError):
    """A change to a session that can't be made, with the reason in plain words."""


@dataclass(frozen=True, slots=True)
class Booked:
    """What a booking did: the sessions, and whether they are new (not a resent form)."""

    meetings: list[Meeting]
    is_new: bool


# Who may see what -----------------------------------------------------------------------------


def get_pair_for(pair_id: int, user_id: int) -> Pair | None:
    """Return a pair whose sessions this person may see (they are one of its partners), or None."""
    pair = db.session.get(Pair, pair_id)
    if pair is None or pair.status not in VISIBLE_STATUSES:
        return None
    return pair if user_id in (pair.mentor_id, pair.executive_id) else None


def can_change(pair: Pair, user_id: int) -> bool:
    """Tell whether a person may book and change this pair's sessions (a partner, pair active)."""
    return pair.is_active and user_id in (pair.mentor_id, pair.executive_id)


def get_meeting(pair: Pair, meeting_id: int) -> Meeting | None:
    """Return one session of this pair, or None (a session of another pair is not found)."""
    meeting = db.session.get(Meeting, meeting_id)
    return meeting if meeting is not None and meeting.pair_id == pair.id else None


def list_meetings(pair_id: int) -> list[Meeting]:
    """Return a pair's sessions, earliest first."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.pair_id == pair_id)
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


def active_pairs_of(user_id: int) -> list[Pair]:
    """Return the active pairs a person is in."""
    return list(
        db.session.scalars(
            select(Pair)
            .where(
                or_(Pair.mentor_id == user_id, Pair.executive_id == user_id),
                Pair.status == "active",
            )
            .order_by(Pair.started_at, Pair.id)
        )
    )


# Settings a session takes from the pair and the person ---------------------------------------


def get_time_zone(user_id: int) -> str:
    """Return the zone a person reads and types times in: their profile's, else UTC."""
    name = db.session.scalar(select(Profile.time_zone).where(Profile.user_id == user_id))
    return times.zone_name(name)


def get_time_zones(user_ids: Sequence[int]) -> dict[int, str]:
    """Return the zones of several people (UTC for those with no profile)."""
    rows = db.session.execute(
        select(Profile.user_id, Profile.time_zone).where(Profile.user_id.in_(list(user_ids)))
    )
    found = {user_id: times.zone_name(name) for user_id, name in rows}
    return {user_id: found.get(user_id, times.DEFAULT_ZONE) for user_id in user_ids}


def default_minutes(pair: Pair) -> int:
    """Return how long a new session lasts: the pair's agreement says, else 45 minutes."""
    minutes = db.session.scalar(
        select(Agreement.session_minutes).where(Agreement.pair_id == pair.id)
    )
    return minutes if minutes and MIN_MINUTES <= minutes <= MAX_MINUTES else DEFAULT_MINUTES


def cadence(pair: Pair) -> timedelta:
    """Return how often the pair meets."""
    return timedelta(days=pair.cadence_days or DEFAULT_CADENCE_DAYS)


def suggest_next(pair: Pair, zone_id: str, now: datetime) -> tuple[date, time]:
    """Return the day and time to offer for the next session, in the person's zone.

    One cadence after the latest session not cancelled, at the same wall-clock time; with none,
    two days from now at 10:00. Never a day already past.
    """
    latest = db.session.scalar(
        select(Meeting.starts_at)
        .where(Meeting.pair_id == pair.id, Meeting.status != "cancelled")
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )
    today = times.local(now, zone_id).date()
    if latest is None:
        return today + timedelta(days=2), time(10, 0)
    last = times.local(latest, zone_id)
    day = last.date() + cadence(pair)
    while day <= today:
        day += cadence(pair)
    return day, last.time().replace(second=0, microsecond=0)


# Booking --------------------------------------------------------------------------------------


def new_uid(submission: str | None, index: int | None = None) -> str:
    """Return the iCalendar UID of a new session: the form's submission id at the site's host.

    A form sent twice carries the same submission id, so its second insert meets the unique UID
    of the first and books nothing more.
    """
    key = submission if submission and SUBMISSION_RE.fullmatch(submission) else uuid.uuid4().hex
    host = urlsplit(current_app.config["UPWARD_BASE_URL"]).hostname or "upward"
    return f"{key}{'' if index is None else f'-{index}'}@{host}"


def check_start(starts_at: datetime, zone_id: str, now: datetime) -> None:
    """Refuse a start in the past or more than a year ahead, saying the time now in the zone."""
    if starts_at <= now:
        raise SessionError(
            f"That time has passed: it is now {times.describe(now, zone_id)}. "
            "Choose a time from now on."
        )
    if starts_at > now + BOOK_AHEAD:
        raise SessionError("Sessions can be booked up to a year ahead: choose an earlier date.")


def check_minutes(minutes: int) -> None:
    """Refuse a length outside a quarter of an hour to four hours."""
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise SessionError(f"A session lasts from {MIN_MINUTES} to {MAX_MINUTES} minutes.")


def find_clash(
    pair: Pair, starts_at: datetime, minutes: int, skip: int | None = None
) -> Meeting | None:
    """Return a planned session of the pair that overlaps this time, if any."""
    ends_at = starts_at + timedelta(minutes=minutes)
    for meeting in db.session.scalars(
        select(Meeting).where(
            Meeting.pair_id == pair.id,
            Meeting.status == "planned",
            Meeting.starts_at < ends_at,
            Meeting.starts_at > starts_at - timedelta(minutes=MAX_MINUTES),
        )
    ):
        if (
            meeting.id != skip
            and meeting.starts_at + timedelta(minutes=meeting.minutes) > starts_at
        ):
            return meeting
    return None


def refuse_clash(
    pair: Pair, starts_at: datetime, minutes: int, zone_id: str, skip: int | None = None
) -> None:
    """Refuse a time that overlaps a session already planned."""
    clash = find_clash(pair, starts_at, minutes, skip)
    if clash is not None:
        raise SessionError(
            "You already have a session planned then "
            f"({times.describe(clash.starts_at, zone_id)}). Choose another time, or move that one."
        )


def book_series(
    pair: Pair,
    by: User,
    *,
    day: date,
    at: time,
    count: int,
    minutes: int,
    location: str,
    submission: str | None,
    now: datetime | None = None,
    series: bool = True,
) -> Booked:
    """Book `count` sessions from a first one, a cadence apart, at the same wall-clock time.

    The same wall-clock time in the booker's zone, so a session at 10:00 stays at 10:00 when the
    clocks change. All or nothing: one time in the past, skipped by a clock change, or clashing
    with a planned session refuses the lot, saying which.
    """
    if not can_change(pair, by.id):
        raise SessionError("Only the two partners of an active pair can book its sessions.")
    now = now or utcnow()
    zone_id = get_time_zone(by.id)
    uids = [new_uid(submission, i if series else None) for i in range(count)]
    already = list(db.session.scalars(select(Meeting).where(Meeting.uid.in_(uids))))
    if already:
        return Booked(sorted(already, key=lambda m: m.starts_at), False)
    if not 1 <= count <= MAX_SERIES:
        raise SessionError(f"Plan from 1 to {MAX_SERIES} sessions at a time.")
    check_minutes(minutes)
    meetings = []
    for i, uid in enumerate(uids):
        starts_at = times.to_utc(day + i * cadence(pair), at, zone_id)
        check_start(starts_at, zone_id, now)
        refuse_clash(pair, starts_at, minutes, zone_id)
        meetings.append(
            Meeting(
                pair_id=pair.id,
                uid=uid,
                starts_at=starts_at,
                minutes=minutes,
                time_zone=zone_id,
                location=location.strip(),
                status="planned",
                created_by_id=by.id,
            )
        )
    db.session.add_all(meetings)
    try:
        db.session.commit()
    except IntegrityError:  # the same form, sent twice at once: the other request booked it
        db.session.rollback()
        already = list(db.session.scalars(select(Meeting).where(Meeting.uid.in_(uids))))
        if not already:
            raise
        return Booked(sorted(already, key=lambda m: m.starts_at), False)
    return Booked(meetings, True)


# Changing a session ---------------------------------------------------------------------------


def require_change(pair: Pair, by: User) -> None:
    """Refuse a change by someone who may not make it (not a partner, or the pair ended)."""
    if not can_change(pair, by.id):
        raise SessionError("Only the two partners of an active pair can change its sessions.")


def mark_held(pair: Pair, meeting: Meeting, by: User, now: datetime | None = None) -> bool:
    """Record that a session took place, and who said so; False when it already was."""
    require_change(pair, by)
    now = now or utcnow()
    if meeting.status == "held":
        return False
    if meeting.status == "cancelled":
        raise SessionError("This session was cancelled. Book a new one if you met after all.")
    if meeting.starts_at > now:
        raise SessionError("You can mark a session held once it has started.")
    meeting.status, meeting.status_by_id, meeting.status_at = "held", by.id, now
    db.session.commit()
    return True


def cancel(pair: Pair, meeting: Meeting, by: User, now: datetime | None = None) -> bool:
    """Cancel a planned session, recording who did; False when it already was cancelled."""
    require_change(pair, by)
    if meeting.status == "cancelled":
        return False
    if meeting.status == "held":
        raise SessionError("This session was held, so it can't be cancelled.")
    meeting.status, meeting.status_by_id, meeting.status_at = "cancelled", by.id, now or utcnow()
    meeting.sequence += 1  # calendars take the cancellation only from a newer sequence
    db.session.commit()
    return True


def move(
    pair: Pair, meeting: Meeting, by: User, *, day: date, at: time, now: datetime | None = None
) -> bool:
    """Move a planned session to a new time typed in the mover's zone; False if it was there."""
    require_change(pair, by)
    if meeting.status != "planned":
        raise SessionError(
            f"This session was {meeting.status}, so it can't be moved. Book a new one instead."
        )
    now = now or utcnow()
    zone_id = get_time_zone(by.id)
    starts_at = times.to_utc(day, at, zone_id)
    if starts_at == meeting.starts_at:
        return False  # the same move sent twice, or no change: nothing to tell calendars
    check_start(starts_at, zone_id, now)
    refuse_clash(pair, starts_at, meeting.minutes, zone_id, skip=meeting.id)
    meeting.starts_at, meeting.time_zone = starts_at, zone_id
    meeting.moved_count += 1
    meeting.moved_by_id = by.id
    meeting.sequence += 1
    db.session.commit()
    return True
