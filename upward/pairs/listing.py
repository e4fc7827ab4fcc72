"""The lead's list of pairs: every pair of the cohorts they lead, the ones at risk first.

Health comes from `upward.health` (the one home of its rules); this module only orders by it.
Leads see names, status, dates and the reasons; never what partners wrote.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from upward.extensions import db
from upward.health import Health, get_health
from upward.models import Cohort, Pair, User
from upward.models.types import utcnow

ORDER = {"at-risk": 0, "waiting": 1, "on-track": 2, "declined": 3, "ended": 4}
"""How the list is ordered: what needs the lead first."""


@dataclass(frozen=True, slots=True)
class PairLine:
    """One pair on the lead's list."""

    pair: Pair
    mentor: User
    executive: User
    cohort: Cohort | None
    health: Health
    declined_by: User | None

    @property
    def level(self) -> str:
        """Return the line's group: a health level, or 'declined'."""
        return "declined" if self.pair.status == "declined" else self.health.level

    @property
    def waiting_for(self) -> list[User]:
        """Return who has still to accept a proposed pair."""
        if self.pair.status != "proposed":
            return []
        waiting = []
        if self.pair.mentor_accepted_at is None:
            waiting.append(self.mentor)
        if self.pair.executive_accepted_at is None:
            waiting.append(self.executive)
        return waiting


def list_pairs(cohort_ids: Collection[int] | None, now: datetime | None = None) -> list[PairLine]:
    """Return the pairs of some cohorts (None: every pair, for admins), at risk first."""
    now = now or utcnow()
    mentor, executive, decliner = aliased(User), aliased(User), aliased(User)
    query = (
        select(Pair, mentor, executive, Cohort, decliner)
        .join(mentor, mentor.id == Pair.mentor_id)
        .join(executive, executive.id == Pair.executive_id)
        .outerjoin(Cohort, Cohort.id == Pair.cohort_id)
        .outerjoin(decliner, decliner.id == Pair.declined_by_id)
    )
    if cohort_ids is not None:
        query = query.where(Pair.cohort_id.in_(list(cohort_ids)))
    rows = db.session.execute(query).all()
    health = get_health([row[0].id for row in rows], now)
    lines = [PairLine(p, m, e, c, health.get(p.id, Health("ended")), d) for p, m, e, c, d in rows]
    lines.sort(key=sort_key)
    return lines


def sort_key(line: PairLine) -> tuple[int, int, float, str]:
    """Order: at risk (most reasons first), waiting, on track, declined, ended (newest first)."""
    closed = line.pair.ended_at or line.pair.created_at
    recent = -closed.timestamp() if line.level in ("declined", "ended") else 0.0
    return (ORDER[line.level], -len(line.health.reasons), recent, line.mentor.name)


def get_pair_line(pair_id: int) -> PairLine | None:
    """Return one pair as the lead's list shows it, or None."""
    pair = db.session.get(Pair, pair_id)
    if pair is None:
        return None
    mentor, executive = (
        db.session.get(User, pair.mentor_id),
        db.session.get(User, pair.executive_id),
    )
    assert mentor is not None and executive is not None
    cohort = db.session.get(Cohort, pair.cohort_id) if pair.cohort_id else None
    health = get_health([pair.id], utcnow()).get(pair.id, Health("ended"))
    declined_by = db.session.get(User, pair.declined_by_id) if pair.declined_by_id else None
    return PairLine(pair, mentor, executive, cohort, health, declined_by)


def led_cohorts(cohort_ids: Collection[int] | None) -> list[Cohort]:
    """Return the cohorts a lead leads (None: all), the running ones first, then by name."""
    query = select(Cohort).order_by(Cohort.archived_at.is_not(None), Cohort.starts_on.desc())
    if cohort_ids is not None:
        query = query.where(Cohort.id.in_(list(cohort_ids)))
    return list(db.session.scalars(query))
