"""A pair's life: proposed by a lead, accepted or declined by both partners, ended by a lead.

Each change is one conditional UPDATE (or an insert that the open-pair unique index guards), so
a double click, two tabs, or both partners accepting in the same second change a pair once:

- proposed -> active when the second partner accepts (started_at: health counts from there);
- proposed -> declined when either partner declines: both are free to be matched again and the
  leads of the cohort are told;
- proposed or active -> ended when a lead ends it: sharing stops, because sharing looks for an
  active pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.orm import aliased

from upward import prefetch
from upward.database import insert_ignoring_duplicates
from upward.extensions import db
from upward.models import Cohort, Pair, User
from upward.models.pairs import OPEN_STATUSES
from upward.models.types import utcnow
from upward.pairs.suggestions import Proposal


def propose(cohort: Cohort, proposals: Sequence[Proposal], by: User) -> int:
    """Propose pairs in a cohort; return how many were new (a repeat proposes nothing twice)."""
    if not proposals:
        return 0
    executive_ids = [p.executive_id for p in proposals]
    # An executive has one mentor at a time in a cohort: skip anyone paired meanwhile.
    taken = set(
        db.session.scalars(
            select(Pair.executive_id).where(
                Pair.cohort_id == cohort.id,
                Pair.executive_id.in_(executive_ids),
                Pair.status.in_(OPEN_STATUSES),
            )
        )
    )
    made = 0
    for proposal in proposals:
        if proposal.executive_id in taken:
            continue
        inserted = db.session.scalar(
            insert_ignoring_duplicates(
                Pair,
                mentor_id=proposal.mentor_id,
                executive_id=proposal.executive_id,
                cohort_id=cohort.id,
                status="proposed",
                cadence_days=cohort.cadence_days,
                score=proposal.score,
                reasons=list(proposal.reasons),
                proposed_by_id=by.id,
                created_at=utcnow(),
            ).returning(Pair.id)
        )
        made += inserted is not None
    db.session.commit()
    return made


@dataclass(frozen=True, slots=True)
class Proposed:
    """A proposed pair as one partner sees it."""

    pair: Pair
    partner: User
    role: str
    """The viewer's part: 'mentor' or 'executive'."""
    cohort_name: str

    @property
    def accepted(self) -> bool:
        """Tell whether the viewer has accepted already."""
        at = (
            self.pair.mentor_accepted_at
            if self.role == "mentor"
            else self.pair.executive_accepted_at
        )
        return at is not None

    @property
    def partner_accepted(self) -> bool:
        """Tell whether the other partner has accepted."""
        at = (
            self.pair.executive_accepted_at
            if self.role == "mentor"
            else self.pair.mentor_accepted_at
        )
        return at is not None


def list_proposed(user_id: int) -> list[Proposed]:
    """Return the proposed pairs a person is in, oldest first."""
    partner = aliased(User)
    rows = db.session.execute(
        select(Pair, partner, Cohort.name)
        .join(
            partner,
            or_(
                and_(Pair.mentor_id == user_id, partner.id == Pair.executive_id),
                and_(Pair.executive_id == user_id, partner.id == Pair.mentor_id),
            ),
        )
        .outerjoin(Cohort, Cohort.id == Pair.cohort_id)
        .where(Pair.status == "proposed")
        .order_by(Pair.created_at, Pair.id)
    ).all()
    return [Proposed(p, other, p.role_of(user_id), name or "") for p, other, name in rows]


def get_waiting(user_id: int) -> list[prefetch.ProposalRow]:
    """Return the proposed matches a person is in (the dashboard's card), read with the user."""
    found = prefetch.get(user_id)
    if found and found.plan.entries:
        return sorted(found.proposals)
    return [
        prefetch.ProposalRow(p.pair.id, p.partner.name, p.accepted) for p in list_proposed(user_id)
    ]


def get_own_pair(pair_id: int, user_id: int) -> Pair | None:
    """Return a pair the person is in, or None (other people's pairs do not exist for them)."""
    pair = db.session.get(Pair, pair_id)
    if pair is None or user_id not in (pair.mentor_id, pair.executive_id):
        return None
    return pair


def get_partner(pair: Pair, user_id: int) -> User:
    """Return the other person in a pair."""
    partner = db.session.get(User, pair.partner_of(user_id))
    assert partner is not None  # a pair's people are deleted with it
    return partner


def waiting_for(pair: Pair) -> set[int]:
    """Return the ids of the partners who have still to accept a proposed pair."""
    if pair.status != "proposed":
        return set()
    waiting = set()
    if pair.mentor_accepted_at is None:
        waiting.add(pair.mentor_id)
    if pair.executive_accepted_at is None:
        waiting.add(pair.executive_id)
    return waiting


class Closed(ValueError):
    """The pair is no longer proposed: withdrawn, declined or started meanwhile."""


def accept(pair: Pair, user_id: int) -> bool:
    """Accept a proposed pair for one partner; return True when that made the pair active."""
    mine = Pair.mentor_accepted_at if pair.mentor_id == user_id else Pair.executive_accepted_at
    now = utcnow()
    done = db.session.execute(
        update(Pair)
        .where(Pair.id == pair.id, Pair.status == "proposed", mine.is_(None))
        .values({mine: now})
    )
    if not rowcount(done):
        db.session.rollback()
        db.session.refresh(pair)
        if pair.status != "proposed":
            raise Closed(pair.status)
        return False  # accepted already: a second click changes nothing
    started = db.session.execute(
        update(Pair)
        .where(
            Pair.id == pair.id,
            Pair.status == "proposed",
            Pair.mentor_accepted_at.is_not(None),
            Pair.executive_accepted_at.is_not(None),
        )
        .values(status="active", started_at=now)
    )
    db.session.commit()
    return bool(rowcount(started))


def decline(pair: Pair, user_id: int, note: str = "") -> bool:
    """Decline a proposed pair, with a note for its leads; False when no longer proposed."""
    done = db.session.execute(
        update(Pair)
        .where(Pair.id == pair.id, Pair.status == "proposed")
        .values(
            status="declined",
            declined_by_id=user_id,
            decline_note=note.strip() or None,
            ended_at=utcnow(),
        )
    )
    db.session.commit()
    return bool(rowcount(done))


def end(pair: Pair, by: User) -> bool:
    """End a pair (or withdraw a proposal); return False when it had ended already."""
    done = db.session.execute(
        update(Pair)
        .where(Pair.id == pair.id, Pair.status.in_(OPEN_STATUSES))
        .values(status="ended", ended_at=utcnow(), ended_by_id=by.id)
    )
    db.session.commit()
    return bool(rowcount(done))


def rowcount(result: object) -> int:
    """Return how many rows an UPDATE changed."""
    return cast(CursorResult, result).rowcount
