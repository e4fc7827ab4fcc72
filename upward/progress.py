"""The rules of completion and progress, used by every page that shows them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, bindparam, delete, select

from upward.content import Library, Page, Pathway
from upward.database import insert_ignoring_duplicates
from upward.extensions import db
from upward.models import Completion


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
        return sum(step.page.minutes for step in self.steps)

    @property
    def minutes_left(self) -> int:
        return sum(step.page.minutes for step in self.steps if not step.done)

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


Completions = dict[str, Row[tuple[str, str, datetime]]]
"""Step id to (step_id, version, completed_at): plain rows, read on every learner page."""


# Built once: every learner page runs it, and building a statement costs more than running it.
COMPLETIONS = select(Completion.step_id, Completion.version, Completion.completed_at).where(
    Completion.user_id == bindparam("user_id")
)


def get_completions(user_id: int | None) -> Completions:
    """Return a person's completions by step id, in one query (none when anonymous)."""
    if user_id is None:
        return {}
    return {row.step_id: row for row in db.session.execute(COMPLETIONS, {"user_id": user_id})}


def get_progress(
    library: Library, pathway: Pathway, completions: Completions, *, include_drafts: bool = False
) -> PathwayProgress:
    """Join a pathway's current steps with a person's completions."""
    states = []
    for number, page in enumerate(library.steps(pathway, include_drafts=include_drafts), 1):
        completion = completions.get(page.id)
        states.append(
            StepState(
                page=page,
                number=number,
                completed_at=completion.completed_at if completion else None,
                updated_since=completion is not None and completion.version != page.version,
            )
        )
    return PathwayProgress(pathway=pathway, steps=tuple(states))


def get_all_progress(
    library: Library,
    completions: Completions,
    *,
    include_drafts: bool = False,
    audience_first: str | None = None,
) -> list[PathwayProgress]:
    """Return progress on every visible pathway, the person's own audience first."""
    pathways = library.visible_pathways(include_drafts=include_drafts)
    if audience_first:
        pathways = sorted(pathways, key=lambda p: p.audience not in (audience_first,))
    return [get_progress(library, p, completions, include_drafts=include_drafts) for p in pathways]


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
