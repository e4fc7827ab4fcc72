"""What the reports keep of their own: certificates, and the program surveys' answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from upward.extensions import Model
from upward.models.types import UTCDateTime, user_fk, utcnow


class Certificate(Model):
    """A person finished a pathway: what the certificate says, as it said it on the day.

    The name and the pathway's title are copied, so a certificate never changes after it is
    given; revoking it keeps the row, and the verification page says it was revoked.
    """

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("user_id", "pathway_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(36), unique=True)
    """A random UUID: the certificate's public identity, inside its signed verification link."""
    user_id: Mapped[int] = mapped_column(user_fk(), index=True)
    pathway_id: Mapped[str] = mapped_column(String(200))
    pathway_title: Mapped[str] = mapped_column(String(200))
    holder_name: Mapped[str] = mapped_column(String(120))
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """When the last step of the pathway was completed: the date on the certificate."""
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    revoked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )


class SurveyReceipt(Model):
    """That a person answered a cohort's survey at one point: never what they answered.

    Receipts and answers share no key and no time, so no answer can be traced to its author.
    """

    __tablename__ = "survey_receipts"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(user_fk(), primary_key=True, index=True)
    point: Mapped[str] = mapped_column(String(10), primary_key=True)
    """'first' (after the first session), 'mid' (half-way) or 'end'."""


class SurveyAnswer(Model):
    """One anonymous answer to a cohort's survey: ratings and an optional comment, no author."""

    __tablename__ = "survey_answers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    """A random UUID, so the order answers came in is not kept either."""
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    point: Mapped[str] = mapped_column(String(10))
    role: Mapped[str] = mapped_column(String(20))
    usefulness: Mapped[int]
    """How useful the sessions were, 1 (not at all) to 5 (very)."""
    good_fit: Mapped[str] = mapped_column(String(10))
    """'yes', 'partly' or 'no': was the pairing a good fit."""
    recommend: Mapped[int]
    """How likely they are to recommend the program, 0 to 10 (for the NPS)."""
    comment: Mapped[str] = mapped_column(Text, default="")
