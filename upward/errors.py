"""Friendly error pages for HTTP errors and stale form tokens."""

from __future__ import annotations

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError

ERRORS = {
    400: ("Something was wrong with that request", "Go back and try again."),
    403: ("You can't do that", "This page belongs to someone else, or needs another role."),
    404: ("Page not found", "It may have moved, or it was never here."),
    405: ("That didn't work", "This address doesn't accept that kind of request."),
    429: ("Slow down a little", "Too many attempts in a short time. Wait a minute and try again."),
    500: ("Something broke on our side", "It's logged. Try again in a moment."),
}


def init_app(app: Flask) -> None:
    """Answer every HTTP error, and a missing form token, with a page of our own."""
    for code in ERRORS:
        app.register_error_handler(code, render_error)
    app.register_error_handler(CSRFError, render_csrf_error)


def render_error(error: Exception) -> ResponseReturnValue:
    """Render a friendly error page for an HTTP error."""
    code = getattr(error, "code", 500) or 500
    title, hint = ERRORS.get(code, ERRORS[500])
    hint = getattr(error, "hint", None) or hint
    return render_template("error.html", code=code, title=title, hint=hint), code


def render_csrf_error(error: CSRFError) -> ResponseReturnValue:
    """Explain a missing or stale form token without losing the person."""
    return (
        render_template(
            "error.html",
            code=400,
            title="That form has expired",
            hint="Your session changed since the page was loaded. Go back, reload, and try again.",
        ),
        400,
    )
