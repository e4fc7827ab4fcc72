"""What people do with curated resources: bookmarks and ratings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from upward.extensions import Model
from upward.models.types import UTCDateTime, user_fk, utcnow


class Bookmark(Model):
    __tablename__ = "bookmarks"

    user_id: Mapped[int] = mapped_column(user_fk(), primary_key=True)
    resource_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Rating(Model):
    __tablename__ = "ratings"
    __table_args__ = (CheckConstraint("stars BETWEEN 1 AND 5", name="stars_range"),)

    user_id: Mapped[int] = mapped_column(user_fk(), primary_key=True)
    resource_id: Mapped[str] = mapped_column(String(200), primary_key=True, index=True)
    stars: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
