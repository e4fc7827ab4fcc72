"""Registration, login, logout and sessions, through the real forms."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.helpers import PASSWORD, csrf_token
from upward.extensions import db
from upward.models import User


def test_register_logs_in_and_lands_on_dashboard(client, auth):
    response = auth.register(email="Maya@Example.com ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Hello, Maya Mentor" in page
    with client.application.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "maya@example.com"
        assert user.role == "mentor"
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Please tell us your name."),
        ("email", "", "Please enter your email address."),
        ("email", "not-an-email", "doesn&#39;t look like an email address"),
        ("password", "short", "Use at least 10 characters."),
        ("password", "password123", "one of the most common"),
        ("confirm", "something else entirely", "The two passwords don&#39;t match."),
        ("role", "", "Please choose your role in the program."),
    ],
)
def test_register_errors_keep_what_was_typed(client, field, value, message):
    data = {
        "csrf_token": csrf_token(client, "/account/register"),
        "name": "Maya Mentor",
        "email": "maya@example.com",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "role": "mentor",
    }
    if field == "password":
        data["confirm"] = value
    data[field] = value
    response = client.post("/account/register", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    if field != "name":
        assert 'value="Maya Mentor"' in html
    if field != "email":
        assert 'value="maya@example.com"' in html
    assert PASSWORD not in html  # passwords are never echoed back


def test_duplicate_email_is_refused_clearly(client, auth):
    auth.register()
    auth.logout()
    response = auth.register(email="MENTOR@example.com", name="Someone Else")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "An account with this email already exists" in html
    assert 'value="Someone Else"' in html
    with client.application.app_context():
        assert len(db.session.scalars(select(User)).all()) == 1


def test_login_and_logout(client, auth):
    auth.register()
    auth.logout()
    assert client.get("/dashboard").status_code == 302
    response = auth.login()
    assert response.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200
    auth.logout()
    assert client.get("/dashboard").headers["Location"].startswith("/account/login")


@pytest.mark.parametrize(
    ("email", "password"),
    [("mentor@example.com", "wrong password here"), ("nobody@example.com", PASSWORD)],
)
def test_bad_login_gives_the_same_message_either_way(client, auth, email, password):
    auth.register()
    auth.logout()
    response = auth.login(email=email, password=password)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "That email and password don&#39;t match an account." in html
    assert f'value="{email}"' in html


def test_empty_login_fields_are_named(client):
    response = client.post(
        "/account/login", data={"csrf_token": csrf_token(client), "email": "", "password": ""}
    )
    html = response.get_data(as_text=True)
    assert "Please enter your email address." in html
    assert "Please enter your password." in html


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/pathways/mentoring", "/pathways/mentoring"),
        ("https://evil.example/", "/dashboard"),
        ("//evil.example/", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("javascript:alert(1)", "/dashboard"),
        ("", "/dashboard"),
    ],
)
def test_login_next_only_redirects_inside_the_site(client, auth, next_url, expected):
    auth.register()
    auth.logout()
    response = auth.login(next=next_url)
    assert response.headers["Location"] == expected


def test_logout_ends_the_session_on_the_server(client, auth):
    auth.register()
    stolen = client.get_cookie("session").value
    auth.logout()
    client.set_cookie("session", stolen)
    assert client.get("/dashboard").status_code == 302


def test_logout_needs_post(client, auth):
    auth.register()
    assert client.get("/account/logout").status_code == 405
    assert client.get("/dashboard").status_code == 200


def test_production_hashing_meets_owasp_minimum(tmp_path):
    from tests.helpers import build_app

    gen = build_app(tmp_path, UPWARD_ARGON2_MEMORY_KIB=19456, UPWARD_ARGON2_TIME_COST=2)
    app = next(gen)
    from upward.security import hash_password

    with app.app_context():
        assert hash_password("a long enough password").startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    gen.close()


def test_default_settings_hash_at_owasp_minimum(monkeypatch, tmp_path):
    from upward.config import get_config

    config = get_config(str(tmp_path))
    assert config["UPWARD_ARGON2_MEMORY_KIB"] >= 19456
    assert config["UPWARD_ARGON2_TIME_COST"] >= 2
