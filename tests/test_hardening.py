"""The attacks of the hardening review, each reproduced against the site and now refused."""

from __future__ import annotations

import re
import time
from contextlib import contextmanager, suppress

import flask_migrate
import pytest
from sqlalchemy import func, select, text

from tests.helpers import (
    PASSWORD,
    AuthActions,
    build_app,
    cohort,
    csrf_token,
    migrated_to,
    share_with,
)
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
    with migrated_to(tmp_path, "89caa680d014"):
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL sequences never hand an id out twice")
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
    in_cohort = {"a@example.com": "mentor", "b@example.com": "mentor", "e@example.com": "executive"}
    cohort_id = cohort(app, "lead@example.com", in_cohort)
    page = client.get(f"/program/cohorts/{cohort_id}/matching").get_data(as_text=True)
    assert "Sam Same (a@example.com)" in page and "Sam Same (b@example.com)" in page
    assert "e@example.com" in page


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


# 2 (serving). /media/ serves only what the library uses, and never a draft's images to learners.

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture
def media_app(tmp_path):
    """An app on a copy of the fixture site with images: used, unused, hidden, in a draft."""
    import shutil

    from tests.helpers import SITE

    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    content = site / "content"
    (content / "images").mkdir()
    (content / ".git").mkdir()
    for name in ("images/used.png", "images/unused.png", "images/draft.png", ".git/x.png"):
        (content / name).write_bytes(PNG)
    two = content / "mentor" / "two.md"
    two.write_text(two.read_text() + "\n![A diagram](../images/used.png)\n")
    draft = content / "exec" / "draft-step.md"
    draft.write_text(draft.read_text() + "\n![Sketch](../images/draft.png)\n")
    gen = build_app(
        tmp_path / "db",
        UPWARD_CONTENT_DIR=str(content),
        UPWARD_PATHWAYS_DIR=str(site / "pathways"),
    )
    (tmp_path / "db").mkdir(exist_ok=True)
    app = next(gen)
    yield app, content
    gen.close()


def status_of(client, url):
    """GET a URL and return its status, closing the file a 200 streams."""
    response = client.get(url)
    response.close()
    return response.status_code


def test_media_serves_only_images_the_library_uses(media_app, tmp_path):
    app, content = media_app
    client = app.test_client()
    assert status_of(client, "/media/images/used.png") == 200
    for path in ("images/unused.png", ".git/x.png", "exec/draft-step.md", "../secret.png"):
        assert status_of(client, f"/media/{path}") == 404, path


def test_an_svg_opened_on_its_own_can_run_nothing(media_app):
    app, _ = media_app
    response = app.test_client().get("/media/images/used.png")
    response.close()
    policy = response.headers["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy


def test_a_drafts_images_are_for_authors_only(media_app):
    app, _ = media_app
    learner = AuthActions(app.test_client())
    learner.register(email="learner@example.com")
    assert learner.client.get("/media/images/draft.png").status_code == 404
    assert app.test_client().get("/media/images/draft.png").status_code == 404
    author = AuthActions(app.test_client())
    author.register(email="author@example.com")
    with app.app_context():
        db.session.scalar(select(User).where(User.email == "author@example.com")).is_author = True
        db.session.commit()
    assert status_of(author.client, "/media/images/draft.png") == 200


def test_an_image_swapped_for_a_link_out_after_loading_is_not_served(media_app, tmp_path):
    app, content = media_app
    secret = tmp_path / "secret_key"
    secret.write_text("0123456789abcdef")
    used = content / "images" / "used.png"
    used.unlink()
    used.symlink_to(secret)
    response = app.test_client().get("/media/images/used.png")
    assert response.status_code == 404
    assert b"0123456789abcdef" not in response.data


# 4. Size limits on requests.


def test_a_huge_anonymous_post_gets_a_styled_413_before_it_is_read(client):
    response = client.post(
        "/account/register", data={"name": "x" * (3 * 1024 * 1024)}, content_type=None
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "That was too much to send at once" in page
    assert "/static/" in page  # the site's own style, not Werkzeug's bare page


def test_a_form_with_thousands_of_fields_is_refused(client):
    fields = {f"f{i}": "x" for i in range(1000)}
    response = client.post("/account/login", data=fields, content_type="multipart/form-data")
    assert response.status_code == 413


def test_the_longest_template_filled_to_its_limits_still_fits(user):
    big = {f"f_{name}": "é\r\n" * 10_000 for name in ("learned", "change")}
    response = user.post("/templates/checkin", {"title": "Big", **big, "action": "draft"})
    assert response.status_code == 302


# 6. "Save draft" with Share ticked stays private.


def make_pair(app):
    """Register a mentor and an executive and pair them; return both clients' helpers."""
    from upward.models import Pair

    mentor = AuthActions(app.test_client())
    mentor.register(email="m@example.com", name="Mentor M")
    executive = AuthActions(app.test_client())
    executive.register(email="e@example.com", name="Exec E", role="executive")
    with app.app_context():
        ids = dict(db.session.execute(select(User.email, User.id)).all())
        db.session.add(
            Pair(mentor_id=ids["m@example.com"], executive_id=ids["e@example.com"], status="active")
        )
        db.session.commit()
    return mentor, executive


def test_a_shared_draft_is_not_readable_by_the_partner(app):
    from upward.models import TemplateEntry

    mentor, executive = make_pair(app)
    response = mentor.post(
        "/templates/checkin",
        {
            "title": "Secret draft",
            "f_learned": "private words",
            **share_with(app, "m@example.com"),
            "action": "draft",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        entry_id = db.session.scalar(select(TemplateEntry.id))
    assert executive.client.get(f"/entries/{entry_id}").status_code == 404
    assert "Secret draft" not in executive.client.get("/templates").get_data(as_text=True)
    assert "private words" not in executive.client.get("/dashboard").get_data(as_text=True)
    # Saved for real, it is shared as the box said.
    mentor.post(
        f"/entries/{entry_id}/edit",
        {
            "title": "Now shared",
            "f_session_date": "2026-11-30",
            "f_learned": "words",
            **share_with(app, "m@example.com"),
            "action": "save",
        },
        page=f"/entries/{entry_id}/edit",
    )
    assert executive.client.get(f"/entries/{entry_id}").status_code == 200


# 10. A retried save keeps one copy.


def test_a_resent_template_save_keeps_one_copy(app, client, user):
    import re

    from upward.models import TemplateEntry

    page = client.get("/templates/checkin").get_data(as_text=True)
    submission = re.search(r'name="submission" type="hidden" value="([0-9a-f]{32})"', page)
    assert submission, "the form names its submission"
    data = {
        "title": "Once",
        "action": "draft",
        "f_learned": "One answer",  # an empty draft is not kept at all (#16)
        "submission": submission.group(1),
    }
    first = user.post("/templates/checkin", data)
    second = user.post("/templates/checkin", data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TemplateEntry)) == 1
    other = user.post(
        "/templates/checkin", {"title": "Another", "action": "draft", "f_learned": "Another"}
    )
    assert other.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TemplateEntry)) == 2


# 10 and #16. The database down or slow: 503 with Retry-After, styled pages without it.


@contextmanager
def database_down(app):
    """Make every new database connection fail meanwhile, as when the server is down."""
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine
    error = engine.dialect.loaded_dbapi.OperationalError

    def refuse(*args, **kwargs):
        raise error("connection refused: the database is down")

    from upward.database import connect_watched

    # The first do_connect listener that returns a connection wins: stand in for the watcher.
    watched = event.contains(engine, "do_connect", connect_watched)
    if watched:
        event.remove(engine, "do_connect", connect_watched)
    event.listen(engine, "do_connect", refuse)
    try:
        yield
    finally:
        event.remove(engine, "do_connect", refuse)
        if watched:
            event.listen(engine, "do_connect", connect_watched)


def test_database_down_gives_a_styled_503_with_retry_after(app, client, auth):
    auth.register()
    auth.logout()
    login_page = client.get("/account/login")
    assert login_page.status_code == 200
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page.text)
    with database_down(app):
        response = client.post(
            "/account/login",
            data={
                "csrf_token": token.group(1),
                "email": "mentor@example.com",
                "password": PASSWORD,
            },
        )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    page = response.get_data(as_text=True)
    assert "Upward is briefly unavailable" in page and "/static/" in page


def test_error_pages_render_for_a_signed_in_person_without_the_database(tmp_path):
    gen = build_app(tmp_path, PROPAGATE_EXCEPTIONS=False)
    app = next(gen)

    @app.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    client = app.test_client()
    AuthActions(client).register()
    with database_down(app):
        for url, code in (("/dashboard", 503), ("/no-such-page", 404), ("/boom", 500)):
            response = client.get(url)
            assert response.status_code == code, url
            page = response.get_data(as_text=True)
            assert "/static/" in page and f"Error {code}" in page, url
    gen.close()


def test_the_database_has_timeouts(app):
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                assert conn.execute(text("SHOW statement_timeout")).scalar() == "10s"
                assert conn.execute(text("SHOW lock_timeout")).scalar() == "10s"
        else:
            with engine.connect() as conn:
                assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
                assert conn.execute(text("PRAGMA secure_delete")).scalar() == 1


def test_the_pool_gives_up_waiting_for_a_connection(tmp_path):
    from tests.helpers import make_config
    from upward import create_app

    config = make_config(tmp_path)
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
    app = create_app(config)
    with app.app_context():
        assert db.engine.pool.timeout() == 5
        db.engine.dispose()
    app.extensions["upward.library"].stop()


# Smaller: the SQLite file is private; cookies take the __Host- prefix behind HTTPS.


def test_the_sqlite_file_is_created_private(tmp_path, monkeypatch):
    import os
    import stat

    from tests.helpers import make_config
    from upward import create_app

    monkeypatch.delenv("DATABASE_URL", raising=False)
    path = tmp_path / "private.db"
    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}"))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    app.extensions["upward.library"].stop()
    assert stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0


def test_cookies_take_the_host_prefix_behind_https(monkeypatch):
    from upward.config import get_config

    monkeypatch.setenv("UPWARD_HTTPS", "1")
    monkeypatch.setenv("UPWARD_SECRET_KEY", "x" * 32)
    config = get_config("/tmp")
    assert config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert config["REMEMBER_COOKIE_NAME"] == "__Host-remember_token"
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]


# 10. A frozen database: the watchdog gives up on a wait that statement_timeout can't end.


class FreezingProxy:
    """A TCP proxy to PostgreSQL that can stop passing bytes, as a stopped server does."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        import socket
        import threading

        self.upstream = upstream
        self.frozen = threading.Event()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self) -> None:
        import socket
        import threading

        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            remote = socket.create_connection(self.upstream)
            for source, target in ((client, remote), (remote, client)):
                threading.Thread(target=self.pump, args=(source, target), daemon=True).start()

    def pump(self, source, target) -> None:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            while self.frozen.is_set():
                time.sleep(0.05)
            if not data:
                for sock in (source, target):
                    with suppress(OSError):
                        sock.close()
                return
            with suppress(OSError):
                target.sendall(data)

    def close(self) -> None:
        self.server.close()


def test_a_frozen_database_gets_a_503_not_a_hung_worker(tmp_path, monkeypatch):
    import os

    from sqlalchemy.engine import make_url

    from upward import database

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("the watchdog guards PostgreSQL connections")
    real = make_url(url.replace("postgresql://", "postgresql+psycopg://"))
    proxy = FreezingProxy((real.host or "127.0.0.1", real.port or 5432))
    monkeypatch.setattr(database.WATCHDOG, "seconds", 1.0)
    proxied = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    gen = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=proxied)
    app = next(gen)
    client = app.test_client()
    AuthActions(client).register()
    armed = []

    def freeze_once_connected(*args):
        if armed:
            proxy.frozen.set()  # connected, then the server stops answering mid-request

    from sqlalchemy import event

    with app.app_context():
        event.listen(db.engine, "connect", freeze_once_connected)
    armed.append(True)
    started = time.monotonic()
    response = client.get("/dashboard")
    waited = time.monotonic() - started
    armed.clear()
    proxy.frozen.clear()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert waited < 5
    assert client.get("/dashboard").status_code == 200  # back once the database answers
    gen.close()
    proxy.close()


# Found when trying the site again: ids too big for the database were a 500.


@pytest.mark.parametrize(
    "url",
    ["/entries/99999999999999999999999", "/entries/2147483648/edit", "/entries/2147483648.md"],
)
def test_ids_too_big_for_the_database_are_404(user, url):
    assert user.client.get(url).status_code == 404


def test_the_largest_database_id_is_still_a_normal_404(user):
    assert user.client.get("/entries/2147483647").status_code == 404
