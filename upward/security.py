"""Passwords, safe redirects and the HTTP security headers every response carries."""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, Response, current_app, request

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


def init_app(app: Flask) -> None:
    """Add the security headers to every response."""
    app.after_request(add_security_headers)


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


def is_safe_redirect(target: str | None) -> bool:
    """Tell whether a redirect target stays inside this site."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
