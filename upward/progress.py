"""The rules of completion and progress: every page and report that shows progress asks here.

For one person (their pathways, a step's state, where "Continue" leads) and in bulk for many
people at once (who started and finished each pathway, how far each person is along a track).
A completion counts as done even when the step has changed since; it is then also "updated
since you completed it" until the person reads the changes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, Select, bindparam, delete, exists, func, insert, select, true
from sqlalchemy.dialects import postgresql, sqlite

from upward import prefetch
from upward.content import Page, Pathway
from upward.database import insert_ignoring_duplicates
from upward.extensions import db
from upward.models import Completion, PathwayStep, PathwaySummary
from upward.publishing import get_first_published
from upward.viewer import LibraryView


@dataclass(frozen=True, slots=True)
class StepState:
    """One step of a pathway as one person sees it."""

    page: Page
    number: int
    completed_at: datetime | None
    updated_since: bool
    """Completed, but the step has changed since."""

    @property
    def done(self) -> bool:
        """Tell whether the person has completed this step."""
        return self.completed_at is not None


@dataclass(frozen=True, slots=True)
class PathwayProgress:
    """A person's progress through one pathway, over the steps that exist now."""

    pathway: Pathway
    steps: tuple[StepState, ...]
    new_steps: tuple[StepState, ...] = ()
    """Steps published after the person finished every other step: they had finished the
    pathway, and these are new since (shown as '1 new step since you finished')."""

    @property
    def shape(self) -> tuple[tuple[tuple[str, bool], ...], tuple[str, ...]]:
        """Return the steps, which are done and which are new: what a card or outline shows."""
        return (
            tuple((step.page.id, step.done) for step in self.steps),
            tuple(step.page.id for step in self.new_steps),
        )

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def done(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def minutes(self) -> int:
        return sum(step.page.minutes or 0 for step in self.steps)

    @property
    def minutes_left(self) -> int:
        return sum(step.page.minutes or 0 for step in self.steps if not step.done)

    @property
    def is_complete(self) -> bool:
        return self.total > 0 and self.done == self.total

    @property
    def is_started(self) -> bool:
        return self.done > 0

    @property
    def next_step(self) -> StepState | None:
        """Return the first step not yet completed: where 'Continue' leads."""
        return next((step for step in self.steps if not step.done), None)

    def position(self, step_id: str) -> int | None:
        """Return the index of a step in this pathway, if it is in it."""
        return next((i for i, s in enumerate(self.steps) if s.page.id == step_id), None)

    def step_after(self, step_id: str) -> StepState | None:
        """Return where to go once a step is done: the step after it, else the first one left.

        None when the pathway is complete.
        """
        if self.is_complete:
            return None
        index = self.position(step_id)
        if index is not None and index + 1 < self.total:
            return self.steps[index + 1]
        return self.next_step


Completions = dict[str, Row[str, str, datetime]]
"""Step id to (step_id, version, completed_at): plain rows, read on every learner page."""


# Built once: every learner page runs it, and building a statement costs more than running it.
COMPLETIONS = select(Completion.step_id, Completion.version, Completion.completed_at).where(
    Completion.user_id == bindparam("user_id")
)


def get_completions(user_id: int | None) -> Completions:
    """Return a person's completions by step id, in one query (none when anonymous)."""
    if user_id is None:
        return {}
    if found := prefetch.get(user_id):
        return found.completions  # type: ignore[return-value]
    return {row.step_id: row for row in db.session.execute(COMPLETIONS, {"user_id": user_id})}


def is_updated_since(completion: Row | None, page: Page) -> bool:
    """Tell whether a person completed a step that has changed since (a new version)."""
    return completion is not None and completion.version != page.version


def get_progress(view: LibraryView, pathway: Pathway, completions: Completions) -> PathwayProgress:
    """Join a pathway's steps (those the person may see) with their completions."""
    states = []
    for number, page in enumerate(view.steps(pathway), 1):
        completion = completions.get(page.id)
        states.append(
            StepState(
                page=page,
                number=number,
                completed_at=completion.completed_at if completion else None,
                updated_since=is_updated_since(completion, page),
            )
        )
    return PathwayProgress(pathway=pathway, steps=tuple(states), new_steps=get_new_steps(states))


def get_new_steps(states: list[StepState]) -> tuple[StepState, ...]:
    """Return the steps left to do if all of them were published after the others were done."""
    done = [s.completed_at for s in states if s.completed_at is not None]
    left = [s for s in states if not s.done]
    if not done or not left:
        return ()
    finished = max(done)
    for state in left:
        published = get_first_published(state.page.id)
        if published is None or published <= finished:
            return ()
    return tuple(left)


def get_all_progress(
    view: LibraryView, completions: Completions, *, audience_first: str | None = None
) -> list[PathwayProgress]:
    """Return progress on every visible pathway, the person's own audience first."""
    pathways = view.pathways()
    if audience_first:
        pathways = sorted(pathways, key=lambda p: p.audience not in (audience_first,))
    return [get_progress(view, p, completions) for p in pathways]


def complete_step(user_id: int, page: Page) -> None:
    """Record that a person completed a step; doing it twice records it once."""
    db.session.execute(
        insert_ignoring_duplicates(
            Completion, user_id=user_id, step_id=page.id, version=page.version
        )
    )
    summarize(pathways_with([page.id]), user_id)
    db.session.commit()


def uncomplete_step(user_id: int, step_id: str) -> None:
    """Forget that a person completed a step."""
    forget(user_id, [step_id])


def reset_pathway(user_id: int, pathway: Pathway) -> None:
    """Forget a person's completions of every step in a pathway."""
    forget(user_id, pathway.step_ids)


def forget(user_id: int, step_ids: Iterable[str]) -> None:
    """Delete a person's completions of these steps."""
    step_ids = list(step_ids)
    db.session.execute(
        delete(Completion).where(Completion.user_id == user_id, Completion.step_id.in_(step_ids))
    )
    summarize(pathways_with(step_ids), user_id)
    db.session.commit()


def acknowledge_update(user_id: int, page: Page) -> None:
    """Mark a person's completion as being of the step's current version."""
    completion = db.session.scalar(
        select(Completion).where(Completion.user_id == user_id, Completion.step_id == page.id)
    )
    if completion is not None:
        completion.version = page.version
        db.session.commit()


# The progress summary: per person and pathway, kept in step with every completion.
#
# Reports count who started and finished each pathway from `pathway_summaries` instead of
# scanning every completion. Each write above updates the summary rows of the pathways the
# step is in, in its own transaction; a library load whose pathways list different steps
# rebuilds those pathways' rows (`sync_summary`), and `flask progress rebuild` rebuilds all.


def pathways_with(step_ids: Iterable[str]) -> Select:
    """Return the ids of the pathways the summary counts any of these steps in."""
    return select(PathwayStep.pathway_id).where(PathwayStep.step_id.in_(list(step_ids)))


def tally(pathway_ids: Select | None, user_id: int | None = None) -> Select:
    """Return each person's steps done and first and last completion, per pathway, from scratch."""
    stmt = (
        select(
            Completion.user_id,
            PathwayStep.pathway_id,
            func.count().label("steps_done"),
            func.min(Completion.completed_at).label("first_completed_at"),
            func.max(Completion.completed_at).label("last_completed_at"),
        )
        .join(PathwayStep, PathwayStep.step_id == Completion.step_id)
        .where(true())  # SQLite: a WHERE tells the upsert's ON CONFLICT from a join's ON
        .group_by(Completion.user_id, PathwayStep.pathway_id)
    )
    if pathway_ids is not None:
        stmt = stmt.where(PathwayStep.pathway_id.in_(pathway_ids))
    if user_id is not None:
        stmt = stmt.where(Completion.user_id == user_id)
    return stmt


SUMMARY_COLUMNS = ("user_id", "pathway_id", "steps_done", "first_completed_at", "last_completed_at")


def summarize(pathway_ids: Select | None, user_id: int | None = None) -> None:
    """Recount the summary rows of these pathways (all when None), for one person or everyone.

    An upsert, so two requests of the same person at once both land; rows left with no step
    done are deleted. The caller commits, with the completions it wrote.
    """
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    recount = module.insert(PathwaySummary).from_select(
        SUMMARY_COLUMNS, tally(pathway_ids, user_id)
    )
    db.session.execute(
        recount.on_conflict_do_update(
            index_elements=["user_id", "pathway_id"],
            set_={name: recount.excluded[name] for name in SUMMARY_COLUMNS[2:]},
        )
    )
    done = (
        select(Completion.id)
        .join(PathwayStep, PathwayStep.step_id == Completion.step_id)
        .where(
            Completion.user_id == PathwaySummary.user_id,
            PathwayStep.pathway_id == PathwaySummary.pathway_id,
        )
    )
    stale = delete(PathwaySummary).where(~exists(done))
    if pathway_ids is not None:
        stale = stale.where(PathwaySummary.pathway_id.in_(pathway_ids))
    if user_id is not None:
        stale = stale.where(PathwaySummary.user_id == user_id)
    db.session.execute(stale)


def get_summary_steps(view: LibraryView) -> dict[str, frozenset[str]]:
    """Return the steps the summary should count for each published pathway."""
    return {p.id: frozenset(s.id for s in view.steps(p)) for p in view.pathways()}


def sync_summary(view: LibraryView) -> list[str]:
    """Rebuild the summary of every pathway whose steps changed; return their ids.

    Run when the library loads: reading it never writes.
    """
    wanted = get_summary_steps(view)
    stored: dict[str, set[str]] = defaultdict(set)
    for pathway_id, step_id in db.session.execute(
        select(PathwayStep.pathway_id, PathwayStep.step_id)
    ):
        stored[pathway_id].add(step_id)
    changed = sorted(
        p for p in wanted.keys() | stored.keys() if wanted.get(p, set()) != stored.get(p, set())
    )
    if changed:
        rebuild_summary(wanted, changed)
    return changed


def rebuild_all_summaries(view: LibraryView) -> list[str]:
    """Recount every pathway's summary, and drop those of pathways gone; return their ids."""
    wanted = get_summary_steps(view)
    stored = set(db.session.scalars(select(PathwayStep.pathway_id).distinct()))
    stored |= set(db.session.scalars(select(PathwaySummary.pathway_id).distinct()))
    every = sorted(wanted.keys() | stored)
    rebuild_summary(wanted, every)
    return every


def rebuild_summary(steps: Mapping[str, frozenset[str]], pathway_ids: list[str]) -> None:
    """Store these pathways' steps and recount their summaries from every completion."""
    if db.session.get_bind().dialect.name == "postgresql":
        # Workers that load the same library at once take turns; the later one finds it done.
        db.session.execute(select(func.pg_advisory_xact_lock(SUMMARY_LOCK)))
    db.session.execute(delete(PathwayStep).where(PathwayStep.pathway_id.in_(pathway_ids)))
    db.session.execute(delete(PathwaySummary).where(PathwaySummary.pathway_id.in_(pathway_ids)))
    rows = [{"pathway_id": p, "step_id": s} for p in pathway_ids for s in sorted(steps.get(p, ()))]
    if rows:
        db.session.execute(insert(PathwayStep), rows)
    summarize(select(PathwayStep.pathway_id).where(PathwayStep.pathway_id.in_(pathway_ids)))
    db.session.commit()


SUMMARY_LOCK = 0x75707764
"""The PostgreSQL advisory lock rebuilds of the summary take ('upwd')."""


# In bulk: many people at once, in one query, for reports.


@dataclass(frozen=True, slots=True)
class PathwayUptake:
    """How many people started and finished a pathway."""

    pathway: Pathway
    started: int
    """People with at least one of its steps done (those who finished included)."""
    completed: int


DoneSteps = Mapping[int, frozenset[str]]
"""Person id to the ids of the steps they have completed."""


def get_done_steps() -> DoneSteps:
    """Return every person's completed step ids, in one query."""
    done: dict[int, set[str]] = defaultdict(set)
    for user_id, step_id in db.session.execute(select(Completion.user_id, Completion.step_id)):
        done[user_id].add(step_id)
    return {user_id: frozenset(steps) for user_id, steps in done.items()}


def get_uptake(view: LibraryView, done: DoneSteps) -> list[PathwayUptake]:
    """Count, for each visible pathway, the people who started it and who finished it."""
    return [count_uptake(view, pathway, done) for pathway in view.pathways()]


def count_uptake(view: LibraryView, pathway: Pathway, done: DoneSteps) -> PathwayUptake:
    """Count the people who started and who finished a pathway (its current steps)."""
    steps = {page.id for page in view.steps(pathway)}
    counts = Counter(
        "completed" if steps <= finished else "started"
        for finished in done.values()
        if steps & finished
    )
    return PathwayUptake(pathway, counts["started"] + counts["completed"], counts["completed"])


def get_track_steps(view: LibraryView, audience: str) -> frozenset[str]:
    """Return the ids of every visible step in the pathways for an audience (its track)."""
    return frozenset(
        page.id
        for pathway in view.pathways()
        if pathway.audience == audience
        for page in view.steps(pathway)
    )


def get_percent(track: frozenset[str], finished: Iterable[str]) -> int:
    """Return how much of a track (a set of step ids) a person has completed."""
    return round(100 * len(track & set(finished)) / len(track)) if track else 0
