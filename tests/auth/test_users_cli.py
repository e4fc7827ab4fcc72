"""`flask users`: make authors and admins from the command line."""

from __future__ import annotations

from sqlalchemy import select

from upward.extensions import db
from upward.models import User


def test_users_cli_grants_and_revokes_author(app, user):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "grant-author", "MENTOR@example.com"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(User.is_author))
    assert "mentor@example.com\tmentor\tauthor" in runner.invoke(args=["users", "list"]).output
    runner.invoke(args=["users", "revoke-author", "mentor@example.com"])
    with app.app_context():
        assert not db.session.scalar(select(User.is_author))
    missing = runner.invoke(args=["users", "grant-author", "nobody@example.com"])
    assert missing.exit_code != 0 and "No account" in missing.output


def test_create_admin_cli(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create-admin", "--email", "lead@example.com", "--name", "Lee"],
        input="a long admin password\na long admin password\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        admin = db.session.scalar(select(User))
        assert admin.is_admin and admin.is_author and admin.role == "program"
