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
The placeholder is random per process, so nothing a person types can produce it. With no time
limit on tokens (the site's setting), a person's signed token is the same on every page, so it
is signed once per worker and remembered by the raw token it signs.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask, Response, current_app, g, has_request_context, request, session
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from upward.content import Library

MAX_ITEMS = 20_000
"""Fragments kept per worker before starting again (a few kilobytes each at most)."""

CSRF_PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"
"""What csrf_token() renders in a request; the response carries the real token in its place."""
PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()


class FragmentCache:
    """Rendered fragments of the current library, by key."""

    def __init__(self, app: Flask, enabled: bool = True) -> None:
        self.app = app
        self.enabled = enabled
        self.library: object = None
        self.items: dict[Hashable, Markup] = {}

    def current_library(self) -> Library:
        """Return the app's last good library (the store is looked up without a proxy)."""
        library: Library = self.app.extensions["upward.library"].library
        return library

    def __call__(self, key: tuple[Any, ...] | None, caller: Callable[[], Markup]) -> Markup:
        """Return the fragment for key, rendering it with caller the first time."""
        if key is None or not self.enabled or not has_request_context():
            return caller()
        library = self.current_library()
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
    body = response.get_data()  # bytes: the placeholder is ASCII, so no decoding is needed
    if PLACEHOLDER_BYTES in body:
        response.set_data(body.replace(PLACEHOLDER_BYTES, signed_csrf().encode()))
    return response


MAX_SIGNED = 10_000
"""Signed tokens remembered per worker before starting again."""


def signed_csrf() -> str:
    """Return the person's signed CSRF token, signing each raw token once per worker.

    Only when tokens have no time limit: a limited token carries its signing time, so it must
    be signed afresh. The raw token lives in the person's session; a new session, a new token.
    """
    config = current_app.config
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    raw = session.get(field)
    if config.get("WTF_CSRF_TIME_LIMIT") is not None or not isinstance(raw, str) or field in g:
        return generate_csrf()
    signed: dict[tuple[str, str], str] = current_app.extensions.setdefault("upward.csrf", {})
    key = (str(config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key), raw)
    token = signed.get(key)
    if token is None:
        token = generate_csrf()
        if len(signed) >= MAX_SIGNED:
            signed.clear()
        signed[key] = token
    setattr(g, field, token)
    return token


def init_app(app: Flask) -> None:
    """Give templates fragment() and the placeholder csrf_token(), filled in after the view."""
    app.jinja_env.globals["fragment"] = FragmentCache(
        app, app.config.get("UPWARD_FRAGMENT_CACHE", True)
    )
    app.jinja_env.globals["csrf_token"] = csrf_token
    # Flask-WTF also hands templates its csrf_token through a context processor; this one,
    # registered later, wins, so no real token is ever rendered into a kept fragment.
    app.context_processor(lambda: {"csrf_token": csrf_token})
    app.after_request(fill_in_csrf)
