"""Signed session cookies, each verified once per worker.

Every signed-in request sends the same cookie until the session changes. Flask verifies it each
time (base64, two HMACs, a timestamp, JSON); this interface remembers, per exact cookie value,
the payload and when it was signed, and on later requests checks only the age. Only cookies
whose signature verified are remembered, so a forged one is never found; the session is
decoded afresh from the remembered payload each time, so requests never share its objects.
The signing serializer itself is built once per set of keys, not on every request.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

MAX_COOKIES = 10_000
"""Distinct cookies remembered per worker before starting again."""


class CachedCookieSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, verifying each distinct cookie value once."""

    def __init__(self) -> None:
        self.verified: dict[str, tuple[str, float]] = {}
        self.signers: dict[tuple[Any, ...], URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's serializer for the app's current keys, built once for them."""
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys not in self.signers:
            self.signers[keys] = super().get_signing_serializer(app)
        return self.signers[keys]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        signer = self.get_signing_serializer(app)
        if signer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = app.permanent_session_lifetime.total_seconds()
        found = self.verified.get(value)
        if found is not None and time.time() - found[1] <= max_age:
            return self.session_class(self.serializer.loads(found[0]))
        try:
            data, signed = signer.loads(value, max_age=int(max_age), return_timestamp=True)
        except BadSignature:
            return self.session_class()
        self.remember(value, data, signed.timestamp())
        return self.session_class(data)

    def remember(self, value: str, data: Any, signed_at: float) -> None:
        """Keep a verified cookie's payload and signing time."""
        if len(self.verified) >= MAX_COOKIES:
            self.verified = {}
        self.verified[value] = (self.serializer.dumps(data), signed_at)


def init_app(app: Flask) -> None:
    """Verify each session cookie once per worker."""
    app.session_interface = CachedCookieSessionInterface()
