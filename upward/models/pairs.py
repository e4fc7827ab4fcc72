"""Mentoring pairs: a junior mentor and the executive they mentor."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from upward.extensions import Model
from upward.models.types import UTCDateTime, user_fk, utcnow


class Pair(Model):
    __tablename__ = "pairs"
    __table_args__ = (UniqueConstraint("mentor_id", "executive_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(user_fk(), index=True)
    executive_id: Mapped[int] = mapped_column(user_fk(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
