"""The rules of the pair page: who may open it, the agreement, action items, progress.

Only the pair's two people open it. While the pair is active both see everything on it; once it
has ended, each former partner sees the agreement as it was and their own things (their action
items and what they had shared), read-only, and nothing the other shares. Leads never open it:
they see health and counts on their own pages, never the agreement's text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from upward import prefetch, progress, sharing
from upward.extensions import db
from upward.health import Health, get_health
from upward.meetings import services as meeting_services
from upward.meetings import times
from upward.models import (
    ActionItem,
    Agreement,
    Cohort,
    Meeting,
    Pair,
    PairShare,
    TemplateEntry,
    User,
)
from upward.models.types import utcnow
from upward.viewer import LibraryView
from upward.vocabulary import PROGRAM_THEMES

VISIBLE_STATUSES = ("active", "ended")
"""A proposed or declined pair has no page yet (or any more): the proposal page covers it."""

CADENCES = {7: "Every week", 14: "Every two weeks", 21: "Every three weeks", 28: "Every four weeks"}
"""The meeting rhythms a pair can agree (two weeks is the program's default)."""
SESSION_LENGTHS = (30, 45, 60, 90)
"""Session lengths in minutes a pair can agree."""

AGREEMENT_FIELDS = (
    "goals",
    "scope",
    "themes",
    "session_format",
    "session_minutes",
    "cadence_days",
    "confidentiality",
)


@dataclass(frozen=True, slots=True)
class MyPair:
    """One of a person's active pairs on their dashboard: the partner and the next session."""

    pair_id: int
    partner_name: str
    next_session: str | None
    """When the next planned session is, in the person's zone ('tomorrow at 09:30'), if any."""


def list_my_pairs(user_id: int, now: datetime | None = None) -> list[MyPair]:
    """Return a person's active pairs, partner and next session (the dashboard read them)."""
    now = now or utcnow()
    found = prefetch.get(user_id)
    if found and found.plan.entries:
        rows = [(r.pair_id, r.partner_name, r.next_at) for r in found.pairs]
        zone = times.zone_name(found.time_zone)
    else:
        choices = sharing.list_pair_choices(user_id)
        starts = dict(
            db.session.execute(
                select(Meeting.pair_id, func.min(Meeting.starts_at))
                .where(
                    Meeting.pair_id.in_([c.pair_id for c in choices]),
                    Meeting.status == "planned",
                    Meeting.starts_at > now,
                )
                .group_by(Meeting.pair_id)
            ).all()
        )
        rows = [(c.pair_id, c.partner_name, starts.get(c.pair_id)) for c in choices]
        zone = meeting_services.get_time_zone(user_id)

    def when(starts_at: datetime | None) -> str | None:
        if starts_at is None:
            return None
        return f"{times.relative_day(starts_at, zone, now)} at {times.local(starts_at, zone):%H:%M}"

    return [
        MyPair(pair_id, name, when(starts_at))
        for pair_id, name, starts_at in sorted(rows, key=lambda r: (r[1], r[0]))
    ]


def get_pair_for(pair_id: int, user_id: int) -> Pair | None:
    """Return a pair if this person is one of its two people and it has a page; else None."""
    pair = db.session.get(Pair, pair_id)
    if pair is None or user_id not in (pair.mentor_id, pair.executive_id):
        return None
    return pair if pair.status in VISIBLE_STATUSES else None


def get_active_pair_for(pair_id: int, user_id: int) -> Pair | None:
    """Return a pair this person is in and that is under way: the only kind anyone changes."""
    pair = get_pair_for(pair_id, user_id)
    return pair if pair is not None and pair.is_active else None


def get_partner(pair: Pair, user_id: int) -> User:
    """Return the other person of a pair."""
    partner = db.session.get(User, pair.partner_of(user_id))
    assert partner is not None
    return partner


# The agreement --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgreementText:
    """What an agreement says, as a form sends it or a row holds it."""

    goals: str = ""
    scope: str = ""
    themes: tuple[str, ...] = ()
    session_format: str = "video"
    session_minutes: int = 45
    cadence_days: int = 14
    confidentiality: str = ""

    @classmethod
    def of(cls, agreement: Agreement | None, pair: Pair) -> AgreementText:
        """Return what a saved agreement says (the defaults when there is none yet)."""
        if agreement is None:
            return cls(cadence_days=pair.cadence_days)
        return cls(
            goals=agreement.goals,
            scope=agreement.scope,
            themes=tuple(agreement.themes or ()),
            session_format=agreement.session_format,
            session_minutes=agreement.session_minutes,
            cadence_days=pair.cadence_days,
            confidentiality=agreement.confidentiality,
        )

    def as_data(self) -> dict[str, Any]:
        """Return the text as form data."""
        return {name: getattr(self, name) for name in AGREEMENT_FIELDS} | {
            "themes": list(self.themes)
        }

    @property
    def is_blank(self) -> bool:
        """Tell whether nothing has been written yet."""
        return not (self.goals.strip() or self.scope.strip() or self.confidentiality.strip())


class AgreementConflict(Exception):
    """Someone saved the agreement after this person opened it: nothing was overwritten."""

    def __init__(self, current: Agreement | None, by: User | None) -> None:
        super().__init__("the agreement changed meanwhile")
        self.current = current
        self.by = by


def get_agreement(pair: Pair) -> Agreement | None:
    """Return a pair's agreement, if they have written one."""
    return db.session.get(Agreement, pair.id)


def get_theme_choices(pair: Pair) -> list[str]:
    """Return the themes a pair can choose from: their cohort's list, else the program's."""
    cohort = db.session.get(Cohort, pair.cohort_id) if pair.cohort_id else None
    return list(cohort.themes) if cohort and cohort.themes else list(PROGRAM_THEMES)


def save_agreement(pair: Pair, user_id: int, text: AgreementText, version: int) -> Agreement:
    """Save the agreement from the version the person started from; clear both "I agree"s.

    Saving from an older version raises AgreementConflict with what is saved now: one person's
    edit never silently overwrites the other's. Sending the same text again (a double click)
    changes nothing.
    """
    current = get_agreement(pair)
    if current is not None and AgreementText.of(current, pair) == text:
        return current  # nothing changed: keep the version and both agreements
    values: dict[str, Any] = {
        "goals": text.goals,
        "scope": text.scope,
        "themes": list(text.themes),
        "session_format": text.session_format,
        "session_minutes": text.session_minutes,
        "confidentiality": text.confidentiality,
        "updated_by_id": user_id,
        "updated_at": utcnow(),
        "mentor_agreed_at": None,
        "executive_agreed_at": None,
    }
    if current is None:
        if version != 0:
            raise AgreementConflict(None, None)
        db.session.add(Agreement(pair_id=pair.id, version=1, **values))
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            raise conflict(pair) from None
    else:
        # The version check and the write are one statement: of two saves from one version,
        # exactly one matches.
        result = db.session.execute(
            update(Agreement)
            .where(Agreement.pair_id == pair.id, Agreement.version == version)
            .values(version=Agreement.version + 1, **values)
            .execution_options(synchronize_session=False)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            db.session.rollback()
            raise conflict(pair)
    pair.cadence_days = text.cadence_days
    db.session.commit()
    saved = get_agreement(pair)
    assert saved is not None
    db.session.refresh(saved)
    return saved


def conflict(pair: Pair) -> AgreementConflict:
    """Return the conflict to raise, with the agreement as saved now and who saved it."""
    db.session.expire_all()
    current = get_agreement(pair)
    by = db.session.get(User, current.updated_by_id) if current and current.updated_by_id else None
    return AgreementConflict(current, by)


def agree(pair: Pair, user_id: int, version: int) -> bool:
    """Record that a partner agrees to this version; False when it changed since they read it."""
    column = "mentor_agreed_at" if pair.role_of(user_id) == "mentor" else "executive_agreed_at"
    agreement_at = getattr(Agreement, column)
    result = db.session.execute(
        update(Agreement)
        .where(Agreement.pair_id == pair.id, Agreement.version == version)
        .where(agreement_at.is_(None))
        .values({column: utcnow()})
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount:  # type: ignore[attr-defined]
        return True
    current = get_agreement(pair)
    db.session.refresh(current) if current else None
    # Already agreed to this very version (a double click) counts as agreed.
    return current is not None and current.version == version and bool(getattr(current, column))


# Action items ---------------------------------------------------------------------------------


class ActionError(ValueError):
    """An action item that can't be added as asked, with the reason to show."""


def list_actions(pair: Pair, only_owner: int | None = None) -> list[ActionItem]:
    """Return a pair's action items: open ones first by due date, then done ones."""
    query = select(ActionItem).where(ActionItem.pair_id == pair.id)
    if only_owner is not None:
        query = query.where(ActionItem.owner_id == only_owner)
    items = list(db.session.scalars(query.order_by(ActionItem.created_at, ActionItem.id)))
    return sorted(
        items, key=lambda a: (a.done_at is not None, a.due_on is None, a.due_on or date.max)
    )


def add_action(
    pair: Pair,
    user_id: int,
    *,
    what: str,
    owner_id: int,
    due_on: date | None,
    submission: str | None,
    today: date,
) -> tuple[ActionItem, bool]:
    """Add an action item once per submission; return it and whether it is new."""
    if owner_id not in (pair.mentor_id, pair.executive_id):
        raise ActionError("Choose one of the two of you.")
    if due_on is not None and due_on < today:
        raise ActionError(f"“By when” is in the past ({due_on:%-d %b %Y}): choose a later date.")
    if submission:
        kept = db.session.scalar(select(ActionItem).where(ActionItem.submission_id == submission))
        if kept is not None:
            if kept.pair_id != pair.id:
                raise ActionError("This form was already used: reload the page and try again.")
            return kept, False
    item = ActionItem(
        pair_id=pair.id,
        what=what.strip(),
        owner_id=owner_id,
        due_on=due_on,
        created_by_id=user_id,
        submission_id=submission or None,
    )
    db.session.add(item)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        kept = db.session.scalar(select(ActionItem).where(ActionItem.submission_id == submission))
        if kept is None or kept.pair_id != pair.id:
            raise
        return kept, False
    return item, True


def get_action(pair: Pair, action_id: int) -> ActionItem | None:
    """Return one of this pair's action items, or None."""
    item = db.session.get(ActionItem, action_id)
    return item if item is not None and item.pair_id == pair.id else None


def set_done(item: ActionItem, done: bool) -> None:
    """Mark an action item done or not done (setting, not toggling: a double click is safe)."""
    if done and item.done_at is None:
        item.done_at = utcnow()
    elif not done:
        item.done_at = None
    db.session.commit()


# The page -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SharedItem:
    """A filled-in template shared in this pair, as the pair page lists it."""

    entry: TemplateEntry
    share: PairShare
    author: User
    is_mine: bool


@dataclass(frozen=True, slots=True)
class TrackProgress:
    """How far one partner is through one pathway of their track: completion only."""

    title: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass(frozen=True, slots=True)
class PersonProgress:
    """One partner and their pathways' completion (never their notes or answers)."""

    person: User
    role: str
    tracks: tuple[TrackProgress, ...]


@dataclass(frozen=True)
class Space:
    """Everything the pair page shows one of the partners."""

    pair: Pair
    viewer: User
    partner: User
    mentor: User
    executive: User
    health: Health
    agreement: Agreement | None
    text: AgreementText
    actions: list[ActionItem]
    shared: list[SharedItem]
    progress: list[PersonProgress]
    themes: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.pair.is_active

    @property
    def viewer_role(self) -> str:
        return self.pair.role_of(self.viewer.id)

    def agreed_at(self, user_id: int) -> datetime | None:
        """Return when a partner agreed to the current version of the agreement."""
        if self.agreement is None:
            return None
        if self.pair.role_of(user_id) == "mentor":
            return self.agreement.mentor_agreed_at
        return self.agreement.executive_agreed_at


def get_space(pair: Pair, viewer: User, view: LibraryView, now: datetime) -> Space:
    """Gather the pair page for one of its partners; an ended pair shows only the viewer's own."""
    people = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(User.id.in_((pair.mentor_id, pair.executive_id)))
        )
    }
    partner = people[pair.partner_of(viewer.id)]
    agreement = get_agreement(pair)
    if pair.is_active:
        actions = list_actions(pair)
        shared = list_shared(pair, viewer.id, people)
        tracks = [person_progress(view, people[uid], pair) for uid in (viewer.id, partner.id)]
    else:
        actions = list_actions(pair, only_owner=viewer.id)
        shared = [s for s in list_shared(pair, viewer.id, people) if s.is_mine]
        tracks = []
    return Space(
        pair=pair,
        viewer=viewer,
        partner=partner,
        mentor=people[pair.mentor_id],
        executive=people[pair.executive_id],
        health=get_health([pair.id], now)[pair.id],
        agreement=agreement,
        text=AgreementText.of(agreement, pair),
        actions=actions,
        shared=shared,
        progress=tracks,
        themes=get_theme_choices(pair),
    )


def list_shared(pair: Pair, viewer_id: int, people: dict[int, User]) -> list[SharedItem]:
    """Return what each partner shares in this pair (saved copies), newest first."""
    return [
        SharedItem(entry, share, people[entry.user_id], entry.user_id == viewer_id)
        for entry, share in sharing.list_pair_entries(pair)
    ]


def person_progress(view: LibraryView, person: User, pair: Pair) -> PersonProgress:
    """Return a partner's completion of their own track's pathways (counts only)."""
    role = pair.role_of(person.id)
    completions = progress.get_completions(person.id)
    tracks = tuple(
        TrackProgress(p.pathway.title, p.done, p.total)
        for p in (
            progress.get_progress(view, pathway, completions)
            for pathway in view.pathways()
            if pathway.audience == role
        )
    )
    return PersonProgress(person, role, tracks)
