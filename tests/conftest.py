"""Fixtures: an app per test with its own database, a client, and people in their browsers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import AuthActions, MailRecorder, build_app, free_port, pair, person


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    yield from build_app(tmp_path)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def user(auth: AuthActions) -> AuthActions:
    """A registered, logged-in mentor."""
    response = auth.register()
    assert response.status_code == 302, response.get_data(as_text=True)
    return auth


@pytest.fixture
def people(app):
    """The owner (a mentor), their partner (an executive) and a stranger, each in a browser."""
    owner = person(app, "owner@example.com", "Olu Owner", "mentor")
    partner = person(app, "partner@example.com", "Pat Partner", "executive")
    stranger = person(app, "stranger@example.com", "Sid Stranger", "executive")
    pair(app, "owner@example.com", "partner@example.com")
    return {"owner": owner, "partner": partner, "stranger": stranger}


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
