"""Admins appoint and stand down program leads, and send lead invitation links."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.helpers import AuthActions, person, user_id
from upward.extensions import db
from upward.models import Cohort, CohortLead, Invitation, User
from upward.models.types import utcnow

LINK = re.compile(r'value="(https?://[^"]+/invitations/[^"]+)"')


def make_admin(app, email="admin@example.com", name="Ada Admin") -> AuthActions:
    admin = person(app, email, name, "mentor")
    with app.app_context():
        db.session.scalars(select(User).where(User.email == email)).one().is_admin = True
        db.session.commit()
    return admin


def is_lead(app, email: str) -> bool:
    with app.app_context():
        return db.session.scalars(select(User).where(User.email == email)).one().is_lead


@pytest.fixture
def admin(app) -> AuthActions:
    return make_admin(app)


def test_only_admins_open_the_leads_page(app, client, admin):
    assert client.get("/admin/leads").status_code == 302  # anonymous: log in first
    learner = person(app, "m@example.com", "Mo Mentor", "mentor")
    lead = person(app, "l@example.com", "Lee Lead", "program")
    for someone in (learner, lead):
        assert someone.client.get("/admin/leads").status_code == 403
        response = someone.post("/admin/leads", {"email": "m@example.com"})
        assert response.status_code == 403
    assert not is_lead(app, "m@example.com")
    assert admin.client.get("/admin/leads").status_code == 200


def test_an_admin_appoints_and_stands_down_a_lead(app, admin):
    lee = person(app, "lee@example.com", "Lee Lead", "mentor")
    assert lee.client.get("/program/").status_code == 403
    response = admin.post("/admin/leads", {"email": " LEE@example.com "}, page="/admin/leads")
    assert response.status_code == 302
    assert is_lead(app, "lee@example.com")
    assert lee.client.get("/program/").status_code == 200
    page = admin.client.get("/admin/leads").get_data(as_text=True)
    assert "Lee Lead" in page

    with app.app_context():
        cohort = Cohort(name="Spring", starts_on=utcnow().date(), ends_on=utcnow().date())
        db.session.add(cohort)
        db.session.flush()
        db.session.add(CohortLead(cohort_id=cohort.id, user_id=user_id(app, "lee@example.com")))
        db.session.commit()
    lee_id = user_id(app, "lee@example.com")
    confirm = admin.client.get(f"/admin/leads/{lee_id}/stand-down").get_data(as_text=True)
    assert "Stand down Lee Lead?" in confirm and "Spring" in confirm
    assert is_lead(app, "lee@example.com")  # asking is not doing
    response = admin.post(f"/admin/leads/{lee_id}/stand-down", page="/admin/leads")
    assert response.status_code == 302
    assert not is_lead(app, "lee@example.com")
    assert lee.client.get("/program/").status_code == 403
    with app.app_context():
        assert db.session.scalars(select(CohortLead)).all() == []


def test_appointing_an_unknown_address_says_to_invite_and_keeps_it(app, admin):
    response = admin.post("/admin/leads", {"email": "new@example.com"}, page="/admin/leads")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "No account uses this address yet" in page
    assert 'value="new@example.com"' in page


def test_a_lead_invitation_works_once_for_a_new_account(app, admin):
    response = admin.post(
        "/admin/leads/invitations", {"email": "", "name": ""}, page="/admin/leads"
    )
    assert response.status_code == 302
    link = LINK.search(admin.client.get("/admin/leads").get_data(as_text=True)).group(1)
    path = link.split("://", 1)[1].split("/", 1)[1]
    newcomer = AuthActions(app.test_client())
    page = newcomer.client.get(f"/{path}").get_data(as_text=True)
    assert "Become a program lead" in page
    response = newcomer.post(
        f"/{path}/join",
        {
            "name": "Nia New",
            "email": "nia@example.com",
            "password": "correct horse battery staple",
            "confirm": "correct horse battery staple",
        },
        page=f"/{path}",
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/program/")
    assert is_lead(app, "nia@example.com")
    # The same link again, by someone else: a clear page, and nothing changes for them.
    other = person(app, "o@example.com", "Oz Other", "mentor")
    page = other.client.get(f"/{path}")
    assert page.status_code == 410
    assert "already used" in page.get_data(as_text=True)
    assert other.post(f"/{path}", page=f"/{path}").status_code == 410
    assert not is_lead(app, "o@example.com")
    # Nia herself sees that she accepted it.
    nia = AuthActions(app.test_client())
    nia.login("nia@example.com")
    assert "already accepted" in nia.client.get(f"/{path}").get_data(as_text=True)


def test_a_double_click_on_accept_records_one_acceptance(app, admin):
    admin.post("/admin/leads/invitations", {}, page="/admin/leads")
    admin.post("/admin/leads/invitations", {}, page="/admin/leads")  # the same click twice
    with app.app_context():
        assert len(db.session.scalars(select(Invitation)).all()) == 1
    link = LINK.search(admin.client.get("/admin/leads").get_data(as_text=True)).group(1)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    lee = person(app, "lee@example.com", "Lee", "mentor")
    assert lee.post(path, page=path).status_code == 302
    second = lee.post(path, page="/")
    assert second.status_code == 200
    assert "already accepted" in second.get_data(as_text=True)


def test_expired_and_withdrawn_links_say_what_to_do(app, admin):
    admin.post("/admin/leads/invitations", {"email": "a@example.com"}, page="/admin/leads")
    admin.post("/admin/leads/invitations", {"email": "b@example.com"}, page="/admin/leads")
    html = admin.client.get("/admin/leads").get_data(as_text=True)
    links = {m.split("://", 1)[1].split("/", 1)[1] for m in LINK.findall(html)}
    assert len(links) == 2
    with app.app_context():
        first, second = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
        first.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        second_id = second.id
    assert (
        admin.post(f"/admin/leads/invitations/{second_id}/revoke", page="/admin/leads").status_code
        == 302
    )
    pages = [AuthActions(app.test_client()).client.get(f"/{path}") for path in sorted(links)]
    texts = " ".join(p.get_data(as_text=True) for p in pages)
    assert {p.status_code for p in pages} == {410}
    assert "has expired" in texts and "Ask Ada Admin to send you a new link" in texts
    assert "was withdrawn" in texts


def test_a_forged_link_is_not_found(client):
    assert client.get("/invitations/not-a-real-token").status_code == 404


def test_a_lead_invitation_is_mailed(mail_app, outbox):
    admin = make_admin(mail_app)
    response = admin.post(
        "/admin/leads/invitations",
        {"email": "Priya@Example.com", "name": "Priya Shah"},
        page="/admin/leads",
    )
    assert response.status_code == 302
    response.close()  # the mail goes once the response has gone out
    [message] = outbox.to("priya@example.com")
    assert message["To"] == "Priya Shah <priya@example.com>"
    assert message["Subject"] == "You're invited to run mentoring programs on Upward"
    body = message.get_body(("plain",)).get_content()
    assert "Hello Priya Shah," in body
    assert "https://upward.example.com/invitations/" in body
    assert "Accept and become a program lead" in body
    with mail_app.app_context():
        invitation = db.session.scalars(select(Invitation)).one()
        assert invitation.email == "priya@example.com"


def test_standing_down_from_the_command_line_also_leaves_the_cohorts(app):
    person(app, "lee@example.com", "Lee Lead", "program")
    with app.app_context():
        cohort = Cohort(name="Spring", starts_on=utcnow().date(), ends_on=utcnow().date())
        db.session.add(cohort)
        db.session.flush()
        db.session.add(CohortLead(cohort_id=cohort.id, user_id=user_id(app, "lee@example.com")))
        db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["users", "revoke-lead", "lee@example.com"]).exit_code == 0
    assert runner.invoke(args=["users", "grant-lead", "lee@example.com"]).exit_code == 0
    with app.app_context():
        assert db.session.scalars(select(CohortLead)).all() == []  # appointed afresh: no cohorts
