"""A cohort's matching run: who is waiting, read from the database, and what matching suggests.

The rules of a good match live in `upward.matching` (pure); this module only reads the cohort's
memberships and profiles into candidates, works out each mentor's room (their own limit under the
cohort's, less the pairs they are in), and checks a lead's choices against the same rules.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from upward.extensions import db
from upward.matching import Candidate, Result, Rules, Scored, explain, suggest
from upward.models import Cohort, Membership, Pair, Profile, User
from upward.models.pairs import OPEN_STATUSES
from upward.models.types import utcnow


@dataclass(frozen=True, slots=True)
class Row:
    """One waiting executive on the matching page: the suggestion, or why there is none."""

    executive: User
    mentor: User | None
    score: float | None
    reasons: tuple[str, ...]
    unmatched: str | None
    options: tuple[tuple[User, float], ...]
    """The mentors the lead may choose instead, with their scores, best first."""

    @property
    def weak(self) -> bool:
        """Tell whether the suggestion is worth a second look."""
        return self.score is not None and self.score < 40


@dataclass(frozen=True)
class Run:
    """Everything the matching page shows for one cohort."""

    cohort: Cohort
    rows: list[Row]
    free_mentors: list[tuple[User, str]]
    places: int
    open_pairs: int
    on: date
    candidates: dict[int, Candidate] = field(default_factory=dict)
    rules: Rules = field(default_factory=Rules)
    room: dict[int, int] = field(default_factory=dict)
    """Each waiting mentor's free places."""
    people: dict[int, User] = field(default_factory=dict)

    @property
    def suggested(self) -> list[Row]:
        """Return the rows with a suggestion."""
        return [row for row in self.rows if row.mentor is not None]

    @property
    def unmatched(self) -> list[Row]:
        """Return the rows matching could not fill."""
        return [row for row in self.rows if row.mentor is None]


def get_cohort(cohort_id: int) -> Cohort | None:
    """Return a cohort, or None."""
    return db.session.get(Cohort, cohort_id)


def mentor_limit(cohort: Cohort, membership: Membership) -> int:
    """Return how many executives a mentor may take in a cohort: their own limit, never more."""
    if membership.capacity is None:
        return cohort.mentor_capacity
    return max(0, min(membership.capacity, cohort.mentor_capacity))


def candidate(user: User, membership: Membership, profile: Profile | None, room: int) -> Candidate:
    """Return a member as matching sees them."""
    return Candidate(
        id=user.id,
        name=user.name,
        email=user.email,
        themes=tuple(membership.themes or ()),
        skills=tuple(membership.skills or ()),
        department=profile.department if profile else "",
        level_band=profile.level_band if profile else "",
        time_zone=(profile.time_zone if profile else "") or "UTC",
        availability=tuple(profile.availability or ()) if profile else (),
        manager_email=profile.manager_email if profile else "",
        capacity=room,
    )


def run_matching(cohort: Cohort, on: date | None = None) -> Run:
    """Read who in the cohort is waiting for a partner and return matching's suggestions."""
    on = on or utcnow().date()
    members = db.session.execute(
        select(Membership, User, Profile)
        .join(User, User.id == Membership.user_id)
        .outerjoin(Profile, Profile.user_id == User.id)
        .where(
            Membership.cohort_id == cohort.id,
            Membership.left_at.is_(None),
            User.deactivated_at.is_(None),
        )
        .order_by(User.name, User.id)
    ).all()
    pairs = db.session.execute(
        select(Pair.mentor_id, Pair.executive_id, Pair.status).where(Pair.cohort_id == cohort.id)
    ).all()
    in_pairs = Counter(m for m, _, status in pairs if status in OPEN_STATUSES)
    paired_execs = {e for _, e, status in pairs if status in OPEN_STATUSES}
    declined = frozenset((m, e) for m, e, status in pairs if status == "declined")
    rules = Rules(avoid_same_department=cohort.avoid_same_department, declined=declined)
    people: dict[int, User] = {}
    executives: list[Candidate] = []
    mentors: list[Candidate] = []
    room: dict[int, int] = {}
    for membership, user, profile in members:
        people[user.id] = user
        if membership.role == "executive" and user.id not in paired_execs:
            executives.append(candidate(user, membership, profile, 1))
        elif membership.role == "mentor":
            free = max(0, mentor_limit(cohort, membership) - in_pairs[user.id])
            room[user.id] = free
            mentors.append(candidate(user, membership, profile, free))
    result = suggest(executives, mentors, rules, on)
    open_pairs = sum(1 for *_, status in pairs if status in OPEN_STATUSES)
    return make_run(cohort, result, executives, mentors, people, rules, room, on, open_pairs)


def make_run(
    cohort: Cohort,
    result: Result,
    executives: list[Candidate],
    mentors: list[Candidate],
    people: dict[int, User],
    rules: Rules,
    room: dict[int, int],
    on: date,
    open_pairs: int,
) -> Run:
    """Return the page's rows: suggestions best first, then the executives left out."""
    by_exec = {s.executive_id: s for s in result.suggestions}
    left_out = {u.person_id: u.reason for u in result.executives}
    rows = []
    for executive in executives:
        found = by_exec.get(executive.id)
        options = tuple((people[m], score) for m, score in result.options.get(executive.id, ()))
        rows.append(
            Row(
                executive=people[executive.id],
                mentor=people[found.mentor_id] if found else None,
                score=found.score if found else None,
                reasons=found.reasons if found else (),
                unmatched=left_out.get(executive.id),
                options=options,
            )
        )
    rows.sort(key=lambda row: (row.mentor is None, -(row.score or 0)))
    free = [(people[u.person_id], u.reason) for u in result.mentors]
    return Run(
        cohort=cohort,
        rows=rows,
        free_mentors=free,
        places=result.places,
        open_pairs=open_pairs,
        on=on,
        candidates={c.id: c for c in (*executives, *mentors)},
        rules=rules,
        room=room,
        people=people,
    )


class ChoiceError(ValueError):
    """The lead's choices break a rule: a mentor over their places, or a forbidden pair."""


@dataclass(frozen=True, slots=True)
class Proposal:
    """A pair the lead chose to propose, with its score and reasons."""

    executive_id: int
    mentor_id: int
    score: float
    reasons: tuple[str, ...]


def refused(mentor: Candidate, executive: Candidate, rule: str) -> str:
    """Say which hard rule forbids a pairing the lead chose."""
    both = f"{mentor.name} and {executive.name}"
    if rule == "line manager":
        return f"{both} can't be paired: one is the other's line manager."
    if rule == "department":
        return (
            f"{both} are both in {executive.department}, and this cohort keeps departments apart."
        )
    return f"{both} can't be proposed again: one of them declined this match."


def check_choices(run: Run, choices: dict[int, int]) -> list[Proposal]:
    """Return the lead's choices (executive id -> mentor id) as proposals, or refuse them.

    Each choice is checked against the hard rules and each mentor's free places; a choice the
    lead made over matching's suggestion gets its own score and reasons.
    """
    errors = []
    proposals = []
    for executive_id, mentor_id in choices.items():
        executive, mentor = run.candidates.get(executive_id), run.candidates.get(mentor_id)
        if executive is None or mentor is None or mentor_id not in run.room:
            errors.append("One of the people chosen is no longer waiting for a partner.")
            continue
        found = explain(mentor, executive, run.rules, run.on)
        if not isinstance(found, Scored):
            errors.append(refused(mentor, executive, found))
            continue
        proposals.append(Proposal(executive_id, mentor_id, found.score, found.reasons))
    chosen = Counter(choices.values())
    for mentor_id, count in chosen.items():
        places = run.room.get(mentor_id, 0)
        if mentor_id in run.candidates and count > places:
            name = run.candidates[mentor_id].name
            errors.append(
                f"{name} has room for {places} more executive{'s' if places != 1 else ''}; "
                f"you chose them for {count}. Choose someone else for "
                f"{'one' if count - places == 1 else count - places} of them."
            )
    if errors:
        raise ChoiceError(" ".join(dict.fromkeys(errors)))
    return proposals
