"""What a partner sees of their pair's sessions: each in their own zone, with check-in state.

Built once for the sessions page and for the panel the pair page includes, so both say the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from upward.extensions import db
from upward.meetings import checkins, services, times
from upward.models import Meeting, Pair, TemplateEntry, User
from upward.models.types import utcnow
from upward.vocabulary import MEETING_STATUSES


@dataclass(frozen=True, slots=True)
class SessionRow:
    """One session as one partner reads it."""

    meeting: Meeting
    when: str
    """In the viewer's zone: 'Thu 3 Dec 2026, 10:00'."""
    partner_when: str | None
    """In the partner's zone when it differs from the viewer's."""
    ends: str
    status_note: str
    """Who marked it held or cancelled, who moved it: '' when there is nothing to say."""
    checkin: TemplateEntry | None = None
    partner_checked_in: bool = False

    @property
    def status_label(self) -> str:
        """Return the session's status in words."""
        return MEETING_STATUSES.get(self.meeting.status, self.meeting.status)

    @property
    def is_link(self) -> bool:
        """Tell whether the location is a web address (a video call) to show as a link."""
        return self.meeting.location.startswith(("https://", "http://"))


@dataclass(frozen=True, slots=True)
class Panel:
    """A pair's sessions for one of its partners."""

    pair: Pair
    viewer: User
    partner: User | None
    zone: str
    partner_zone: str
    can_change: bool
    upcoming: list[SessionRow] = field(default_factory=list)
    to_close: list[SessionRow] = field(default_factory=list)
    """Planned sessions whose time has passed: held, or cancelled?"""
    past: list[SessionRow] = field(default_factory=list)
    """Held and cancelled sessions, newest first."""

    @property
    def next(self) -> SessionRow | None:
        """Return the next session to come."""
        return self.upcoming[0] if self.upcoming else None

    @property
    def checkins_to_write(self) -> list[SessionRow]:
        """Return the held sessions this person has not written a check-in for."""
        return [row for row in self.past if row.meeting.status == "held" and row.checkin is None]


def build_panel(pair: Pair, viewer: User, now: datetime | None = None) -> Panel:
    """Return a pair's sessions as one of its partners sees them."""
    now = now or utcnow()
    partner_id = pair.partner_of(viewer.id)
    partner = db.session.get(User, partner_id)
    zones = services.get_time_zones([viewer.id, partner_id])
    zone, partner_zone = zones[viewer.id], zones[partner_id]
    meetings = services.list_meetings(pair.id)
    ids = [m.id for m in meetings]
    mine = checkins.checkins_of(viewer.id, ids)
    theirs = checkins.partner_wrote(partner_id, ids)
    names = {viewer.id: "you", partner_id: partner.name if partner else "your partner"}

    def row(meeting: Meeting) -> SessionRow:
        ends = meeting.starts_at + timedelta(minutes=meeting.minutes)
        partner_when = (
            times.describe(meeting.starts_at, partner_zone, with_zone=False)
            if times.local(meeting.starts_at, partner_zone).utcoffset()
            != times.local(meeting.starts_at, zone).utcoffset()
            else None
        )
        return SessionRow(
            meeting=meeting,
            when=times.describe(meeting.starts_at, zone, with_zone=False),
            partner_when=partner_when,
            ends=f"{times.local(ends, zone):%H:%M}",
            status_note=describe_status(meeting, names),
            checkin=mine.get(meeting.id),
            partner_checked_in=meeting.id in theirs,
        )

    upcoming: list[SessionRow] = []
    to_close: list[SessionRow] = []
    past: list[SessionRow] = []
    for meeting in meetings:
        if meeting.status == "planned":
            (upcoming if meeting.starts_at > now else to_close).append(row(meeting))
        else:
            past.append(row(meeting))
    past.reverse()
    return Panel(
        pair=pair,
        viewer=viewer,
        partner=partner,
        zone=zone,
        partner_zone=partner_zone,
        can_change=services.can_change(pair, viewer.id),
        upcoming=upcoming,
        to_close=to_close,
        past=past,
    )


def describe_status(meeting: Meeting, names: dict[int, str]) -> str:
    """Say who marked a session held or cancelled and who moved it, in a short phrase."""
    parts = []
    if meeting.status in ("held", "cancelled"):
        who = names.get(meeting.status_by_id or 0, "someone")
        parts.append(f"{'Marked held' if meeting.status == 'held' else 'Cancelled'} by {who}")
    if meeting.moved_count:
        who = names.get(meeting.moved_by_id or 0, "someone")
        times_moved = "once" if meeting.moved_count == 1 else f"{meeting.moved_count} times"
        parts.append(f"moved {times_moved}, last by {who}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def count_checkins(pair_ids: list[int]) -> dict[int, int]:
    """Return how many check-ins (not drafts) each pair's partners wrote: counts, never text."""
    if not pair_ids:
        return {}
    rows = db.session.execute(
        select(Meeting.pair_id, TemplateEntry.id)
        .join(TemplateEntry, TemplateEntry.meeting_id == Meeting.id)
        .where(Meeting.pair_id.in_(pair_ids), TemplateEntry.is_draft.is_(False))
    )
    counts: dict[int, int] = {}
    for pair_id, _ in rows:
        counts[pair_id] = counts.get(pair_id, 0) + 1
    return counts
