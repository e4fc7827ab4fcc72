"""What every template may use: the vocabulary's labels, date formatting, block tests."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from upward.content import Check, Problem, Reflection
from upward.publishing import get_store
from upward.vocabulary import AUDIENCES, FORMATS, ROLES, THEMES


def init_app(app: Flask) -> None:
    """Give Jinja the labels, filters and tests the templates use."""
    app.jinja_env.globals.update(ROLES=ROLES, AUDIENCES=AUDIENCES, THEMES=THEMES, FORMATS=FORMATS)
    app.jinja_env.globals["library_problems"] = get_library_problems
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["article"] = article
    app.jinja_env.tests["check"] = is_check
    app.jinja_env.tests["reflection"] = is_reflection
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def get_library_problems() -> list[Problem]:
    """Return the errors that made the live library refuse its latest change (for authors)."""
    return [problem for problem in get_store().problems if problem.is_error]


def article(noun: str) -> str:
    """Return the indefinite article for a noun: 'an' (executive mentee) or 'a' (mentor)."""
    return "an" if noun[:1].lower() in "aeiou" else "a"


def format_date(value: datetime | None, style: str = "long") -> str:
    """Format a timestamp for people: '21 Nov 2026', or to the minute: '21 Nov 2026, 14:05 UTC'."""
    if value is None:
        return ""
    if style == "iso":
        return value.date().isoformat()
    if style == "minute":
        return f"{value.day} {value:%b %Y, %H:%M} UTC"
    return f"{value.day} {value:%b %Y}"


def is_check(block: object) -> bool:
    """Tell whether a step block is a knowledge check."""
    return isinstance(block, Check)


def is_reflection(block: object) -> bool:
    """Tell whether a step block is a reflection prompt."""
    return isinstance(block, Reflection)
