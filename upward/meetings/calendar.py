"""Sessions as iCalendar (RFC 5545), for a download, a mail attachment and a person's feed.

Each session keeps one UID for life and a SEQUENCE that grows with every move or cancellation,
so a calendar that imported it updates the same entry. Times carry the zone the session was
booked in, with its VTIMEZONE, so a calendar in any other zone shows the right hour.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import or_, select

from upward.extensions import db
from upward.meetings import times
from upward.models import CalendarFeed, Meeting, Pair, User
from upward.models.types import utcnow

PRODID = "-//Upward//Mentoring sessions//EN"
FEED_PAST = timedelta(days=180)
"""A feed carries sessions from half a year back: enough history, not a growing file."""


@dataclass(frozen=True, slots=True)
class CalendarSession:
    """A session as one person's calendar shows it."""

    meeting: Meeting
    partner_name: str
    url: str
    cancelled: bool
    """Cancelled, or planned in a pair that has ended since (calendars should drop it)."""


def as_session(meeting: Meeting, pair: Pair, partner: User | None, url: str) -> CalendarSession:
    """Return a session for a calendar; a planned session of an ended pair shows as cancelled."""
    cancelled = meeting.status == "cancelled" or (
        pair.status != "active" and meeting.status == "planned"
    )
    return CalendarSession(meeting, partner.name if partner else "your partner", url, cancelled)


def build(
    sessions: Iterable[CalendarSession], *, method: str | None = "PUBLISH", name: str = ""
) -> bytes:
    """Return an iCalendar file of sessions, with a VTIMEZONE for each zone they use."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("name", name)
    stamp = utcnow().replace(microsecond=0)
    days: list[date] = []
    for session in sessions:
        calendar.add_component(event(session, stamp))
        days.append(session.meeting.starts_at.date())
    if days:
        calendar.add_missing_timezones(
            first_date=min(days) - timedelta(days=366), last_date=max(days) + timedelta(days=366)
        )
    return calendar.to_ical()


def event(session: CalendarSession, stamp: datetime) -> Event:
    """Return one session as a VEVENT."""
    meeting = session.meeting
    starts = times.local(meeting.starts_at, meeting.time_zone)
    item = Event()
    item.add("uid", meeting.uid)
    item.add("sequence", meeting.sequence)
    item.add("dtstamp", stamp)
    item.add("dtstart", starts)
    item.add("dtend", starts + timedelta(minutes=meeting.minutes))
    item.add("created", meeting.created_at.replace(microsecond=0))
    item.add("last-modified", meeting.updated_at.replace(microsecond=0))
    item.add("summary", f"Mentoring session with {session.partner_name}")
    if meeting.location:
        item.add("location", meeting.location)
    item.add("url", session.url)
    item.add(
        "description",
        f"Your reverse-mentoring session with {session.partner_name}. "
        f"Agenda, check-in and changes: {session.url}",
    )
    item.add("status", "CANCELLED" if session.cancelled else "CONFIRMED")
    item.add("transp", "TRANSPARENT" if session.cancelled else "OPAQUE")
    return item


def filename(meeting: Meeting) -> str:
    """Return the download name of a session's calendar file."""
    return f"upward-session-{times.local(meeting.starts_at, meeting.time_zone):%Y-%m-%d}.ics"


# A person's private feed ----------------------------------------------------------------------


def get_feed(user_id: int) -> CalendarFeed | None:
    """Return a person's feed, if they made its address."""
    return db.session.get(CalendarFeed, user_id)


def renew_feed(user_id: int) -> CalendarFeed:
    """Give a person a new feed address; the old one stops working at once."""
    feed = db.session.get(CalendarFeed, user_id)
    if feed is None:
        feed = CalendarFeed(user_id=user_id)
        db.session.add(feed)
    feed.secret = secrets.token_urlsafe(32)
    feed.created_at = utcnow()
    db.session.commit()
    return feed


def owner_of(secret: str) -> User | None:
    """Return the active person a feed address belongs to, or None."""
    if not secret or len(secret) > 64:
        return None
    user = db.session.scalar(
        select(User)
        .join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.secret == secret)
    )
    return user if user is not None and user.is_active else None


def feed_meetings(user_id: int, now: datetime) -> list[tuple[Meeting, Pair]]:
    """Return the sessions a person's feed carries, with their pairs: from half a year back."""
    rows = db.session.execute(
        select(Meeting, Pair)
        .join(Pair, Pair.id == Meeting.pair_id)
        .where(
            or_(Pair.mentor_id == user_id, Pair.executive_id == user_id),
            Pair.status.in_(("active", "ended")),
            Meeting.starts_at >= now - FEED_PAST,
        )
        .order_by(Meeting.starts_at)
    )
    return [(meeting, pair) for meeting, pair in rows]


def partner_names(user_id: int, pairs: Iterable[Pair]) -> Mapping[int, User]:
    """Return each pair's other person, by pair id."""
    wanted = {pair.id: pair.partner_of(user_id) for pair in pairs}
    people = {
        user.id: user
        for user in db.session.scalars(select(User).where(User.id.in_(set(wanted.values()))))
    }
    return {pair_id: people[other] for pair_id, other in wanted.items() if other in people}
