"""CSV exports for spreadsheets: per person, per pair, per session and the funnel.

Each one is a generator of CSV text, streamed row by row from one query (the database's cursor
streams on PostgreSQL), so a 10,000-person export never sits in memory. They open correctly in
Excel (UTF-8 with a byte order mark) and no cell can run as a formula. They count and date
what people did; no column holds anything anyone wrote.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, case, false, func, or_, select
from sqlalchemy.orm import aliased

from upward import health
from upward.extensions import db
from upward.models import (
    Cohort,
    Completion,
    Meeting,
    Membership,
    Pair,
    Profile,
    TemplateEntry,
    User,
)
from upward.models.types import utcnow
from upward.reports.dashboard import audience_roles, funnel_pathways, get_funnel
from upward.reports.scope import Scope
from upward.viewer import LibraryView
from upward.vocabulary import HEALTH, PAIR_STATUSES, PARTICIPANT_ROLES

BOM = "\ufeff"
"""Excel reads a CSV file as UTF-8 only when it starts with this."""
CHUNK = 1000
"""Rows fetched from the database at a time."""


def safe_cell(value: object) -> object:
    """Keep a spreadsheet from reading text like '=HYPERLINK(...)' as a formula.

    Text starting with a formula character gets a leading apostrophe (Excel hides it); numbers
    and dates are left as they are, so they still sort and sum.
    """
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r", "\n"):
        return f"'{value}"
    return value


def cell(value: object) -> object:
    """Return a value as a CSV cell: dates as ISO dates, None as empty, text made safe."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return safe_cell(value)


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """Yield a CSV file in pieces: the byte order mark and header, then every CHUNK rows."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    yield BOM + flush(out)
    for n, row in enumerate(rows, 1):
        writer.writerow([cell(value) for value in row])
        if n % CHUNK == 0:
            yield flush(out)
    yield flush(out)


def flush(out: io.StringIO) -> str:
    """Return what a buffer holds and empty it."""
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text


def stream(stmt: Select) -> Iterator[Any]:
    """Yield a query's rows a chunk at a time (a server-side cursor on PostgreSQL)."""
    yield from db.session.execute(stmt.execution_options(yield_per=CHUNK))


# Per person ---------------------------------------------------------------------------------

PEOPLE_HEADER = (
    "name",
    "email",
    "cohort",
    "role",
    "department",
    "joined on",
    "track steps done",
    "track steps",
    "track %",
    "sessions held",
    "last step completed on",
)


def people_rows(scope: Scope, view: LibraryView) -> Iterator[Sequence[object]]:
    """Yield a row per person and cohort: who they are and how far they have got."""
    tracks = {
        role: sorted(
            {s.id for p in view.pathways() if role in audience_roles(p) for s in view.steps(p)}
        )
        for role in PARTICIPANT_ROLES
    }
    on_track = or_(
        false(),
        *(
            and_(Membership.role == role, Completion.step_id.in_(steps))
            for role, steps in tracks.items()
            if steps
        ),
    )
    done = (
        select(func.count())
        .where(Completion.user_id == Membership.user_id, on_track)
        .correlate(Membership)
        .scalar_subquery()
    )
    last = (
        select(func.max(Completion.completed_at))
        .where(Completion.user_id == Membership.user_id)
        .correlate(Membership)
        .scalar_subquery()
    )
    held = (
        select(func.count())
        .select_from(Meeting)
        .join(Pair, Pair.id == Meeting.pair_id)
        .where(
            Meeting.status == "held",
            Pair.cohort_id == Membership.cohort_id,
            or_(Pair.mentor_id == Membership.user_id, Pair.executive_id == Membership.user_id),
        )
        .correlate(Membership)
        .scalar_subquery()
    )
    stmt = (
        select(
            User.name,
            User.email,
            Cohort.name,
            Membership.role,
            Profile.department,
            Membership.joined_at,
            done,
            held,
            last,
        )
        .join(User, User.id == Membership.user_id)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .outerjoin(Profile, Profile.user_id == Membership.user_id)
        .where(scope.membership_filter())
        .order_by(Cohort.name, User.name, Membership.id)
    )
    for name, email, cohort, role, department, joined, steps_done, sessions, last_done in stream(
        stmt
    ):
        total = len(tracks.get(role, ()))
        percent = round(100 * steps_done / total) if total else 0
        yield (
            name,
            email,
            cohort,
            PARTICIPANT_ROLES.get(role, role),
            department or "",
            joined,
            steps_done,
            total,
            percent,
            sessions,
            last_done,
        )


# Pairs and sessions -------------------------------------------------------------------------

PAIRS_HEADER = (
    "cohort",
    "mentor",
    "executive",
    "status",
    "health",
    "why",
    "started on",
    "ended on",
    "sessions planned",
    "sessions held",
    "sessions cancelled",
    "sessions moved",
    "first session held on",
    "last session held on",
    "check-ins written",
)


def pairs_rows(scope: Scope) -> Iterator[Sequence[object]]:
    """Yield a row per pair: its health and why (upward.health), its sessions and check-ins."""
    mentor, executive = aliased(User), aliased(User)

    def count(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    sessions = (
        select(
            Meeting.pair_id,
            count(Meeting.status == "planned").label("planned"),
            count(Meeting.status == "held").label("held"),
            count(Meeting.status == "cancelled").label("cancelled"),
            count(Meeting.moved_count > 0).label("moved"),
            func.min(case((Meeting.status == "held", Meeting.starts_at))).label("first"),
            func.max(case((Meeting.status == "held", Meeting.starts_at))).label("last"),
        )
        .where(Meeting.pair_id.in_(scope.pairs()))
        .group_by(Meeting.pair_id)
        .subquery()
    )
    checkins = (
        select(Meeting.pair_id, func.count().label("n"))
        .join(TemplateEntry, TemplateEntry.meeting_id == Meeting.id)
        .where(
            Meeting.pair_id.in_(scope.pairs()),
            Meeting.status == "held",
            TemplateEntry.is_draft.is_(False),
        )
        .group_by(Meeting.pair_id)
        .subquery()
    )
    healths = health.get_health(scope.pairs(), utcnow())
    stmt = (
        select(
            Pair.id,
            Cohort.name,
            mentor.name,
            executive.name,
            Pair.status,
            Pair.started_at,
            Pair.ended_at,
            sessions.c.planned,
            sessions.c.held,
            sessions.c.cancelled,
            sessions.c.moved,
            sessions.c.first,
            sessions.c.last,
            checkins.c.n,
        )
        .join(mentor, mentor.id == Pair.mentor_id)
        .join(executive, executive.id == Pair.executive_id)
        .outerjoin(Cohort, Cohort.id == Pair.cohort_id)
        .outerjoin(sessions, sessions.c.pair_id == Pair.id)
        .outerjoin(checkins, checkins.c.pair_id == Pair.id)
        .where(scope.pair_filter())
        .order_by(Cohort.name, Pair.id)
    )
    for pair_id, cohort, m, e, status, started, ended, *counts, first, last, n in stream(stmt):
        found = healths.get(pair_id)
        yield (
            cohort or "",
            m,
            e,
            PAIR_STATUSES.get(status, status),
            HEALTH.get(found.level, "") if found else "",
            " ".join(found.reasons) if found else "",
            started,
            ended,
            *(int(c or 0) for c in counts),
            health.as_utc(first) if first else None,
            health.as_utc(last) if last else None,
            n or 0,
        )


SESSIONS_HEADER = (
    "cohort",
    "mentor",
    "executive",
    "starts at (UTC)",
    "minutes",
    "status",
    "marked by",
    "times moved",
    "check-ins written",
)


def sessions_rows(scope: Scope) -> Iterator[Sequence[object]]:
    """Yield a row per session: when, where it stands, which partner marked it."""
    mentor, executive = aliased(User), aliased(User)
    checkins = (
        select(func.count())
        .where(TemplateEntry.meeting_id == Meeting.id, TemplateEntry.is_draft.is_(False))
        .correlate(Meeting)
        .scalar_subquery()
    )
    by = case(
        (Meeting.status_by_id.is_(None), ""),
        (Meeting.status_by_id == Pair.mentor_id, "mentor"),
        (Meeting.status_by_id == Pair.executive_id, "executive"),
        else_="someone else",
    )
    stmt = (
        select(
            Cohort.name,
            mentor.name,
            executive.name,
            Meeting.starts_at,
            Meeting.minutes,
            Meeting.status,
            by,
            Meeting.moved_count,
            checkins,
        )
        .join(Pair, Pair.id == Meeting.pair_id)
        .join(mentor, mentor.id == Pair.mentor_id)
        .join(executive, executive.id == Pair.executive_id)
        .outerjoin(Cohort, Cohort.id == Pair.cohort_id)
        .where(scope.pair_filter())
        .order_by(Meeting.starts_at, Meeting.id)
    )
    for cohort, m, e, starts_at, minutes, status, marked_by, moved, n in stream(stmt):
        yield (
            cohort or "",
            m,
            e,
            starts_at.strftime("%Y-%m-%d %H:%M"),
            minutes,
            status,
            marked_by,
            moved,
            n,
        )


# The funnel ---------------------------------------------------------------------------------

FUNNEL_HEADER = (
    "pathway",
    "step",
    "step id",
    "title",
    "people it is for",
    "reached",
    "completed",
    "check answers counted",
    "right first time",
    "right first time %",
)


def funnel_rows(scope: Scope, view: LibraryView) -> Iterator[Sequence[object]]:
    """Yield a row per step of every pathway for mentors or executives."""
    for pathway in funnel_pathways(view):
        funnel = get_funnel(scope, view, pathway.id)
        if funnel is None:
            continue
        for step in funnel.steps:
            right = sum(c.first_right for c in step.checks)
            yield (
                pathway.title,
                step.number,
                step.step_id,
                step.title,
                funnel.audience_size,
                step.reached,
                step.completed,
                step.answered,
                right,
                round(100 * right / step.answered) if step.answered else "",
            )
