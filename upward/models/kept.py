"""Text typed into a form whose session had ended, kept until the person signs in again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from upward.extensions import Model
from upward.models.types import UTCDateTime, user_fk, utcnow


class KeptWork(Model):
    __tablename__ = "kept_work"

    id: Mapped[int] = mapped_column(primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 of the random secret in the browser's session: only that browser gets it back."""
    place: Mapped[str] = mapped_column(String(300))
    """Where the text belongs, such as 'step:sbi' or 'template:agenda' (see upward.kept)."""
    owner_id: Mapped[int | None] = mapped_column(user_fk(), default=None)
    """The person the session belonged to, when it said (signed out elsewhere); else unknown."""
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Form field name to the list of values typed (without the CSRF token)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
