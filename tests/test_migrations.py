"""The Alembic migrations build exactly the schema the models describe, on either database."""

from __future__ import annotations

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from tests.helpers import migrated_to
from upward.extensions import db


def add_people(conn, *roles: str) -> None:
    """Insert people with ids 1, 2, ... in these roles, as the schema since is_lead has them."""
    for uid, role in enumerate(roles, start=1):
        conn.execute(
            text(
                "INSERT INTO users (id, email, name, password_hash, role, is_author, is_admin, "
                "is_lead, session_version, created_at) VALUES (:id, :email, 'N', 'x', :role, "
                "false, false, false, 1, '2026-01-05 10:00:00')"
            ),
            {"id": uid, "email": f"u{uid}@example.com", "role": role},
        )


def test_upgrade_builds_the_models_schema_and_downgrade_removes_it(tmp_path):
    with migrated_to(tmp_path):
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == []
        assert "completions" in inspect(db.engine).get_table_names()
        flask_migrate.downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}


def test_the_program_migration_keeps_pairs_and_appoints_no_one(tmp_path):
    with migrated_to(tmp_path, "036ed9e4b340"):
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


def test_invitation_details_keep_existing_invitations(tmp_path):
    with migrated_to(tmp_path, "a7e41c02d9b5"):
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


def test_legacy_shares_become_shares_in_the_authors_active_pairs_only(tmp_path):
    with migrated_to(tmp_path, "bc68e36d89a6"):
        with db.engine.begin() as conn:
            add_people(conn, "mentor", "executive", "executive", "mentor")
            for pid, mentor, executive, status in ((1, 1, 2, "active"), (2, 1, 3, "ended")):
                conn.execute(
                    text(
                        "INSERT INTO pairs (id, mentor_id, executive_id, created_at, status, "
                        "cadence_days, reasons) VALUES (:id, :m, :e, '2026-02-01', :s, 14, '[]')"
                    ),
                    {"id": pid, "m": mentor, "e": executive, "s": status},
                )
            entries = (
                (1, 1, True, False),  # shared, saved: becomes a share in the active pair only
                (2, 1, True, True),  # shared but a draft: nobody could read it, nobody will
                (3, 1, False, False),  # private
                (4, 3, True, False),  # shared by someone whose only pair has ended
                (5, 4, True, False),  # shared by someone with no pair at all
            )
            for eid, uid, shared, draft in entries:
                conn.execute(
                    text(
                        "INSERT INTO template_entries (id, user_id, template_id, title, "
                        '"values", is_draft, shared, created_at, updated_at) VALUES (:id, :u, '
                        "'checkin', 'T', '{}', :d, :s, '2026-03-01 10:00:00', "
                        "'2026-03-02 10:00:00')"
                    ),
                    {"id": eid, "u": uid, "s": shared, "d": draft},
                )
        flask_migrate.upgrade()
        with db.engine.begin() as conn:
            shares = conn.execute(text("SELECT pair_id, entry_id, read_at FROM pair_shares"))
            assert [tuple(row) for row in shares] == [(1, 1, None)]
            assert conn.execute(text("SELECT count(*) FROM template_entries")).scalar() == 5
        columns = {c["name"] for c in inspect(db.engine).get_columns("template_entries")}
        assert "shared" not in columns
        flask_migrate.downgrade(revision="bc68e36d89a6")
        with db.engine.begin() as conn:
            rows = conn.execute(text("SELECT id, shared FROM template_entries ORDER BY id"))
            assert [(i, bool(s)) for i, s in rows] == [
                (1, True),
                (2, False),
                (3, False),
                (4, False),
                (5, False),
            ]
            assert conn.execute(text("SELECT count(*) FROM pair_shares")).scalar() == 1
        flask_migrate.downgrade(revision="base")


def test_decline_notes_come_and_go_without_touching_the_pairs_sessions(tmp_path):
    with migrated_to(tmp_path, "73c7ca962c4e"):
        with db.engine.begin() as conn:
            add_people(conn, "mentor", "executive")
            conn.execute(
                text(
                    "INSERT INTO pairs (id, mentor_id, executive_id, created_at, status, "
                    "cadence_days, reasons) VALUES (1, 1, 2, '2026-02-01', 'active', 14, '[]')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO meetings (id, pair_id, uid, starts_at, minutes, time_zone, "
                    "location, status, moved_count, sequence, created_by_id, created_at, "
                    "updated_at) VALUES (1, 1, 'u1', '2026-02-10 09:00:00', 45, 'UTC', '', "
                    "'held', 0, 0, 1, '2026-02-02', '2026-02-10')"
                )
            )
        flask_migrate.upgrade()
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT decline_note FROM pairs")).scalar() is None
            conn.execute(text("UPDATE pairs SET decline_note = 'A clash of schedules'"))
        flask_migrate.downgrade(revision="73c7ca962c4e")
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM pairs")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM meetings")).scalar() == 1
        columns = {c["name"] for c in inspect(db.engine).get_columns("pairs")}
        assert "decline_note" not in columns
        flask_migrate.downgrade(revision="base")
