"""Mentoring pairs: a junior mentor and the executive they mentor, from proposal to ending."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from upward.extensions import Model
from upward.models.types import UTCDateTime, user_fk, utcnow

OPEN_STATUSES = ("proposed", "active")
"""A pair in one of these is still in play: the same two people can't be in two of them."""
OPEN_WHERE = text("status IN ('proposed', 'active')")


DECLINE_NOTE_MAX = 1000
"""How long a decline's note to the program lead may be."""


class Pair(Model):
    """Two people matched in a cohort; sharing, sessions and check-ins belong to the pair."""

    __tablename__ = "pairs"
    __table_args__ = (
        # One open pair per mentor and executive; ended or declined ones may be made again.
        Index(
            "uq_pairs_open",
            "mentor_id",
            "executive_id",
            unique=True,
            sqlite_where=OPEN_WHERE,
            postgresql_where=OPEN_WHERE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(user_fk(), index=True)
    executive_id: Mapped[int] = mapped_column(user_fk(), index=True)
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohorts.id", ondelete="SET NULL"), index=True, default=None
    )
    """None only for pairs made before cohorts existed."""
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    """'proposed' (waiting for both to accept), 'active', 'declined' or 'ended'."""
    cadence_days: Mapped[int] = mapped_column(default=14)
    """How often they meet: the cohort's cadence at first, then what their agreement says."""
    score: Mapped[float | None] = mapped_column(default=None)
    """The matching score when matching proposed it; None when the lead chose it by hand."""
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Why matching proposed it, in plain words."""
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    mentor_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    executive_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    declined_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    decline_note: Mapped[str | None] = mapped_column(String(DECLINE_NOTE_MAX), default=None)
    """What the partner who declined told the program lead; nobody else reads it."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    """When the second partner accepted: health counts from here."""
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    ended_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )

    @property
    def is_active(self) -> bool:
        """Tell whether the pair is under way (accepted by both and not ended)."""
        return self.status == "active"

    def partner_of(self, user_id: int) -> int:
        """Return the id of the other person in the pair."""
        return self.executive_id if user_id == self.mentor_id else self.mentor_id

    def role_of(self, user_id: int) -> str:
        """Return 'mentor' or 'executive': the part a person plays in this pair."""
        return "mentor" if user_id == self.mentor_id else "executive"
