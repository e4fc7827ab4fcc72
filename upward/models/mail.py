"""Mail that went out (or will), who opted out of what, and one-time account links."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from upward.extensions import Model
from upward.models.types import UTCDateTime, user_fk, utcnow


class SentMessage(Model):
    """One message, claimed once by its (kind, key): queued, then sent, refused or given up."""

    __tablename__ = "sent_messages"
    __table_args__ = (
        UniqueConstraint("kind", "key"),
        Index("ix_sent_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    """Which message this is (`upward.mail.kinds`): password_reset, template_shared, ..."""
    key: Mapped[str] = mapped_column(String(200))
    """What makes it unique within its kind, such as 'entry 12 to user 5'."""
    user_id: Mapped[int | None] = mapped_column(user_fk(), index=True, default=None)
    to_address: Mapped[str] = mapped_column(String(254))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Ids the message is rendered from when it is sent (never the text, never a secret)."""
    status: Mapped[str] = mapped_column(String(20), default="pending")
    """pending | sending | sent | refused | invalid | failed | skipped"""
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class MailOptOut(Model):
    """A person who chose not to get one category of mail."""

    __tablename__ = "mail_opt_outs"

    user_id: Mapped[int] = mapped_column(user_fk(), primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AccountToken(Model):
    """A link sent by mail that works once, until it expires (password reset, new address)."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(user_fk(), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    """'password' (reset) or 'email' (confirm a new address)."""
    new_email: Mapped[str | None] = mapped_column(String(254), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
