"""Register the blueprints, error pages and template helpers."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError

from upward.content import Check, Reflection
from upward.models import ROLES

AUDIENCES = {
    "mentor": "Mentor",
    "executive": "Executive mentee",
    "program": "Program lead",
    "all": "Everyone",
}


def init_app(app: Flask) -> None:
    """Register blueprints, error handlers and Jinja helpers."""
    from upward.authors.routes import bp as authors
    from upward.discussions.routes import bp as discussions
    from upward.learn.routes import bp as learn
    from upward.program.routes import bp as program
    from upward.resources.routes import bp as resources
    from upward.search.routes import bp as search

    app.register_blueprint(learn)
    app.register_blueprint(discussions)
    app.register_blueprint(resources)
    app.register_blueprint(search)
    app.register_blueprint(program)
    app.register_blueprint(authors)
    for code in (400, 403, 404, 405, 429, 500):
        app.register_error_handler(code, render_error)
    app.register_error_handler(CSRFError, render_csrf_error)
    app.jinja_env.globals.update(ROLES=ROLES, AUDIENCES=AUDIENCES)
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.tests["check"] = lambda block: isinstance(block, Check)
    app.jinja_env.tests["reflection"] = lambda block: isinstance(block, Reflection)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


ERRORS = {
    400: ("Something was wrong with that request", "Go back and try again."),
    403: ("You can't do that", "This page belongs to someone else, or needs another role."),
    404: ("Page not found", "It may have moved, or it was never here."),
    405: ("That didn't work", "This address doesn't accept that kind of request."),
    429: ("Slow down a little", "Too many attempts in a short time. Wait a minute and try again."),
    500: ("Something broke on our side", "It's logged. Try again in a moment."),
}


def render_error(error: Exception) -> ResponseReturnValue:
    """Render a friendly error page for an HTTP error."""
    code = getattr(error, "code", 500) or 500
    title, hint = ERRORS.get(code, ERRORS[500])
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


def format_date(value: datetime | None, style: str = "long") -> str:
    """Format a timestamp for people: '21 Nov 2026'."""
    if value is None:
        return ""
    if style == "iso":
        return value.date().isoformat()
    return f"{value.day} {value:%b %Y}"
