"""Session times in people's own time zones: stored in UTC, typed and shown in the person's zone.

Plain functions with no database: the one home of turning a wall-clock time typed in a zone into
UTC (refusing times a clock change skips) and of saying a time the way people read it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DEFAULT_ZONE = "UTC"


class TimeError(ValueError):
    """A time that can't be used as typed, with the reason in plain words."""


@cache
def zone(name: str | None) -> ZoneInfo:
    """Return the zone of an IANA name, or UTC for a name that is empty or unknown."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def zone_name(name: str | None) -> str:
    """Return a usable IANA name: the one given when it is known, else UTC."""
    return zone(name).key


@cache
def known_zones() -> frozenset[str]:
    """Return every IANA zone name this machine knows."""
    return frozenset(available_timezones())


def to_utc(day: date, at: time, zone_id: str) -> datetime:
    """Return the UTC instant of a wall-clock time in a zone; refuse one the clocks skip.

    In the hour clocks go back, a time happens twice: the first (summer) one is meant.
    """
    tz = zone(zone_id)
    local = datetime.combine(day, at.replace(second=0, microsecond=0, tzinfo=None), tz)
    instant = local.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise TimeError(
            f"{at:%H:%M} doesn't happen on {describe_day(day)} in {tz.key}: the clocks "
            "change that night. Choose a time an hour later or earlier."
        )
    return instant


def local(instant: datetime, zone_id: str) -> datetime:
    """Return a UTC instant as the wall-clock time in a zone."""
    return instant.astimezone(zone(zone_id))


def describe_day(day: date) -> str:
    """Return a day as people read it: 'Tue 1 Dec 2026'."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def describe(instant: datetime, zone_id: str, *, with_zone: bool = True) -> str:
    """Return an instant in a zone as people read it: 'Tue 1 Dec 2026, 14:05 (Europe/London)'."""
    when = local(instant, zone_id)
    text = f"{describe_day(when.date())}, {when:%H:%M}"
    return f"{text} ({zone(zone_id).key})" if with_zone else text


def relative_day(instant: datetime, zone_id: str, now: datetime) -> str:
    """Return when a coming instant falls, for a person: 'today', 'tomorrow' or 'on Thu 3 Dec'."""
    day, today = local(instant, zone_id).date(), local(now, zone_id).date()
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return "tomorrow"
    return f"on {day:%a} {day.day} {day:%b}"
