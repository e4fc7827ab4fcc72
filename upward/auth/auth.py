"""Wire accounts into the app: Flask-Login, CSRF, rate limits and `flask users`."""

from __future__ import annotations

import logging
import time

from flask import Flask, current_app, request
from flask.logging import default_handler
from sqlalchemy import bindparam, select

from upward import prefetch
from upward.extensions import csrf, db, limiter, login_manager
from upward.models import User


def init_app(app: Flask) -> None:
    """Bind the auth extensions and add the `flask users` commands."""
    from upward.auth.cli import users_cli

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    limiter.init_app(app)
    log_limiter_warnings()
    app.cli.add_command(users_cli)


def log_limiter_warnings() -> None:
    """Make "Rate limit storage unreachable" reach the server's log, as our own warnings do.

    Flask-Limiter's logger has only a NullHandler, so without logging configured for it the
    fall-back to in-memory limits during a Redis outage would go unseen.
    """
    limiter_log = logging.getLogger("flask-limiter")
    if logging.getLogger().handlers or default_handler in limiter_log.handlers:
        return  # the deployment configured logging: records reach it through the root logger
    limiter_log.addHandler(default_handler)


# Built once: it runs on every request of a signed-in person.
USER_BY_ID = select(User).where(User.id == bindparam("user_id"))


@limiter.request_filter
def is_not_limited() -> bool:
    """Skip the limiter for everything but POSTs: every limit is on a form submission."""
    return request.method != "POST"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Return the user whose session id (user id, session version, login time) is still valid."""
    parts = session_id.split(":")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return None
    user_id, version, logged_in = (int(part) for part in parts)
    if time.time() - logged_in > current_app.permanent_session_lifetime.total_seconds():
        return None  # an absolute lifetime: activity and remember-me don't extend it
    found = prefetch.load_user(user_id)  # a learner page: the user and its reads at once
    user = (
        found
        if not isinstance(found, bool)
        else db.session.scalar(USER_BY_ID, {"user_id": user_id})
    )
    if user is None or user.session_version != version or not user.is_active:
        return None
    return user
