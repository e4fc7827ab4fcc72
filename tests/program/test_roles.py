"""Program leads are appointed, never self-chosen."""

from __future__ import annotations

from sqlalchemy import select

from tests.helpers import AuthActions, csrf_token, person
from upward.extensions import db
from upward.models import User


def test_registration_offers_no_program_lead_role(app, client):
    page = client.get("/account/register").get_data(as_text=True)
    assert 'value="program"' not in page
    token = csrf_token(client, "/account/register")
    response = client.post(
        "/account/register",
        data={
            "csrf_token": token,
            "name": "Sneaky Lead",
            "email": "sneaky@example.com",
            "password": "correct horse battery staple",
            "confirm": "correct horse battery staple",
            "role": "program",
        },
    )
    assert response.status_code == 400
    assert "Sneaky Lead" in response.get_data(as_text=True)  # what was typed is kept
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "sneaky@example.com")) is None


def test_a_learner_with_the_program_track_is_not_a_lead(app):
    learner = person(app, "old@example.com", "Old Lead", "mentor")
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == "old@example.com")).one()
        user.role = "program"  # what self-registration used to allow
        db.session.commit()
    assert learner.client.get("/program/pairs").status_code == 403


def test_an_admin_appoints_a_lead_from_the_command_line(app):
    someone = AuthActions(app.test_client())
    someone.register(email="lee@example.com", name="Lee Lead")
    assert someone.client.get("/program/pairs").status_code == 403
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "grant-lead", "lee@example.com"])
    assert result.exit_code == 0, result.output
    assert "is now a program lead" in result.output
    assert someone.client.get("/program/pairs").status_code == 200
    result = runner.invoke(args=["users", "revoke-lead", "lee@example.com"])
    assert result.exit_code == 0
    assert someone.client.get("/program/pairs").status_code == 403
    assert "No account" in runner.invoke(args=["users", "grant-lead", "x@example.com"]).output
