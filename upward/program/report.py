"""The program lead's report: uptake of each pathway and which pairs have gone quiet.

It counts and dates what people did; it never reads what they wrote. Notes, answers and
filled-in templates stay private to their authors (and the partners they share with).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from upward import progress
from upward.extensions import db
from upward.models import Pair, TemplateEntry, User
from upward.models.types import utcnow
from upward.progress import DoneSteps, PathwayUptake
from upward.viewer import LibraryView

QUIET_AFTER = timedelta(days=21)
"""Three weeks without a saved template: at a bi-weekly rhythm, a session has been missed."""


@dataclass(frozen=True, slots=True)
class PairHealth:
    """One pair's signs of life: templates saved by either partner, and their progress."""

    mentor: str
    executive: str
    paired_on: datetime
    saved: int
    last_saved: datetime | None
    mentor_percent: int
    executive_percent: int
    is_quiet: bool
    """No template saved for three weeks (or since pairing, once three weeks have passed)."""


@dataclass(frozen=True, slots=True)
class Report:
    """Everything on the program report."""

    people: dict[str, int]
    uptake: list[PathwayUptake]
    pairs: list[PairHealth]

    @property
    def quiet(self) -> list[PairHealth]:
        return [pair for pair in self.pairs if pair.is_quiet]


def get_report(view: LibraryView, now: datetime | None = None) -> Report:
    """Build the report in four grouped queries, whatever the number of people or steps.

    `view` is what the report counts: the published library (see viewer.published).
    """
    now = now or utcnow()
    done = progress.get_done_steps()
    return Report(
        people=count_people(),
        uptake=progress.get_uptake(view, done),
        pairs=get_pair_health(view, done, now),
    )


def count_people() -> dict[str, int]:
    """Return how many accounts there are per role."""
    rows = db.session.execute(select(User.role, func.count()).group_by(User.role))
    return dict(rows.all())


def get_pair_health(view: LibraryView, done: DoneSteps, now: datetime) -> list[PairHealth]:
    """Return every pair with its activity, quiet pairs first."""
    saved = dict(
        (user_id, (count, last))
        for user_id, count, last in db.session.execute(
            select(TemplateEntry.user_id, func.count(), func.max(TemplateEntry.created_at))
            .where(TemplateEntry.is_draft.is_(False))
            .group_by(TemplateEntry.user_id)
        )
    )
    mentor, executive = aliased(User), aliased(User)
    rows = db.session.execute(
        select(Pair.created_at, mentor.id, mentor.name, executive.id, executive.name)
        .join(mentor, Pair.mentor_id == mentor.id)
        .join(executive, Pair.executive_id == executive.id)
        .where(Pair.status == "active")
    )
    tracks = {role: progress.get_track_steps(view, role) for role in ("mentor", "executive")}
    pairs = [make_health(row, saved, done, tracks, now) for row in rows]
    return sorted(pairs, key=lambda p: (not p.is_quiet, p.last_saved or p.paired_on))


def make_health(
    row: tuple,
    saved: dict[int, tuple[int, datetime]],
    done: DoneSteps,
    tracks: dict[str, frozenset[str]],
    now: datetime,
) -> PairHealth:
    """Combine a pair's row with both partners' saved templates and progress."""
    paired_on, mentor_id, mentor_name, executive_id, executive_name = row
    activity = [saved[uid] for uid in (mentor_id, executive_id) if uid in saved]
    last = max((when for _, when in activity), default=None)
    return PairHealth(
        mentor=mentor_name,
        executive=executive_name,
        paired_on=paired_on,
        saved=sum(count for count, _ in activity),
        last_saved=last,
        mentor_percent=progress.get_percent(tracks["mentor"], done.get(mentor_id, ())),
        executive_percent=progress.get_percent(tracks["executive"], done.get(executive_id, ())),
        is_quiet=now - (last or paired_on) > QUIET_AFTER,
    )


def to_csv(report: Report) -> str:
    """Return the pairs of a report as CSV, for the lead's own reporting."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "mentor",
            "executive",
            "paired on",
            "templates saved",
            "last saved",
            "mentor track %",
            "executive track %",
            "quiet",
        ]
    )
    for pair in report.pairs:
        writer.writerow(
            [
                safe_cell(pair.mentor),
                safe_cell(pair.executive),
                pair.paired_on.date().isoformat(),
                pair.saved,
                pair.last_saved.date().isoformat() if pair.last_saved else "",
                pair.mentor_percent,
                pair.executive_percent,
                "yes" if pair.is_quiet else "no",
            ]
        )
    return out.getvalue()


def safe_cell(text: str) -> str:
    """Keep a spreadsheet from reading a name like '=HYPERLINK(...)' as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
