"""What a learner did with the steps: completions, answers and private notes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from upward.extensions import Model
from upward.models.types import UTCDateTime, user_fk, utcnow


class Completion(Model):
    __tablename__ = "completions"
    __table_args__ = (UniqueConstraint("user_id", "step_id"),)

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
    __table_args__ = (UniqueConstraint("user_id", "step_id", "check_id"),)

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
