"""The Alembic migrations build exactly the schema the models describe, on either database."""

from __future__ import annotations

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from tests.helpers import build_app
from upward.extensions import db


def test_upgrade_builds_the_models_schema_and_downgrade_removes_it(tmp_path):
    gen = build_app(tmp_path)
    app = next(gen)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == []
        assert "completions" in inspect(db.engine).get_table_names()
        flask_migrate.downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    gen.close()


def test_the_program_migration_keeps_pairs_and_appoints_no_one(tmp_path):
    gen = build_app(tmp_path)
    app = next(gen)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        flask_migrate.upgrade(revision="036ed9e4b340")
        with db.engine.begin() as conn:
            for uid, role in ((1, "mentor"), (2, "executive"), (3, "program")):
                conn.execute(
                    text(
                        "INSERT INTO users (id, email, name, password_hash, role, is_author, "
                        "is_admin, session_version, created_at) VALUES (:id, :email, 'N', 'x', "
                        ":role, false, false, 1, '2026-01-05 10:00:00')"
                    ),
                    {"id": uid, "email": f"u{uid}@example.com", "role": role},
                )
            conn.execute(
                text(
                    "INSERT INTO pairs (id, mentor_id, executive_id, created_at) "
                    "VALUES (1, 1, 2, '2026-02-01 09:00:00')"
                )
            )
        flask_migrate.upgrade()
        with db.engine.begin() as conn:
            pair = conn.execute(text("SELECT status, started_at FROM pairs")).one()
            assert pair.status == "active" and pair.started_at is not None
            # A lead who chose the role at registration is not a lead until an admin says so.
            assert conn.execute(text("SELECT count(*) FROM users WHERE is_lead")).scalar() == 0
            conn.execute(
                text(
                    "INSERT INTO pairs (id, mentor_id, executive_id, created_at, status, "
                    "cadence_days, reasons) VALUES (2, 1, 2, '2026-03-01', 'ended', 14, '[]')"
                )
            )
        flask_migrate.downgrade(revision="036ed9e4b340")
        with db.engine.begin() as conn:
            # The ended pair must not come back as a pair that shares templates.
            assert conn.execute(text("SELECT count(*) FROM pairs")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 3
        flask_migrate.downgrade(revision="base")
    gen.close()


def test_invitation_details_keep_existing_invitations(tmp_path):
    gen = build_app(tmp_path)
    app = next(gen)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        flask_migrate.upgrade(revision="a7e41c02d9b5")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO invitations (id, purpose, email, created_at, expires_at) "
                    "VALUES (1, 'lead', 'a@example.com', '2026-11-01 09:00:00', "
                    "'2026-11-08 09:00:00')"
                )
            )
        flask_migrate.upgrade(revision="e4a7c1d2b9f0")
        with db.engine.begin() as conn:
            row = conn.execute(text("SELECT email, details FROM invitations")).one()
            assert row.email == "a@example.com"
            assert row.details in ({}, "{}")  # JSON on PostgreSQL, its text on SQLite
        flask_migrate.downgrade(revision="a7e41c02d9b5")
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT email FROM invitations")).scalar() == "a@example.com"
        flask_migrate.downgrade(revision="base")
    gen.close()
