"""Shared fixtures: an app per test with its own database, a client, and an auth helper."""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterator
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.pool import NullPool

from upward import create_app
from upward.extensions import db

HERE = Path(__file__).parent
SITE = HERE / "fixtures" / "site"
ROOT = HERE.parent
PASSWORD = "correct horse battery staple"


def make_config(tmp_path: Path, **overrides: object) -> dict[str, object]:
    """Return test settings: fixture library, private database, cheap password hashing."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    config: dict[str, object] = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": url,
        "UPWARD_CONTENT_DIR": str(SITE / "content"),
        "UPWARD_PATHWAYS_DIR": str(SITE / "pathways"),
        "UPWARD_WATCH": False,
        "UPWARD_ARGON2_MEMORY_KIB": 64,
        "UPWARD_ARGON2_TIME_COST": 1,
        "RATELIMIT_ENABLED": False,
        # Each test builds its own app; closing connections at once keeps engines from
        # leaving idle PostgreSQL connections behind for the garbage collector.
        "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": NullPool},
    }
    config.update(overrides)
    return config


def build_app(tmp_path: Path, **overrides: object) -> Iterator[Flask]:
    """Create an app with a fresh schema, and clean the database up afterwards."""
    app = create_app(make_config(tmp_path, **overrides))
    with app.app_context():
        db.drop_all()
        db.create_all()
    # The app recorded no step versions at start (there were no tables): record them now,
    # as the next load would in production after `flask db upgrade`.
    app.extensions["upward.versions"].record(app.extensions["upward.library"].library)
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()
    store = app.extensions["upward.library"]
    store.stop()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    yield from build_app(tmp_path)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


SITE_SCRIPT = '<script src="/static/js/unsaved.js" defer></script>'
"""The site's one script, a static file (CSP allows no inline script)."""


def without_site_script(html: str) -> str:
    """Return a page without the site's own script tag, to check nothing else adds one."""
    return html.replace(SITE_SCRIPT, "", 1)


CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(client: FlaskClient, url: str = "/account/login") -> str:
    """Fetch a page and return the CSRF token in its first form."""
    html = client.get(url).get_data(as_text=True)
    match = CSRF.search(html)
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


class AuthActions:
    """Register, log in and log out through the real forms."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def register(
        self,
        email: str = "mentor@example.com",
        name: str = "Maya Mentor",
        role: str = "mentor",
        password: str = PASSWORD,
    ):
        token = csrf_token(self.client, "/account/register")
        return self.client.post(
            "/account/register",
            data={
                "csrf_token": token,
                "name": name,
                "email": email,
                "password": password,
                "confirm": password,
                "role": role,
            },
        )

    def login(self, email: str = "mentor@example.com", password: str = PASSWORD, **extra):
        token = csrf_token(self.client, "/account/login")
        data = {"csrf_token": token, "email": email, "password": password, **extra}
        return self.client.post("/account/login", data=data)

    def logout(self):
        token = csrf_token(self.client, "/")
        return self.client.post("/account/logout", data={"csrf_token": token})

    def post(self, url: str, data: dict | None = None, page: str = "/", **kwargs):
        """POST to a URL with a valid CSRF token taken from `page`."""
        token = csrf_token(self.client, page)
        return self.client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def user(auth: AuthActions) -> AuthActions:
    """A registered, logged-in mentor."""
    response = auth.register()
    assert response.status_code == 302, response.get_data(as_text=True)
    return auth


class MailRecorder:
    """An aiosmtpd handler that keeps every message and can refuse chosen addresses."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=email_policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """Return the messages received for one address."""
        return [m for m in self.messages if address in m["To"]]


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[MailRecorder, int]]:
    """A real SMTP server on 127.0.0.1 for the test, and what it received."""
    from aiosmtpd.controller import Controller

    recorder = MailRecorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    yield recorder, port
    controller.stop()


@pytest.fixture
def mail_app(tmp_path: Path, smtp_server) -> Iterator[Flask]:
    """An app that sends its mail to the test's SMTP server."""
    _, port = smtp_server
    yield from build_app(
        tmp_path,
        UPWARD_SMTP_HOST="127.0.0.1",
        UPWARD_SMTP_PORT=port,
        UPWARD_SMTP_TLS="none",
        UPWARD_SMTP_TIMEOUT=5.0,
        UPWARD_BASE_URL="https://upward.example.com",
    )


@pytest.fixture
def outbox(smtp_server) -> MailRecorder:
    """The messages the test's SMTP server received."""
    return smtp_server[0]
