"""Certificates: earned by finishing a pathway, signed, verifiable by anyone, revocable by leads."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, update

from tests.helpers import (
    MENTORING_STEPS,
    complete_steps,
    csrf_token,
    enrol,
    make_cohort,
    person,
)
from upward.extensions import db
from upward.models import User
from upward.models.reports import Certificate

VERIFY = re.compile(r'href="(?:https?://[^/"]+)?(/verify/[^"]+)"')


@pytest.fixture
def finished(app):
    """A mentor who finished 'Mentoring basics', in a cohort with a lead."""
    mentor = person(app, "mo@example.com", "Mo Mentor", "mentor")
    person(app, "lead@example.com", "Lee Lead", "program")
    cohort = make_cohort(app, "Alpha cohort", leads=("lead@example.com",))
    enrol(app, cohort, "mo@example.com", "mentor")
    complete_steps(app, "mo@example.com", MENTORING_STEPS, days_ago=5)
    return mentor


def claim(actions, pathway: str = "mentoring"):
    token = csrf_token(actions.client, "/certificates/")
    return actions.client.post(f"/certificates/{pathway}", data={"csrf_token": token})


def certificates(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Certificate))


def verification_path(actions) -> str:
    html = actions.client.get("/certificates/mentoring").get_data(as_text=True)
    match = VERIFY.search(html)
    assert match, html
    return match.group(1)


def test_finishing_a_pathway_earns_a_certificate_once(app, finished):
    listing = finished.client.get("/certificates/").get_data(as_text=True)
    assert "Mentoring basics" in listing and "Get your certificate" in listing
    assert claim(finished).status_code == 302
    assert claim(finished).status_code == 302  # a double click
    assert certificates(app) == 1
    html = finished.client.get("/certificates/mentoring").get_data(as_text=True)
    assert "Mo Mentor" in html and "Mentoring basics" in html and "/verify/" in html
    assert "View and print" in finished.client.get("/certificates/").get_data(as_text=True)


def test_an_unfinished_pathway_earns_nothing(app, finished):
    assert finished.client.get("/certificates/leading").status_code == 404
    assert claim(finished, "leading").status_code == 302
    assert certificates(app) == 0
    stranger = person(app, "sid@example.com", "Sid Stranger", "mentor")
    assert stranger.client.get("/certificates/mentoring").status_code == 404
    assert stranger.client.get("/certificates/no-such-pathway").status_code == 404


def test_anyone_can_check_a_certificate_and_a_forged_one_fails(app, client, finished):
    claim(finished)
    path = verification_path(finished)
    html = client.get(path).get_data(as_text=True)
    assert "Genuine" in html and "Mo Mentor" in html and "Mentoring basics" in html
    forged = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    response = client.get(forged)
    assert response.status_code == 404 and "can't confirm" in response.get_data(as_text=True)
    assert "Mo Mentor" not in response.get_data(as_text=True)
    assert client.get("/verify/not-a-token").status_code == 404


def test_a_token_signed_elsewhere_is_not_genuine(app, client, finished, tmp_path):
    from itsdangerous import URLSafeSerializer

    claim(finished)
    with app.app_context():
        code = db.session.scalar(select(Certificate.code))
    fake = URLSafeSerializer("another-secret", salt="upward.certificate").dumps(
        {"c": code, "n": "Mo Mentor", "p": "Mentoring basics", "d": "2026-01-01"}
    )
    assert client.get(f"/verify/{fake}").status_code == 404


def test_the_certificate_keeps_the_name_it_was_given_under(app, client, finished):
    claim(finished)
    path = verification_path(finished)
    with app.app_context():
        db.session.execute(update(User).where(User.email == "mo@example.com").values(name="Moe"))
        db.session.commit()
    assert "Mo Mentor" in client.get(path).get_data(as_text=True)
    assert "Genuine" in client.get(path).get_data(as_text=True)


def test_a_lead_of_the_holder_s_cohort_can_revoke_it(app, client, finished):
    claim(finished)
    path = verification_path(finished)
    lead = person(app, "other@example.com", "Olga Other", "program")
    make_cohort(app, "Beta cohort", leads=("other@example.com",))
    # The holder, a lead of another cohort and anonymous can't revoke it.
    assert "Revoke" not in finished.client.get(path).get_data(as_text=True)
    assert finished.client.get(f"{path}/revoke").status_code == 404
    assert "Revoke" not in lead.client.get(path).get_data(as_text=True)
    assert lead.client.get(f"{path}/revoke").status_code == 404
    token = csrf_token(lead.client, "/certificates/")
    assert lead.client.post(f"{path}/revoke", data={"csrf_token": token}).status_code == 404
    assert client.get(f"{path}/revoke").status_code == 302
    own_lead = finished.__class__(app.test_client())
    own_lead.login("lead@example.com")
    assert "Revoke this certificate" in own_lead.client.get(path).get_data(as_text=True)
    assert own_lead.client.get(f"{path}/revoke").status_code == 200
    token = csrf_token(own_lead.client, f"{path}/revoke")
    assert own_lead.client.post(f"{path}/revoke", data={"csrf_token": token}).status_code == 302
    html = client.get(path).get_data(as_text=True)
    assert "Revoked" in html and "no longer stands" in html
    assert "revoked" in finished.client.get("/certificates/mentoring").get_data(as_text=True)


def test_revoking_needs_the_csrf_token(app, finished):
    claim(finished)
    path = verification_path(finished)
    lead = finished.__class__(app.test_client())
    lead.login("lead@example.com")
    response = lead.client.post(f"{path}/revoke", data={})
    assert response.status_code in (400, 302)
    with app.app_context():
        assert db.session.scalar(select(Certificate.revoked_at)) is None
