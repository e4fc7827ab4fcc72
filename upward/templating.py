"""What every template may use: the vocabulary's labels, date formatting, block tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Flask, request

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
    app.jinja_env.globals["url_for"] = memoized_url_for(app.url_for)
    app.jinja_env.lstrip_blocks = True


def get_library_problems() -> list[Problem]:
    """Return the errors that made the live library refuse its latest change (for authors)."""
    return [problem for problem in get_store().problems if problem.is_error]


def article(noun: str) -> str:
    """Return the indefinite article for a noun: 'an' (executive mentee) or 'a' (mentor)."""
    return "an" if noun[:1].lower() in "aeiou" else "a"


MEMO_SIZE = 20_000
PLAIN = frozenset({"_external", "_scheme", "_anchor", "_method"})


def memoized_url_for(url_for: Callable[..., str]) -> Callable[..., str]:
    """Return url_for remembering relative URLs: a step page builds about 30 of them.

    A relative URL depends only on the endpoint, its values and the script root (the app
    defines no URL defaults or value preprocessors); anything else goes to url_for each time.
    """
    memo: dict[tuple[Any, ...], str] = {}

    def cached(endpoint: str, **values: Any) -> str:
        if endpoint.startswith(".") or not PLAIN.isdisjoint(values):
            return url_for(endpoint, **values)
        try:
            key = (request.script_root, endpoint, *sorted(values.items()))
            return memo[key]
        except KeyError:
            url = memo[key] = url_for(endpoint, **values)
            if len(memo) > MEMO_SIZE:
                memo.clear()
            return url
        except TypeError:  # a value that cannot be a key
            return url_for(endpoint, **values)

    return cached


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
