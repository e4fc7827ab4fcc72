"""The program lead's report: uptake of each pathway and which pairs have gone quiet.

It counts and dates what people did; it never reads what they wrote. Notes, answers and
filled-in templates stay private to their authors (and the partners they share with).
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from upward.content import Library, Pathway
from upward.extensions import db
from upward.models import Completion, Pair, TemplateEntry, User
from upward.models.types import utcnow

QUIET_AFTER = timedelta(days=21)
"""Three weeks without a saved template: at a bi-weekly rhythm, a session has been missed."""


@dataclass(frozen=True, slots=True)
class PathwayUptake:
    """How many people started and finished a pathway."""

    pathway: Pathway
    started: int
    completed: int


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


def get_report(library: Library, now: datetime | None = None) -> Report:
    """Build the report in four grouped queries, whatever the number of people or steps."""
    now = now or utcnow()
    done_by_user = get_completed_steps()
    pathways = library.visible_pathways()
    return Report(
        people=count_people(),
        uptake=[get_uptake(library, p, done_by_user) for p in pathways],
        pairs=get_pair_health(library, done_by_user, now),
    )


def count_people() -> dict[str, int]:
    """Return how many accounts there are per role."""
    rows = db.session.execute(select(User.role, func.count()).group_by(User.role))
    return dict(rows.all())


def get_completed_steps() -> dict[int, set[str]]:
    """Return each person's completed step ids."""
    done: dict[int, set[str]] = defaultdict(set)
    for user_id, step_id in db.session.execute(select(Completion.user_id, Completion.step_id)):
        done[user_id].add(step_id)
    return done


def get_uptake(library: Library, pathway: Pathway, done: dict[int, set[str]]) -> PathwayUptake:
    """Count the people who started and who finished a pathway (its current steps)."""
    steps = {page.id for page in library.steps(pathway)}
    counts = Counter(
        "completed" if steps <= finished else "started"
        for finished in done.values()
        if steps & finished
    )
    return PathwayUptake(pathway, counts["started"] + counts["completed"], counts["completed"])


def get_track_steps(library: Library, audience: str) -> frozenset[str]:
    """Return the ids of every published step in the pathways for an audience."""
    return frozenset(
        page.id
        for pathway in library.visible_pathways()
        if pathway.audience == audience
        for page in library.steps(pathway)
    )


def get_percent(track: frozenset[str], finished: set[str]) -> int:
    """Return how much of a track a person has completed."""
    return round(100 * len(track & finished) / len(track)) if track else 0


def get_pair_health(library: Library, done: dict[int, set[str]], now: datetime) -> list[PairHealth]:
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
    )
    tracks = {role: get_track_steps(library, role) for role in ("mentor", "executive")}
    pairs = [make_health(row, saved, done, tracks, now) for row in rows]
    return sorted(pairs, key=lambda p: (not p.is_quiet, p.last_saved or p.paired_on))


def make_health(
    row: tuple,
    saved: dict[int, tuple[int, datetime]],
    done: dict[int, set[str]],
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
        mentor_percent=get_percent(tracks["mentor"], done.get(mentor_id, set())),
        executive_percent=get_percent(tracks["executive"], done.get(executive_id, set())),
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
