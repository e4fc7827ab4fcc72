"""Filled-in discussion templates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from upward.extensions import Model
from upward.models.types import UTCDateTime, user_fk, utcnow


class TemplateEntry(Model):
    __tablename__ = "template_entries"
    __table_args__ = (
        UniqueConstraint("user_id", "submission_id"),
        UniqueConstraint("meeting_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(user_fk(), index=True)
    template_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Field name to the text the person typed (dates as ISO strings, ratings as numbers)."""
    is_draft: Mapped[bool] = mapped_column(default=True)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True, default=None
    )
    """Set when the entry is a person's check-in after a pair's session (one per session)."""
    session_date: Mapped[str | None] = mapped_column(String(10), default=None)
    submission_id: Mapped[str | None] = mapped_column(String(32), default=None)
    """The id of the form submission that created it: a resent save finds it, not a twin."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
