"""People who use the site."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from upward.extensions import db
from upward.models.types import UTCDateTime, utcnow
from upward.vocabulary import ROLES


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    """Always stored lower-cased, so look-ups need no function index."""
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    """One of ROLES: which track the dashboard puts first."""
    is_author: Mapped[bool] = mapped_column(default=False)
    is_admin: Mapped[bool] = mapped_column(default=False)
    session_version: Mapped[int] = mapped_column(default=1)
    """Part of the session cookie's user id; bumping it ends every session on the server."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def get_id(self) -> str:
        """Return the id Flask-Login keeps in the session: the user id and the session version."""
        return f"{self.id}:{self.session_version}"

    @property
    def role_label(self) -> str:
        """Return the human name of the person's role."""
        return ROLES.get(self.role, self.role)

    @property
    def audience(self) -> str:
        """Return the pathway audience that matches the person's role."""
        return self.role
