"""One round trip for a learner page: the signed-in person and what the page shows of theirs.

Flask-Login loads the user lazily. On the learner pages (home, dashboard, a pathway, a step),
the user loader asks `load_user` here, which reads the user row together with the page's own
reads in one SQL statement, on a connection in autocommit mode (so PostgreSQL sees no BEGIN and
no ROLLBACK either). The page's services then find their rows in `g` instead of querying:

- completions of the steps the page shows (not all of the person's),
- on a step, the person's answers and notes on that step,
- on the dashboard, all of the person's notes and filled-in templates, their partners, the
  proposed matches waiting for their answer, and the cohorts they have a pair in (surveys).

Every other page, and every POST, loads the user through the ORM session as before. The user
object is attached to the session without SQL, so it behaves like one loaded by a query.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from flask import g, has_request_context, request
from sqlalchemy import (
    Boolean,
    Connection,
    Integer,
    Select,
    String,
    bindparam,
    cast,
    func,
    inspect,
    literal_column,
    null,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import aliased, make_transient_to_detached
from sqlalchemy.sql.elements import BindParameter

from upward import sharing
from upward.extensions import db
from upward.models import (
    CheckAnswer,
    Completion,
    Meeting,
    Pair,
    Profile,
    ReflectionNote,
    TemplateEntry,
    User,
)
from upward.models.types import UTCDateTime, utcnow
from upward.publishing import get_library

log = logging.getLogger(__name__)

ALL_COMPLETIONS = select(Completion.step_id, Completion.version, Completion.completed_at).where(
    Completion.user_id == bindparam("user_id")
)


class CompletionRow(NamedTuple):
    step_id: str
    version: str
    completed_at: datetime


class AnswerRow(NamedTuple):
    check_id: str
    choice: int


class NoteRow(NamedTuple):
    prompt_id: str
    text: str
    updated_at: datetime


class StepNoteRow(NamedTuple):
    step_id: str
    prompt_id: str
    text: str
    updated_at: datetime


class ProposalRow(NamedTuple):
    """A proposed match the person is in: the pair, the partner's name, whether they accepted."""

    pair_id: int
    partner_name: str
    accepted: bool


class EntryRow(NamedTuple):
    id: int
    title: str
    is_draft: bool
    shared: bool
    updated_at: datetime


class PairRow(NamedTuple):
    pair_id: int
    partner_id: int
    partner_name: str
    next_at: datetime | None
    """When the pair's next planned session starts, if one is booked."""


class PartialCompletions(dict[str, CompletionRow]):
    """A person's completions of the steps a page shows.

    Asking about another step (the library was reloaded mid-request, say) reads all of the
    person's completions then: one more query, never a wrong answer. The tests that count
    statements catch a page that does this every time.
    """

    def __init__(
        self, rows: Iterable[tuple[str, CompletionRow]], covered: frozenset[str], user_id: int
    ):
        super().__init__(rows)
        self.covered = covered
        self.user_id = user_id

    def _check(self, step_id: object) -> None:
        if step_id in self.covered:
            return
        log.info("completion of %r was not prefetched: reading them all", step_id)
        rows = db.session.execute(ALL_COMPLETIONS, {"user_id": self.user_id})
        for row in rows:
            dict.__setitem__(self, row.step_id, CompletionRow(*row))
        self.covered = frozenset(str(k) for k in (*self.covered, step_id, *self.keys()))

    def get(self, step_id: str, default: Any = None) -> Any:
        self._check(step_id)
        return super().get(step_id, default)

    def __getitem__(self, step_id: str) -> CompletionRow:
        self._check(step_id)
        return super().__getitem__(step_id)

    def __contains__(self, step_id: object) -> bool:
        self._check(step_id)
        return super().__contains__(step_id)


Shape = tuple[bool, bool, bool, bool]
"""What a plan reads: a step's answers and notes, all notes, entries and pairs, every step."""


@dataclass(frozen=True)
class Plan:
    """What a page will read of the signed-in person's, besides the user row."""

    step_ids: frozenset[str] = frozenset()
    activity_step: str | None = None
    all_notes: bool = False
    entries: bool = False
    every_step: bool = False
    """step_ids are every step of the library: read all the person's completions, without a
    list of thousands of ids (rows of steps since removed are read and never asked for)."""

    @property
    def shape(self) -> Shape:
        return (self.activity_step is not None, self.all_notes, self.entries, self.every_step)


@dataclass
class Prefetched:
    """The rows one statement read for this request."""

    user_id: int
    plan: Plan
    completions: PartialCompletions
    answers: dict[str, AnswerRow] = field(default_factory=dict)
    notes: dict[str, NoteRow] = field(default_factory=dict)
    all_notes: list[StepNoteRow] = field(default_factory=list)
    entries: list[EntryRow] = field(default_factory=list)
    partner_ids: set[int] = field(default_factory=set)
    pairs: list[PairRow] = field(default_factory=list)
    proposals: list[ProposalRow] = field(default_factory=list)
    time_zone: str | None = None
    """The person's profile time zone (read on the dashboard only)."""
    paired_cohorts: set[int] = field(default_factory=set)
    """Cohorts the person has (or had) a pair in: a program survey can be open only there."""


def get_plan() -> Plan | None:
    """Return what this request's page reads, or None if it is not a learner page."""
    if not has_request_context() or request.method != "GET":
        return None
    endpoint, args = request.endpoint, request.view_args or {}
    library = get_library()
    if endpoint in ("learn.home", "learn.dashboard"):
        steps = frozenset(s for p in library.pathways.values() for s in p.step_ids)
        dashboard = endpoint == "learn.dashboard"
        return Plan(steps, all_notes=dashboard, entries=dashboard, every_step=True)
    if endpoint == "learn.pathway":
        path = library.pathway(args.get("pathway_id", ""))
        return Plan(frozenset(path.step_ids if path else ()))
    if endpoint == "learn.step":
        path = library.pathway(args.get("pathway_id", ""))
        step_id = args.get("step_id", "")
        return Plan(frozenset((*(path.step_ids if path else ()), step_id)), activity_step=step_id)
    if endpoint == "learn.step_anywhere":
        step_id = args.get("step_id", "")
        return Plan(frozenset({step_id}), activity_step=step_id)
    return None


def load_user(user_id: int) -> User | None | bool:
    """Read the user and the page's rows in one statement; False if the page has no plan."""
    plan = get_plan()
    if plan is None:
        return False
    params: dict[str, Any] = {"user_id": user_id}
    if not plan.every_step:
        params["step_ids"] = sorted(plan.step_ids)
    if plan.activity_step is not None:
        params["step_id"] = plan.activity_step
    if plan.entries:
        params["now"] = utcnow()
    with connect_for_reading() as conn:
        rows = conn.execute(statement(plan.shape), params).all()
    if not rows:
        return None
    user = make_user(rows[0])
    found = Prefetched(user_id, plan, PartialCompletions((), plan.step_ids, user_id))
    if plan.entries:
        found.time_zone = rows[0].x_zone
    for row in rows:
        add_row(found, row)
    found.all_notes.sort(key=lambda note: note.updated_at, reverse=True)
    found.entries.sort(key=lambda entry: entry.updated_at, reverse=True)
    g.upward_prefetched = found
    return user


def connect_for_reading() -> Connection:
    """Return a connection for one read: in autocommit on PostgreSQL (no BEGIN, no ROLLBACK).

    SQLite's driver begins no transaction for a SELECT anyway, and switching the isolation
    level there costs more than the read itself.
    """
    conn = db.engine.connect()
    if conn.dialect.name == "sqlite":
        return conn
    return conn.execution_options(isolation_level="AUTOCOMMIT")


def get(user_id: int | None) -> Prefetched | None:
    """Return what this request prefetched for this person, if anything."""
    if user_id is None or not has_request_context():
        return None
    found: Prefetched | None = g.get("upward_prefetched")
    return found if found is not None and found.user_id == user_id else None


def add_row(found: Prefetched, row: Any) -> None:
    """File one row of the combined statement under its kind."""
    kind = row.x_kind
    if kind == "completion":
        dict.__setitem__(found.completions, row.x_a, CompletionRow(row.x_a, row.x_b, row.x_ts))
    elif kind == "answer":
        found.answers[row.x_a] = AnswerRow(row.x_a, row.x_n)
    elif kind == "note":
        found.notes[row.x_a] = NoteRow(row.x_a, row.x_c, row.x_ts)
    elif kind == "any note":
        found.all_notes.append(StepNoteRow(row.x_a, row.x_b, row.x_c, row.x_ts))
    elif kind == "entry":
        found.entries.append(EntryRow(row.x_n, row.x_c, row.x_f, row.x_g, row.x_ts))
    elif kind == "partner":
        found.partner_ids.add(row.x_n)
        found.pairs.append(PairRow(int(row.x_a), row.x_n, row.x_c, row.x_ts))
    elif kind == "proposal":
        found.proposals.append(ProposalRow(row.x_n, row.x_a, bool(row.x_f)))
    elif kind == "paired cohort":
        found.paired_cohorts.add(row.x_n)


USER_ATTRIBUTES = [(attr.key, attr.columns[0]) for attr in inspect(User).column_attrs]


def make_user(row: Any) -> User:
    """Build the User from its columns and attach it to the session without SQL."""
    user = User(**{key: row[i] for i, (key, _) in enumerate(USER_ATTRIBUTES)})
    make_transient_to_detached(user)
    db.session.add(user)
    return user


STATEMENTS: dict[Shape, Select] = {}


def statement(shape: Shape) -> Select:
    """Return the combined statement for a plan's shape (built once per shape)."""
    if shape not in STATEMENTS:
        STATEMENTS[shape] = build_statement(*shape)
    return STATEMENTS[shape]


def part(kind: str, a: Any, *, b: Any = None, c: Any = None, n: Any = None, **more: Any) -> Any:
    """Return one SELECT of the union, its columns in the shared shape."""
    flag_f, flag_g, ts = more.get("f"), more.get("g"), more.get("ts")
    return select(
        literal_column(f"'{kind}'", String).label("x_kind"),
        a.label("x_a"),
        (b if b is not None else cast(null(), String)).label("x_b"),
        (c if c is not None else cast(null(), String)).label("x_c"),
        (n if n is not None else cast(null(), Integer)).label("x_n"),
        (flag_f if flag_f is not None else cast(null(), Boolean)).label("x_f"),
        (flag_g if flag_g is not None else cast(null(), Boolean)).label("x_g"),
        (ts if ts is not None else cast(null(), UTCDateTime)).label("x_ts"),
    )


def build_statement(activity: bool, all_notes: bool, entries: bool, every_step: bool) -> Select:
    """Build: the user's row, left-joined to a union of the page's rows of theirs."""
    user_id: BindParameter[int] = bindparam("user_id")
    completions = part(
        "completion",
        Completion.step_id,
        b=Completion.version,
        ts=Completion.completed_at,
    ).where(Completion.user_id == user_id)
    if not every_step:
        completions = completions.where(
            Completion.step_id.in_(bindparam("step_ids", expanding=True))
        )
    parts = [completions]
    if activity:
        step_id: BindParameter[str] = bindparam("step_id")
        parts.append(
            part("answer", CheckAnswer.check_id, n=CheckAnswer.choice).where(
                CheckAnswer.user_id == user_id, CheckAnswer.step_id == step_id
            )
        )
        parts.append(
            part(
                "note",
                ReflectionNote.prompt_id,
                c=ReflectionNote.text,
                ts=ReflectionNote.updated_at,
            ).where(ReflectionNote.user_id == user_id, ReflectionNote.step_id == step_id)
        )
    if all_notes:
        parts.append(
            part(
                "any note",
                ReflectionNote.step_id,
                b=ReflectionNote.prompt_id,
                c=ReflectionNote.text,
                ts=ReflectionNote.updated_at,
            ).where(ReflectionNote.user_id == user_id)
        )
    if entries:
        parts.append(
            part(
                "entry",
                TemplateEntry.template_id,
                c=TemplateEntry.title,
                n=TemplateEntry.id,
                f=TemplateEntry.is_draft,
                g=sharing.shared_anywhere(),
                ts=TemplateEntry.updated_at,
            ).where(TemplateEntry.user_id == user_id)
        )
        # The dashboard's entries and pairs go together: one plan shape fewer. Each active
        # pair comes with the partner's name and its next session, for the dashboard's card.
        active = Pair.status == "active"
        partner = sharing.partner_column(user_id)
        next_session = (
            select(func.min(Meeting.starts_at))
            .where(
                Meeting.pair_id == Pair.id,
                Meeting.status == "planned",
                Meeting.starts_at > bindparam("now", type_=UTCDateTime),
            )
            .scalar_subquery()
        )
        parts.append(
            part("partner", cast(Pair.id, String), c=User.name, n=User.id, ts=next_session)
            .select_from(Pair)
            .join(User, User.id == partner)
            .where(sharing.in_pair(user_id), active)
        )
        # The cohorts of the person's pairs, so the dashboard asks for surveys only then.
        parts.append(
            part("paired cohort", cast(Pair.cohort_id, String), n=Pair.cohort_id)
            .where(sharing.in_pair(user_id), Pair.status.in_(("active", "ended")))
            .where(Pair.cohort_id.is_not(None))
        )
        # Proposed matches waiting for this person's answer, with the partner's name.
        proposed = Pair.status == "proposed"
        other = aliased(User)
        for mine, theirs, accepted in (
            (Pair.mentor_id, Pair.executive_id, Pair.mentor_accepted_at),
            (Pair.executive_id, Pair.mentor_id, Pair.executive_accepted_at),
        ):
            parts.append(
                part("proposal", other.name, n=Pair.id, f=accepted.is_not(None))
                .join(other, other.id == theirs)
                .where(mine == user_id, proposed)
            )
    rows = union_all(*parts).subquery("x")
    columns: list[Any] = [column for _, column in USER_ATTRIBUTES]
    if entries:  # the dashboard shows sessions in the person's own time zone
        zone = select(Profile.time_zone).where(Profile.user_id == User.id).scalar_subquery()
        columns.append(zone.label("x_zone"))
    return (
        select(*columns, *rows.c)
        .select_from(User.__table__.outerjoin(rows, true()))
        .where(User.id == user_id)
    )
