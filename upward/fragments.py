"""Rendered fragments kept per library version, with the CSRF token filled in last.

A learner page repeats the same small pieces for everyone: outline items, knowledge checks and
reflection prompts in each state, the signed-in part of the header. Templates wrap such a piece
in a call block with a key naming everything it depends on besides the library:

    {% call fragment(('outline', path.id, s.page.id, s.done, s.number, current)) %}
      ...
    {% endcall %}

and the first rendering of each key is kept until the library changes (a reload brings a new
`Library` object, which empties the cache). A key of `none` renders without caching.

Forms in a fragment need the person's CSRF token, which is not part of any key: templates get
a placeholder from `csrf_token()` and the response gets the real token in its place, last.
The placeholder is random per process, so nothing a person types can produce it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from upward.publishing import get_library

MAX_ITEMS = 20_000
"""Fragments kept per worker before starting again (a few kilobytes each at most)."""

CSRF_PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"
"""What csrf_token() renders in a request; the response carries the real token in its place."""


class FragmentCache:
    """Rendered fragments of the current library, by key."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.library: object = None
        self.items: dict[Hashable, Markup] = {}

    def __call__(self, key: tuple[Any, ...] | None, caller: Callable[[], Markup]) -> Markup:
        """Return the fragment for key, rendering it with caller the first time."""
        if key is None or not self.enabled or not has_request_context():
            return caller()
        library = get_library()
        if library is not self.library:
            self.items, self.library = {}, library
        full = (request.script_root, *(tuple(k) if isinstance(k, list) else k for k in key))
        try:
            return self.items[full]
        except KeyError:
            pass
        except TypeError:  # a part of the key is not hashable: render every time
            return caller()
        html = caller()
        if len(self.items) >= MAX_ITEMS:
            self.items = {}
        self.items[full] = html
        return html


def csrf_token() -> str:
    """Return a placeholder in a request (the response fills in the token), else the token."""
    if not has_request_context():
        return generate_csrf()
    g.upward_csrf = True
    return CSRF_PLACEHOLDER


def fill_in_csrf(response: Response) -> Response:
    """Put the person's CSRF token where the page's templates left the placeholder."""
    if not g.get("upward_csrf") or response.direct_passthrough or response.is_streamed:
        return response
    body = response.get_data(as_text=True)
    if CSRF_PLACEHOLDER in body:
        response.set_data(body.replace(CSRF_PLACEHOLDER, generate_csrf()))
    return response


def init_app(app: Flask) -> None:
    """Give templates fragment() and the placeholder csrf_token(), filled in after the view."""
    app.jinja_env.globals["fragment"] = FragmentCache(app.config.get("UPWARD_FRAGMENT_CACHE", True))
    app.jinja_env.globals["csrf_token"] = csrf_token
    # Flask-WTF also hands templates its csrf_token through a context processor; this one,
    # registered later, wins, so no real token is ever rendered into a kept fragment.
    app.context_processor(lambda: {"csrf_token": csrf_token})
    app.after_request(fill_in_csrf)
