"""People who use the site."""

from __future__ import annotations

import secrets
import time
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from upward.extensions import Model
from upward.models.types import UTCDateTime, utcnow
from upward.vocabulary import ROLES


def new_session_version() -> int:
    """Return a random session version: a new account never shares one with a deleted one."""
    return secrets.randbelow(2**31 - 2) + 1


class User(UserMixin, Model):
    __tablename__ = "users"
    # SQLite would otherwise give a deleted account's id to the next one.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    """Always stored lower-cased, so look-ups need no function index."""
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    """One of ROLES: which track the dashboard puts first (not a right: see is_lead)."""
    is_author: Mapped[bool] = mapped_column(default=False)
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_lead: Mapped[bool] = mapped_column(default=False)
    """A program lead: granted by an admin or a lead invitation, never chosen at registration."""
    session_version: Mapped[int] = mapped_column(default=new_session_version)
    """A random secret in the session cookie's user id; changing it ends every session."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    """Set when a program lead or admin closes the account; its history stays."""

    def get_id(self) -> str:
        """Return the id Flask-Login keeps in the session and remember-me cookie.

        It is the user id, the session version and the time of login: the user loader refuses
        a version that changed (logout everywhere) and a login older than the session lifetime,
        so neither cookie outlives it. Flask-Login asks for it only when someone logs in.
        """
        return f"{self.id}:{self.session_version}:{int(time.time())}"

    @property
    def is_active(self) -> bool:
        """Tell whether the person may sign in (deactivated accounts may not)."""
        return self.deactivated_at is None

    @property
    def role_label(self) -> str:
        """Return the human name of the person's role."""
        return ROLES.get(self.role, self.role)

    @property
    def audience(self) -> str:
        """Return the pathway audience that matches the person's role."""
        return self.role
