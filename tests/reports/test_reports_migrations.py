"""The reports' migrations keep every answer, on SQLite and PostgreSQL, up and down."""

from __future__ import annotations

import flask_migrate
from sqlalchemy import text

from tests.helpers import migrated_to
from upward.extensions import db

BEFORE = "bc68e36d89a6"
SUMMARY_BEFORE = "636511f9eeda"


def test_first_try_answers_start_unknown_and_answers_survive_both_ways(tmp_path):
    with migrated_to(tmp_path, BEFORE):
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (id, email, name, password_hash, role, is_author, "
                    "is_admin, is_lead, session_version, created_at) VALUES (1, 'u@example.com', "
                    "'N', 'x', 'mentor', false, false, false, 1, '2026-01-05 10:00:00')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO check_answers (id, user_id, step_id, check_id, choice, correct, "
                    "answered_at) VALUES (1, 1, 'why-upward', 'power', 1, true, '2026-02-01')"
                )
            )
        flask_migrate.upgrade()
        with db.engine.begin() as conn:
            row = conn.execute(text("SELECT correct, first_correct FROM check_answers")).one()
            assert bool(row.correct) is True and row.first_correct is None
        flask_migrate.downgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM check_answers")).scalar() == 1
        flask_migrate.downgrade(revision="base")


def test_certificates_and_surveys_come_and_go_without_touching_anything_else(tmp_path):
    with migrated_to(tmp_path, "5e2b7c1d9a40"):
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (id, email, name, password_hash, role, is_author, "
                    "is_admin, is_lead, session_version, created_at) VALUES (1, 'u@example.com', "
                    "'N', 'x', 'mentor', false, false, false, 1, '2026-01-05 10:00:00')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO cohorts (id, name, starts_on, ends_on, themes, mentor_capacity, "
                    "avoid_same_department, cadence_days, created_at) VALUES (1, 'C', "
                    "'2026-01-01', '2026-06-30', '[]', 1, true, 14, '2026-01-01')"
                )
            )
        flask_migrate.upgrade()
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO certificates (code, user_id, pathway_id, pathway_title, "
                    "holder_name, finished_at, issued_at) VALUES ('c', 1, 'p', 'P', 'N', "
                    "'2026-02-01', '2026-02-01')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO survey_receipts (cohort_id, user_id, point) VALUES (1, 1, 'first')"
                )
            )
        flask_migrate.downgrade(revision="5e2b7c1d9a40")
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM cohorts")).scalar() == 1
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="base")


def test_the_progress_summary_is_backfilled_from_the_completions_and_goes_away(tmp_path):
    with migrated_to(tmp_path, SUMMARY_BEFORE):
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (id, email, name, password_hash, role, is_author, "
                    "is_admin, is_lead, session_version, created_at) VALUES (1, 'u@example.com', "
                    "'N', 'x', 'mentor', false, false, false, 1, '2026-01-05 10:00:00')"
                )
            )
            for n, step in enumerate(("why-upward", "sbi", "listen", "not-in-any-pathway")):
                conn.execute(
                    text(
                        "INSERT INTO completions (id, user_id, step_id, version, completed_at) "
                        "VALUES (:id, 1, :step, 'v', :at)"
                    ),
                    {"id": n + 1, "step": step, "at": f"2026-02-0{n + 1} 10:00:00"},
                )
        flask_migrate.upgrade()
        with db.engine.begin() as conn:
            found = {
                row.pathway_id: row.steps_done
                for row in conn.execute(
                    text("SELECT pathway_id, steps_done FROM pathway_summaries")
                )
            }
            assert found == {"mentoring": 2, "leading": 1}
            # The draft step of the leading pathway is not one of its counted steps.
            steps = conn.execute(
                text("SELECT step_id FROM pathway_steps WHERE pathway_id = 'leading'")
            )
            assert sorted(step for (step,) in steps) == ["listen", "thanks"]
        flask_migrate.downgrade(revision=SUMMARY_BEFORE)
        assert "pathway_summaries" not in db.inspect(db.engine).get_table_names()
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM completions")).scalar() == 4
        flask_migrate.downgrade(revision="base")
