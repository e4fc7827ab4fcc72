"""The attacks of the hardening review, each reproduced against the site and now refused."""

from __future__ import annotations

import time

import flask_migrate
import pytest
from sqlalchemy import select, text

from tests.conftest import PASSWORD, AuthActions, build_app
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
