"""The attacks of the hardening review, each reproduced against the site and now refused."""

from __future__ import annotations

import time

import flask_migrate
import pytest
from sqlalchemy import select, text

from tests.conftest import PASSWORD, AuthActions, build_app, csrf_token
from upward.extensions import db
from upward.models import User

# 1. A deleted account's cookies must never open the next new account.


def test_a_deleted_accounts_cookies_do_not_open_the_next_account(app, client, auth):
    auth.register(email="gone@example.com")
    auth.logout()
    auth.login(email="gone@example.com", remember="y")
    session, remember = (
        client.get_cookie("session").value,
        client.get_cookie("remember_token").value,
    )
    auth.post("/account/delete", {"password": PASSWORD}, page="/account/")
    with app.app_context():
        assert db.session.scalar(select(User)) is None

    newcomer = AuthActions(app.test_client())
    assert newcomer.register(email="next@example.com", name="Nina Next").status_code == 302
    for name, value in (("session", session), ("remember_token", remember)):
        thief = app.test_client()
        thief.set_cookie(name, value)
        response = thief.get("/dashboard")
        assert response.status_code == 302, name
        assert "Nina Next" not in thief.get("/").get_data(as_text=True)


def test_user_ids_are_never_handed_out_twice(app, auth):
    auth.register(email="first@example.com")
    with app.app_context():
        first_id = db.session.scalar(select(User.id))
    auth.post("/account/delete", {"password": PASSWORD}, page="/account/")
    auth.register(email="second@example.com")
    with app.app_context():
        assert db.session.scalar(select(User.id)) > first_id


def test_migrated_sqlite_database_never_reuses_ids(tmp_path):
    gen = build_app(tmp_path)
    app = next(gen)
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            gen.close()
            pytest.skip("PostgreSQL sequences never hand an id out twice")
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        flask_migrate.upgrade(revision="89caa680d014")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (id, email, name, password_hash, role, is_author, "
                    "is_admin, session_version, created_at) VALUES (7, 'a@example.com', 'A', "
                    "'x', 'mentor', false, false, 1, CURRENT_TIMESTAMP)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO completions (user_id, step_id, version, completed_at) "
                    "VALUES (7, 'sbi', 'v', CURRENT_TIMESTAMP)"
                )
            )
        flask_migrate.upgrade()
        with db.engine.begin() as conn:
            # The rebuild kept the row and what hangs off it.
            assert conn.execute(text("SELECT count(*) FROM completions")).scalar() == 1
            conn.execute(text("DELETE FROM users WHERE id = 7"))
            conn.execute(
                text(
                    "INSERT INTO users (email, name, password_hash, role, is_author, "
                    "is_admin, session_version, created_at) VALUES ('b@example.com', 'B', "
                    "'x', 'mentor', false, false, 1, CURRENT_TIMESTAMP)"
                )
            )
            assert conn.execute(text("SELECT id FROM users")).scalar() == 8
        flask_migrate.downgrade(revision="base")
    gen.close()


def test_sessions_and_remember_me_end_fourteen_days_after_login(app, client, auth, monkeypatch):
    auth.register()
    auth.logout()
    auth.login(remember="y")
    remember = client.get_cookie("remember_token")
    assert remember.expires.timestamp() - time.time() <= 14 * 24 * 3600 + 60
    assert client.get("/dashboard").status_code == 200
    later = time.time() + 14 * 24 * 3600 + 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get("/dashboard").status_code == 302
    replay = app.test_client()
    replay.set_cookie("remember_token", remember.value)
    assert replay.get("/dashboard").status_code == 302


# 5 and 7, and the workshop: limits per account as well as per address, and Redis down is no
# reason to lock everyone out.


def limited_app(tmp_path, **overrides):
    """Return (generator, app) with rate limiting on, behind one trusted proxy."""
    gen = build_app(tmp_path, RATELIMIT_ENABLED=True, UPWARD_PROXIES=1, **overrides)
    return gen, next(gen)


def from_address(client, address):
    """Send every request of a test client as if from one client address (via the proxy)."""
    client.environ_base["HTTP_X_FORWARDED_FOR"] = address
    return client


def test_a_workshop_behind_one_address_all_get_in(tmp_path):
    gen, app = limited_app(tmp_path)
    people = [AuthActions(from_address(app.test_client(), "203.0.113.7")) for _ in range(30)]
    for number, person in enumerate(people):
        response = person.register(email=f"p{number}@example.com", name=f"Person {number}")
        assert response.status_code == 302, number
        person.logout()
    for number, person in enumerate(people):
        if number % 3 == 0:  # a third of the room mistypes once
            assert person.login(email=f"p{number}@example.com", password="typo").status_code == 400
        assert person.login(email=f"p{number}@example.com").status_code == 302, number
    gen.close()


def test_guessing_one_password_from_rotating_addresses_is_throttled(tmp_path):
    gen, app = limited_app(tmp_path)
    AuthActions(app.test_client()).register(email="target@example.com")
    codes = []
    for number in range(7):
        attacker = AuthActions(from_address(app.test_client(), f"198.51.100.{number}"))
        codes.append(attacker.login(email="Target@Example.com", password=f"guess {number}"))
    assert [r.status_code for r in codes] == [400] * 5 + [429] * 2
    # The right password is slowed too, for a while; other accounts are not.
    owner = AuthActions(from_address(app.test_client(), "192.0.2.1"))
    assert owner.login(email="target@example.com").status_code == 429
    AuthActions(app.test_client()).register(email="other@example.com")
    neighbour = AuthActions(from_address(app.test_client(), "198.51.100.1"))
    assert neighbour.login(email="other@example.com").status_code == 302
    gen.close()


def test_redis_down_does_not_stop_logins_and_limits_still_hold(tmp_path, caplog):
    gen, app = limited_app(tmp_path, RATELIMIT_STORAGE_URI="redis://127.0.0.1:9/0")
    auth = AuthActions(app.test_client())
    assert auth.register().status_code == 302
    auth.logout()
    assert auth.login().status_code == 302
    auth.logout()
    codes = [auth.login(password="wrong password").status_code for _ in range(6)]
    assert codes == [400] * 5 + [429]
    assert "falling back to in-memory storage" in caplog.text
    gen.close()


# 8. Passwords: the strength estimator, with the person's own name and email as known words.


def register_with(auth, password, name="Maya Mentor", email="maya@example.com"):
    """Register and return (status, page text)."""
    response = auth.register(email=email, name=name, password=password)
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("aaaaaaaaaa", "Repeats like &#34;aaa&#34; are easy to guess"),
        ("1111111111", "Repeats like &#34;aaa&#34; are easy to guess"),
        ("maya@example.com", "Don&#39;t use your email address in your password"),
        ("MAYA@EXAMPLE.COM!", "Don&#39;t use your email address in your password"),
        ("qwertyuiop", "one of the most common ones"),
        ("Maya Mentor 2026", "too easy to guess"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(auth, password, reason):
    status, page = register_with(auth, password)
    assert status == 400
    assert reason in page


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "żółć gęślą jaźń to mój kot",
        "日本語のパスワードです",
        "a sentence only I would write about Tuesday's ferry " * 4,
    ],
)
def test_passphrases_and_any_unicode_are_welcome(auth, password):
    status, page = register_with(auth, password)
    assert status == 302, page


# 9. Odd input: NUL bytes, CR/LF in ids, invisible characters and look-alikes in names.


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "Eve\x00"},
        {"email": "eve\x00@example.com"},
        {"password": "correct horse\x00 battery staple"},
    ],
)
def test_nul_bytes_in_registration_get_a_clear_400(app, client, auth, fields):
    token = csrf_token(client, "/account/register")
    data = {
        "csrf_token": token,
        "name": "Eve",
        "email": "eve@example.com",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "role": "mentor",
        **fields,
    }
    if "password" in fields:
        data["confirm"] = fields["password"]
    response = client.post("/account/register", data=data)
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User)) is None


def test_nul_bytes_in_login_notes_and_titles_get_a_clear_400(client, user):
    posts = [
        ("/steps/why-upward/reflections/fear", {"text": "my \x00 note"}),
        ("/templates/checkin", {"title": "A\x00B"}),
        ("/entries/1/edit", {"title": "A\x00B"}),
    ]
    for url, data in posts:
        response = user.post(url, data)
        assert response.status_code == 400, url
        assert "NUL character" in response.get_data(as_text=True)
    assert client.get("/search?q=%00").status_code == 400
    user.logout()
    response = user.login(email="mentor@example.com\x00")
    assert response.status_code == 400


@pytest.mark.parametrize("check_id", ["power\r\nSet-Cookie: x=1", "nope", "power%0d%0a"])
def test_odd_check_ids_are_404_not_500(user, check_id):
    from urllib.parse import quote

    url = f"/steps/why-upward/checks/{quote(check_id, safe='%')}"
    assert user.post(url, {"choice": "0"}).status_code == 404
    assert user.post(url, {}).status_code == 404


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Ma\u200bya", "invisible or control character"),
        ("Maya\u3164", "invisible or control character"),
        ("M\u0430ya Mentor", "mixes Cyrillic and Latin letters"),
        ("\u039cαya", "mixes Greek and Latin letters"),
    ],
)
def test_invisible_and_look_alike_names_are_refused(auth, name, message):
    status, page = register_with(auth, PASSWORD, name=name)
    assert status == 400
    assert message in page


def test_names_are_normalised_and_real_names_in_any_script_are_kept(app, auth):
    assert register_with(auth, PASSWORD, name="Ｍａｙａ  Mentor")[0] == 302
    for number, name in enumerate(["Сергей Иванов", "Ζωή Παπαδοπούλου", "山田 太郎", "José Ñúñez"]):
        other = AuthActions(app.test_client())
        assert register_with(other, PASSWORD, name=name, email=f"n{number}@example.com")[0] == 302
    with app.app_context():
        names = set(db.session.scalars(select(User.name)))
    assert "Maya Mentor" in names and "Сергей Иванов" in names


def test_leads_pick_people_by_name_and_email(app, client, auth):
    AuthActions(app.test_client()).register(email="a@example.com", name="Sam Same")
    AuthActions(app.test_client()).register(email="b@example.com", name="Sam Same")
    AuthActions(app.test_client()).register(email="e@example.com", name="E", role="executive")
    auth.register(email="lead@example.com", name="Lee Lead", role="program")
    page = client.get("/program/pairs").get_data(as_text=True)
    assert "Sam Same (a@example.com)" in page and "Sam Same (b@example.com)" in page


# Smaller findings.


def test_a_draft_pathways_title_does_not_leak_in_a_flash(client, user):
    response = user.post("/steps/thanks/complete", {"pathway": "upcoming"}, follow_redirects=True)
    assert "Upcoming program pathway" not in response.get_data(as_text=True)
    assert "/pathways/upcoming" not in response.request.path


def test_a_note_over_the_limit_is_kept_and_explained(app, client, user):
    text = "word " * 4100
    response = user.post("/steps/why-upward/reflections/fear", {"text": text})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Your note is 20,499 characters; a note holds up to 20,000" in page
    assert text.strip() in page
    from upward.models import ReflectionNote

    with app.app_context():
        assert db.session.scalar(select(ReflectionNote)) is None


def test_browser_line_breaks_count_once_toward_the_note_limit(app, user):
    text = ("x" * 99 + "\r\n") * 200  # 20,000 characters as the browser counts them
    assert user.post("/steps/why-upward/reflections/fear", {"text": text}).status_code == 302
    from upward.models import ReflectionNote

    with app.app_context():
        assert len(db.session.scalar(select(ReflectionNote.text))) == 19_999
