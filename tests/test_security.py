"""Trying to break in: CSRF, headers, cookies, sessions, rate limits, privacy, account data."""

from __future__ import annotations

import json
import os
import re

import pytest
from sqlalchemy import func, select

from tests.helpers import PASSWORD, AuthActions, build_app, csrf_token
from upward.extensions import db
from upward.models import Completion, ReflectionNote, User

SAMPLE_ARGS = {
    "pathway_id": "mentoring",
    "step_id": "why-upward",
    "check_id": "power",
    "prompt_id": "fear",
    "entry_id": 1,
    "template_id": "checkin",
    "resource_id": "fearless-book",
    "pair_id": 1,
    "meeting_id": 1,
    "action_id": 1,
    "path": "x.png",
    "token": "x",
    "user_id": 1,
    "action": "deactivate",
    "invitation_id": 1,
    "cohort_id": 1,
    "point": "first",
}
CSRF_EXEMPT = {
    # RFC 8058 one-click unsubscribe: mail clients POST without a form; the signed token decides.
    "/unsubscribe/<token>",
}


def post_rules(app):
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods:
            yield rule


def test_every_post_route_refuses_a_missing_csrf_token(app, client, user):
    rules = list(post_rules(app))
    assert len(rules) >= 8
    with app.test_request_context():
        for rule in rules:
            if rule.rule in CSRF_EXEMPT:
                continue
            url = rule.build({a: SAMPLE_ARGS[a] for a in rule.arguments}, append_unknown=False)[1]
            response = client.post(url, data={"text": "x", "choice": "0"})
            assert response.status_code == 400, rule.rule
            assert "That form has expired" in response.get_data(as_text=True)


def test_csrf_token_from_another_session_is_refused(app, client, user):
    other = app.test_client()
    foreign = csrf_token(other, "/account/register")
    response = client.post(
        "/steps/sbi/complete", data={"csrf_token": foreign, "pathway": "mentoring"}
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Completion)) == 0


def test_post_only_actions_refuse_get(client, user):
    for url in (
        "/steps/sbi/complete",
        "/steps/sbi/uncomplete",
        "/account/logout",
        "/account/delete",
        "/account/export",
        "/steps/why-upward/checks/power",
    ):
        assert client.get(url).status_code == 405, url


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "script-src 'self'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_no_inline_script_or_style_on_pages(client, user):
    for url in (
        "/",
        "/dashboard",
        "/pathways/mentoring",
        "/pathways/mentoring/steps/why-upward",
        "/account/",
    ):
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert " style=" not in html, url
        assert not re.search(r"\son[a-z]+=", html), url


def test_session_cookie_flags(client, auth):
    auth.register()
    cookie = client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert not cookie.secure


def test_behind_https_cookies_are_secure_and_hsts_is_sent(tmp_path):
    gen = build_app(
        tmp_path, UPWARD_HTTPS=True, SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True
    )
    app = next(gen)
    client = app.test_client()
    auth = AuthActions(client)
    token = csrf_token(client, "https://localhost/account/register")
    response = client.post(
        "https://localhost/account/register",
        data={
            "csrf_token": token,
            "name": "S",
            "email": "s@example.com",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "role": "mentor",
        },
        headers={"Referer": "https://localhost/account/register"},
    )
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]
    assert "max-age" in client.get("https://localhost/").headers["Strict-Transport-Security"]
    assert auth  # the helper is usable over https too
    gen.close()


def test_login_starts_a_new_session(client, auth):
    auth.register()
    auth.logout()
    client.get("/account/login")
    before = client.get_cookie("session").value
    auth.login()
    assert client.get_cookie("session").value != before


def test_remember_me_cookie_dies_at_logout(app, client, auth):
    auth.register()
    auth.logout()
    auth.login(remember="y")
    remember = client.get_cookie("remember_token")
    assert remember is not None and remember.http_only
    stolen = remember.value
    auth.logout()
    fresh = app.test_client()
    fresh.set_cookie("remember_token", stolen)
    assert fresh.get("/dashboard").status_code == 302


def test_login_is_rate_limited(tmp_path):
    gen = build_app(tmp_path, RATELIMIT_ENABLED=True)
    app = next(gen)
    client = app.test_client()
    auth = AuthActions(client)
    # Per address: failed logins for many accounts (spraying) from one client.
    codes = [
        auth.login(email=f"x{i}@example.com", password="wrong password").status_code
        for i in range(61)
    ]
    assert codes[:60] == [400] * 60
    assert codes[-1] == 429
    assert "Too many attempts" in auth.login().get_data(as_text=True)
    gen.close()


def test_notes_are_private(app, client, auth):
    auth.register(email="a@example.com")
    auth.post(
        "/steps/why-upward/reflections/fear",
        {"text": "My secret worry", "pathway": "mentoring"},
        page="/pathways/mentoring/steps/why-upward",
    )
    auth.logout()
    auth.register(email="b@example.com", name="Bea")
    html = client.get("/pathways/mentoring/steps/why-upward").get_data(as_text=True)
    assert "My secret worry" not in html
    assert "My secret worry" not in client.get("/dashboard").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ReflectionNote.text)) == "My secret worry"


def test_hostile_form_input_is_escaped(client, auth):
    auth.register(name="<script>alert(1)</script>")
    auth.post(
        "/steps/why-upward/reflections/fear",
        {"text": "<img src=x onerror=alert(1)>", "pathway": "mentoring"},
        page="/pathways/mentoring/steps/why-upward",
    )
    html = client.get("/dashboard").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html
    assert "<img src=x" not in html


def test_export_contains_everything_and_only_mine(app, client, auth):
    auth.register(email="a@example.com")
    auth.post("/steps/sbi/complete", {"pathway": "mentoring"}, page="/pathways/mentoring/steps/sbi")
    auth.post(
        "/steps/why-upward/reflections/fear",
        {"text": "mine", "pathway": "mentoring"},
        page="/pathways/mentoring/steps/why-upward",
    )
    response = auth.post("/account/export", page="/account/")
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "a@example.com"
    assert [c["step_id"] for c in data["completions"]] == ["sbi"]
    assert [n["text"] for n in data["reflection_notes"]] == ["mine"]
    assert "password_hash" not in json.dumps(data)


@pytest.mark.parametrize("password", ["wrong password!", ""])
def test_delete_account_needs_the_password(app, client, auth, password):
    auth.register()
    response = auth.post("/account/delete", {"password": password}, page="/account/")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_delete_account_removes_everything(app, client, auth):
    auth.register()
    auth.post("/steps/sbi/complete", {"pathway": "mentoring"}, page="/pathways/mentoring/steps/sbi")
    response = auth.post("/account/delete", {"password": PASSWORD}, page="/account/")
    assert response.headers["Location"] == "/"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
        assert db.session.scalar(select(func.count()).select_from(Completion)) == 0
    assert client.get("/dashboard").status_code == 302


def test_export_and_delete_cover_mentoring_pairs(app, client, auth):
    from upward.models import Pair

    auth.register(email="exec@example.com", name="Eve Exec", role="executive")
    auth.logout()
    auth.register(email="m@example.com", name="Max Mentor")
    with app.app_context():
        ids = dict(db.session.execute(select(User.email, User.id)).all())
        db.session.add(
            Pair(
                mentor_id=ids["m@example.com"],
                executive_id=ids["exec@example.com"],
                status="active",
            )
        )
        db.session.commit()
    data = json.loads(auth.post("/account/export", page="/account/").get_data(as_text=True))
    assert [(p["role"], p["partner"]) for p in data["pairs"]] == [("mentor", "Eve Exec")]
    auth.post("/account/delete", {"password": PASSWORD}, page="/account/")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Pair)) == 0


def test_csrf_token_outlives_a_lesson_left_open_for_hours(client, user, monkeypatch):
    import itsdangerous.timed

    page = "/pathways/mentoring/steps/sbi"
    token = csrf_token(client, page)
    later = itsdangerous.timed.time.time() + 10 * 3600
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later)
    response = client.post(
        "/steps/sbi/complete", data={"csrf_token": token, "pathway": "mentoring"}
    )
    assert response.status_code == 302


def redis_url() -> str | None:
    """Return the local Redis URL when a server answers there."""
    import redis

    url = os.environ.get("UPWARD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return None
    return url


def test_rate_limits_are_shared_through_redis_across_workers(tmp_path):
    url = redis_url()
    if url is None:
        pytest.skip("no Redis server at 127.0.0.1:6379")
    import redis

    redis.Redis.from_url(url).flushdb()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = build_app(tmp_path / "a", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=url)
    second = build_app(tmp_path / "b", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=url)
    workers = [AuthActions(next(first).test_client()), AuthActions(next(second).test_client())]
    codes = [
        workers[i % 2].login(email="x@example.com", password="wrong password").status_code
        for i in range(6)
    ]
    assert codes[:5] == [400] * 5
    assert codes[5] == 429  # the sixth try at one account, whichever worker takes it
    first.close()
    second.close()
    redis.Redis.from_url(url).flushdb()


def test_sessions_have_an_absolute_lifetime(client, auth):
    auth.register()
    auth.logout()
    response = auth.login(remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    remember = next(c for c in cookies if c.startswith("remember_token="))
    assert "Max-Age=2592000" in remember or "Expires=" in remember
    client.get("/dashboard")
    again = client.get("/dashboard")
    assert not any(c.startswith("session=") for c in again.headers.getlist("Set-Cookie"))
