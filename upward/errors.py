"""Friendly error pages for HTTP errors and stale form tokens, even with the database down."""

from __future__ import annotations

import logging

from flask import Flask, g, render_template
from flask.typing import ResponseReturnValue
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from upward.extensions import db

log = logging.getLogger(__name__)

ERRORS = {
    400: ("Something was wrong with that request", "Go back and try again."),
    403: ("You can't do that", "This page belongs to someone else, or needs another role."),
    404: ("Page not found", "It may have moved, or it was never here."),
    405: ("That didn't work", "This address doesn't accept that kind of request."),
    413: (
        "That was too much to send at once",
        "A form can hold up to 2 MB of text. Nothing was saved: "
        "go back, shorten it, and try again.",
    ),
    429: ("Slow down a little", "Too many attempts in a short time. Wait a minute and try again."),
    500: ("Something broke on our side", "It's logged. Try again in a moment."),
    503: (
        "Upward is briefly unavailable",
        "We can't reach our database just now, so what you sent may not have been saved. "
        "Try again in a minute (saving twice keeps one copy); what you typed is still in "
        "your browser if you go back.",
    ),
}
RETRY_AFTER_SECONDS = 30
DATABASE_DOWN = (OperationalError, InterfaceError, PoolTimeout)
"""What SQLAlchemy raises when the database can't be reached or doesn't answer in time."""


def init_app(app: Flask) -> None:
    """Answer every HTTP error, a missing form token and a database outage with our own page."""
    for code in ERRORS:
        app.register_error_handler(code, render_error)
    app.register_error_handler(CSRFError, render_csrf_error)
    for error in DATABASE_DOWN:
        app.register_error_handler(error, render_database_down)


def render_error(error: Exception) -> ResponseReturnValue:
    """Render a friendly error page for an HTTP error."""
    code = getattr(error, "code", 500) or 500
    title, hint = ERRORS.get(code, ERRORS[500])
    hint = getattr(error, "hint", None) or hint
    headers = error.get_headers() if isinstance(error, HTTPException) else []
    headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
    return render_page(code, title, hint), code, headers


def render_csrf_error(error: CSRFError) -> ResponseReturnValue:
    """Explain a missing or stale form token; text typed into it is kept, not lost."""
    from upward.kept import rescue_refused_post

    rescued = rescue_refused_post()
    if rescued is not None:
        return rescued
    hint = "Your session changed since the page was loaded. Go back, reload, and try again."
    return render_page(400, "That form has expired", hint), 400


def render_database_down(error: Exception) -> ResponseReturnValue:
    """Answer 503 with Retry-After when the database is down, frozen or too slow."""
    log.error("database unavailable: %s", error)
    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the pool replaces it
        log.debug("rollback after a database error failed", exc_info=True)
    # Don't ask the database who is signed in: that would wait for it all over again.
    g._login_user = AnonymousUserMixin()
    return render_error(ServiceUnavailable(retry_after=RETRY_AFTER_SECONDS))


def render_page(code: int, title: str, hint: str) -> str:
    """Render the error page, as a signed-out page if the person can't be loaded.

    The header shows the person's name, which needs the database; when that is what failed,
    the page still renders, in the site's style, without it.
    """
    try:
        return render_template("error.html", code=code, title=title, hint=hint)
    except Exception:
        log.warning("error page rendered without the signed-in person", exc_info=True)
        try:
            db.session.rollback()
        except Exception:
            log.debug("rollback failed", exc_info=True)
        g._login_user = AnonymousUserMixin()
        return render_template("error.html", code=code, title=title, hint=hint)
