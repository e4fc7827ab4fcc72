"""What a learner did with the steps: completions, answers and private notes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from upward.extensions import Model
from upward.models.types import UTCDateTime, user_fk, utcnow


class Completion(Model):
    __tablename__ = "completions"
    __table_args__ = (
        UniqueConstraint("user_id", "step_id"),
        # Reports: who completed a step (the funnel, the summary's rebuild), who was active.
        Index("ix_completions_step_user", "step_id", "user_id"),
        Index("ix_completions_completed_at", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(user_fk(), index=True)
    step_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(64))
    """The step's version when it was completed: a newer one means 'updated since'."""
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StepVersion(Model):
    __tablename__ = "step_versions"

    step_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    version: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    """The learner-visible Markdown of that version, kept so changes can be shown as a diff."""
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    """When this version was published: the step's 'last updated' date."""


class CheckAnswer(Model):
    __tablename__ = "check_answers"
    __table_args__ = (
        UniqueConstraint("user_id", "step_id", "check_id"),
        # The funnel counts a step's first tries from the index alone.
        Index("ix_check_answers_step", "step_id", "check_id", "user_id", "first_correct"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(user_fk(), index=True)
    step_id: Mapped[str] = mapped_column(String(200))
    check_id: Mapped[str] = mapped_column(String(100))
    choice: Mapped[int]
    correct: Mapped[bool]
    first_correct: Mapped[bool | None] = mapped_column(default=None)
    """Whether the person's first answer was right (reports: checks that mislead); None for
    answers given before it was kept."""
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReflectionNote(Model):
    __tablename__ = "reflection_notes"
    __table_args__ = (UniqueConstraint("user_id", "step_id", "prompt_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(user_fk(), index=True)
    step_id: Mapped[str] = mapped_column(String(200))
    prompt_id: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PathwayStep(Model):
    """A step of a published pathway, as the progress summary last counted it.

    Rewritten when the library loads with a pathway whose steps changed (and that pathway's
    summary rebuilt), so a completion knows which pathways' summaries it changes.
    """

    __tablename__ = "pathway_steps"

    pathway_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    step_id: Mapped[str] = mapped_column(String(200), primary_key=True, index=True)


class PathwaySummary(Model):
    """One person's progress through one pathway, kept up to date by every completion.

    Derived from `completions` and `pathway_steps` (upward.progress keeps it in the same
    transaction as the completion); a person with no step of the pathway done has no row.
    """

    __tablename__ = "pathway_summaries"

    user_id: Mapped[int] = mapped_column(user_fk(), primary_key=True)
    pathway_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    steps_done: Mapped[int]
    first_completed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_completed_at: Mapped[datetime] = mapped_column(UTCDateTime)
