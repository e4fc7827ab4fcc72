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

from sqlalchemy import Row, bindparam, delete, select

from upward import prefetch
from upward.content import Page, Pathway
from upward.database import insert_ignoring_duplicates
from upward.extensions import db
from upward.models import Completion
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
    db.session.commit()


def uncomplete_step(user_id: int, step_id: str) -> None:
    """Forget that a person completed a step."""
    forget(user_id, [step_id])


def reset_pathway(user_id: int, pathway: Pathway) -> None:
    """Forget a person's completions of every step in a pathway."""
    forget(user_id, pathway.step_ids)


def forget(user_id: int, step_ids: Iterable[str]) -> None:
    """Delete a person's completions of these steps."""
    db.session.execute(
        delete(Completion).where(
            Completion.user_id == user_id, Completion.step_id.in_(list(step_ids))
        )
    )
    db.session.commit()


def acknowledge_update(user_id: int, page: Page) -> None:
    """Mark a person's completion as being of the step's current version."""
    completion = db.session.scalar(
        select(Completion).where(Completion.user_id == user_id, Completion.step_id == page.id)
    )
    if completion is not None:
        completion.version = page.version
        db.session.commit()


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
