"""Passwords, safe redirects and the HTTP security headers every response carries."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, Response, current_app, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

MIN_PASSWORD_LENGTH = 10


class InvalidCharacters(BadRequest):
    """A form or query string with a NUL byte: no database column can store one."""

    hint = (
        "Something you sent contains an invisible NUL character, which can't be stored. "
        "Retype the text instead of pasting it, and try again."
    )


class DatabaseIntConverter(IntegerConverter):
    """An `<int:...>` URL part that fits a database integer: a bigger one is a 404, not a 500."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Add the security headers to every response; refuse NUL bytes and oversized ids."""
    app.url_map.converters["int"] = DatabaseIntConverter
    app.before_request(refuse_nul_bytes)
    app.after_request(add_security_headers)


def refuse_nul_bytes() -> None:
    """Answer 400 to input with a NUL byte, the same on SQLite and PostgreSQL (which errs)."""
    values = [*request.args.keys(), *request.args.values()]
    if request.method == "POST":
        values += [*request.form.keys(), *request.form.values()]
    if any("\x00" in value for value in values):
        raise InvalidCharacters()


def add_security_headers(response: Response) -> Response:
    """Set CSP, framing, sniffing, referrer and (behind HTTPS) HSTS headers."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["UPWARD_HTTPS"]:
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    if request.endpoint != "static" and "Cache-Control" not in headers:
        # Pages carry personal progress and notes: never store them in shared caches.
        headers["Cache-Control"] = "no-store"
    return response


@cache
def get_hasher(memory_kib: int, time_cost: int) -> PasswordHasher:
    """Return an argon2id hasher (OWASP minimum: m=19 MiB, t=2, p=1)."""
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)


def current_hasher() -> PasswordHasher:
    """Return the hasher configured for this app."""
    config = current_app.config
    return get_hasher(config["UPWARD_ARGON2_MEMORY_KIB"], config["UPWARD_ARGON2_TIME_COST"])


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return current_hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Tell whether a password matches its hash, never raising on a bad hash."""
    try:
        return current_hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Tell whether a hash was made with weaker settings than today's."""
    return current_hasher().check_needs_rehash(password_hash)


@cache
def common_passwords() -> frozenset[str]:
    """Return the 30,000 most common passwords (zxcvbn's list, from real leaks)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common_password(password: str) -> bool:
    """Tell whether a password is one of the most common ones."""
    return password.lower() in common_passwords()


MIN_PASSWORD_SCORE = 3
"""zxcvbn's scale: 3 is 'safely unguessable' against an online attack (about 10^8 guesses)."""
ZXCVBN_MAX = 72
"""zxcvbn refuses longer input; what comes after 72 characters only makes a password stronger."""


def get_password_problem(password: str, user_inputs: Iterable[str | None] = ()) -> str | None:
    """Return why a password is too easy to guess (with what would do), or None if it is fine.

    The strength estimator knows common passwords, names, dates, keyboard patterns and
    repeats; user_inputs (the person's name and email) count as known words too.
    """
    from zxcvbn import zxcvbn

    words = [word for value in user_inputs if value for word in get_personal_words(value)]
    lowered = password.lower()
    if any(len(word) >= 4 and word in lowered for word in words if "@" in word):
        return "Don't use your email address in your password. A short sentence works well."
    if is_common_password(password):
        return "That password is one of the most common ones and easy to guess. Choose another."
    result = zxcvbn(password[:ZXCVBN_MAX], user_inputs=words)
    if result["score"] >= MIN_PASSWORD_SCORE:
        return None
    feedback = result["feedback"]
    reason = feedback.get("warning") or "It would be guessed quickly."
    if "your name" not in reason and any(len(w) >= 3 and w in lowered for w in words):
        reason = "It is built on your name or email address."
    return (
        f"That password is too easy to guess. {reason.rstrip('.')}. "
        "Add a few more words: a short sentence only you would write works well."
    )


def get_personal_words(value: str) -> list[str]:
    """Return a name or address and its parts, lower-cased, as words an attacker would try."""
    value = value.strip().lower()
    parts = re.split(r"[\s@._+-]+", value)
    return [value, *(part for part in parts if part)]


def is_safe_redirect(target: str | None) -> TypeGuard[str]:
    """Tell whether a redirect target stays inside this site."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
