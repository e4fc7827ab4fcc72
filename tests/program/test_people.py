"""People into a cohort: one by one, by invitation link, and from an HR system's CSV export."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from sqlalchemy import select

from tests.helpers import AuthActions, person, user_id
from upward.extensions import db
from upward.models import Cohort, CohortLead, Invitation, Membership, Profile, SentMessage
from upward.models.types import utcnow

LINK = re.compile(r'value="https?://[^/"]+(/invitations/[^"]+)"')


def make_cohort(app, lead_email: str, name: str = "Spring 2027") -> int:
    with app.app_context():
        today = utcnow().date()
        cohort = Cohort(
            name=name,
            starts_on=today,
            ends_on=today.replace(year=today.year + 1),
            themes=["New technology", "Workplace culture"],
        )
        db.session.add(cohort)
        db.session.flush()
        db.session.add(CohortLead(cohort_id=cohort.id, user_id=user_id(app, lead_email)))
        db.session.commit()
        return cohort.id


def members(app, cohort_id: int) -> dict[str, str]:
    from upward.models import User

    with app.app_context():
        rows = db.session.execute(
            select(User.email, Membership.role)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.cohort_id == cohort_id, Membership.left_at.is_(None))
        )
        return {email: role for email, role in rows}


def sent(app) -> list[SentMessage]:
    with app.app_context():
        return list(db.session.scalars(select(SentMessage).order_by(SentMessage.id)))


@pytest.fixture
def lead(app) -> AuthActions:
    return person(app, "lee@example.com", "Lee Lead", "program")


def test_adding_someone_with_an_account_puts_them_in_at_once(app, lead):
    person(app, "mo@example.com", "Mo Mentor", "mentor")
    cohort_id = make_cohort(app, "lee@example.com")
    page = f"/program/cohorts/{cohort_id}"
    data = {"email": "MO@example.com", "name": "", "role": "mentor"}
    assert lead.post(f"{page}/people", data, page=page).status_code == 302
    assert lead.post(f"{page}/people", data, page=page).status_code == 302  # twice: one row
    assert members(app, cohort_id) == {"mo@example.com": "mentor"}
    listing = lead.client.get(page).get_data(as_text=True)
    assert "Mo Mentor" in listing and "mo@example.com" in listing
    # Told once that they are in, and where to start.
    assert [(m.kind, m.to_address) for m in sent(app)] == [("cohort_joined", "mo@example.com")]


def test_adding_a_new_address_invites_it_once(mail_app, outbox):
    lead = person(mail_app, "lee@example.com", "Lee Lead", "program")
    cohort_id = make_cohort(mail_app, "lee@example.com")
    page = f"/program/cohorts/{cohort_id}"
    data = {"email": "dee@example.com", "name": "Diane Exec", "role": "executive"}
    for _ in range(2):
        response = lead.post(f"{page}/people", data, page=page)
        assert response.status_code == 302
        response.close()
    [message] = outbox.to("dee@example.com")
    assert message["Subject"] == "Join Spring 2027 on Upward as an executive mentee"
    body = message.get_body(("plain",)).get_content()
    assert "Hello Diane Exec," in body and "Lee Lead invited you" in body
    [path] = re.findall(r"https://upward\.example\.com(/invitations/\S+)", body)
    # Diane creates her account from the link and is in the cohort as an executive.
    diane = AuthActions(mail_app.test_client())
    form = diane.client.get(path).get_data(as_text=True)
    assert 'value="dee@example.com"' in form and 'value="Diane Exec"' in form
    response = diane.post(
        f"{path}/join",
        {
            "name": "Diane Exec",
            "email": "dee@example.com",
            "password": "correct horse battery staple",
            "confirm": "correct horse battery staple",
        },
        page=path,
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/profile/")
    assert members(mail_app, cohort_id) == {"dee@example.com": "executive"}


def test_a_malformed_address_is_refused_and_kept(app, lead):
    cohort_id = make_cohort(app, "lee@example.com")
    page = f"/program/cohorts/{cohort_id}"
    response = lead.post(
        f"{page}/people", {"email": "dee@@example", "name": "Dee", "role": "mentor"}, page=page
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "look like an email address" in html and 'value="dee@@example"' in html
    assert sent(app) == []


def test_an_invitation_link_per_role_works_once(app, lead):
    cohort_id = make_cohort(app, "lee@example.com")
    page = f"/program/cohorts/{cohort_id}"
    assert lead.post(f"{page}/invitations", {"role": "mentor"}, page=page).status_code == 302
    [path] = LINK.findall(lead.client.get(page).get_data(as_text=True))
    mo = person(app, "mo@example.com", "Mo Mentor", "executive")
    shown = unescape(mo.client.get(path).get_data(as_text=True))
    assert "Join Spring 2027" in shown and "as a mentor" in shown
    assert mo.post(path, page=path).status_code == 302
    assert members(app, cohort_id) == {"mo@example.com": "mentor"}
    sam = person(app, "sam@example.com", "Sam Second", "mentor")
    again = sam.client.get(path)
    assert again.status_code == 410 and "already used" in again.get_data(as_text=True)
    assert sam.post(path, page="/").status_code == 410
    assert members(app, cohort_id) == {"mo@example.com": "mentor"}


def test_closing_the_cohort_withdraws_its_links(app, lead):
    cohort_id = make_cohort(app, "lee@example.com")
    page = f"/program/cohorts/{cohort_id}"
    lead.post(f"{page}/invitations", {"role": "executive"}, page=page)
    [path] = LINK.findall(lead.client.get(page).get_data(as_text=True))
    lead.post(f"{page}/archive", page=page)
    response = AuthActions(app.test_client()).client.get(path)
    assert response.status_code == 410
    assert "has closed" in response.get_data(as_text=True)


def test_a_lead_withdraws_a_link(app, lead):
    cohort_id = make_cohort(app, "lee@example.com")
    page = f"/program/cohorts/{cohort_id}"
    lead.post(f"{page}/invitations", {"role": "mentor"}, page=page)
    with app.app_context():
        invitation_id = db.session.scalars(select(Invitation.id)).one()
    other = person(app, "kim@example.com", "Kim Lead", "program")
    make_cohort(app, "kim@example.com", "Kim's cohort")
    url = f"{page}/invitations/{invitation_id}/revoke"
    assert other.post(url, page="/program/").status_code == 404
    assert lead.post(url, page=page).status_code == 302
    with app.app_context():
        assert db.session.get(Invitation, invitation_id).revoked_at is not None


HR_EXPORT = (
    "\ufeffFull Name;E-mail Address;Programme Role;Dept;Line Manager Email\r\n"
    "Mo Mentor;mo@example.com;Mentor;Marketing;boss@example.com\r\n"
    "Diane Exec;dee@example.com;Executive;Finance;\r\n"
    "Bad Address;not-an-address;mentor;Sales;\r\n"
    ";;;;\r\n"
    "No Role;norole@example.com;;Sales;\r\n"
    "Odd Role;odd@example.com;chief;Sales;\r\n"
    "Mo Again;MO@example.com;mentor;Marketing;\r\n"
    "Own Boss;self@example.com;mentor;Sales;self@example.com\r\n"
)


def upload(lead: AuthActions, cohort_id: int, text: str, role: str = "", encoding="utf-8"):
    page = f"/program/cohorts/{cohort_id}/import"
    return lead.post(
        page,
        {"file": (io.BytesIO(text.encode(encoding)), "people.csv"), "role": role},
        page=page,
        content_type="multipart/form-data",
    )


def test_an_hr_import_takes_good_rows_and_lists_bad_ones_by_line(app, lead):
    person(app, "mo@example.com", "Mo Mentor", "mentor")
    cohort_id = make_cohort(app, "lee@example.com")
    response = upload(lead, cohort_id, HR_EXPORT)
    assert response.status_code == 200
    page = unescape(response.get_data(as_text=True))
    assert "1 added (they had accounts) · 1 invited by email" in page
    assert "“not-an-address” isn't an email address, so nobody was mailed." in page
    for line, why in (
        (6, "The role “” isn't one we know"),
        (7, "The role “chief” isn't one we know"),
        (8, "mo@example.com is already on line 2 of this file."),
        (9, "The manager's address is their own."),
    ):
        assert re.search(rf"<td>{line}</td><td>[^<]*</td><td>{re.escape(why)}", page), line
    assert "<td>4</td>" in page  # the malformed address, with its line
    assert members(app, cohort_id) == {"mo@example.com": "mentor"}
    with app.app_context():
        profile = db.session.get(Profile, user_id(app, "mo@example.com"))
        assert (profile.department, profile.manager_email) == ("Marketing", "boss@example.com")
        invited = db.session.scalars(select(Invitation)).all()
        assert [(i.email, i.role, i.name) for i in invited] == [
            ("dee@example.com", "executive", "Diane Exec")
        ]
    assert [(m.kind, m.to_address) for m in sent(app)] == [
        ("cohort_joined", "mo@example.com"),
        ("invitation", "dee@example.com"),
    ]
    # The same file again adds, invites and mails nobody twice.
    again = unescape(upload(lead, cohort_id, HR_EXPORT).get_data(as_text=True))
    assert "0 added (they had accounts) · 0 invited by email · 2 already in" in again
    assert len(sent(app)) == 2
    with app.app_context():
        assert len(db.session.scalars(select(Invitation)).all()) == 1


def test_an_import_with_commas_and_a_default_role(app, lead):
    cohort_id = make_cohort(app, "lee@example.com")
    text = "first name,last name,email\nAna,Lima,ana@example.com\nBo,Chen,bo@example.com\n"
    page = unescape(upload(lead, cohort_id, text, role="mentor").get_data(as_text=True))
    assert "2 invited by email" in page
    with app.app_context():
        names = db.session.scalars(select(Invitation.name).order_by(Invitation.id)).all()
        assert names == ["Ana Lima", "Bo Chen"]


def test_an_import_from_old_excel_in_windows_1252(app, lead):
    cohort_id = make_cohort(app, "lee@example.com")
    text = "name,email,role\nJosé Müller,jose@example.com,mentee\n"
    page = unescape(upload(lead, cohort_id, text, encoding="cp1252").get_data(as_text=True))
    assert "1 invited by email" in page
    with app.app_context():
        invitation = db.session.scalars(select(Invitation)).one()
        assert (invitation.name, invitation.role) == ("José Müller", "executive")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty."),
        ("name,role\nAna,mentor\n", "The file has no email column."),
        ("name,email\nAna,ana@example.com\n", "The file has no role column."),
        ("name,email,role\n", "The file has a header line but nobody in it."),
    ],
)
def test_an_unusable_file_says_why(app, lead, text, message):
    cohort_id = make_cohort(app, "lee@example.com")
    response = upload(lead, cohort_id, text)
    assert response.status_code == 400
    assert message in unescape(response.get_data(as_text=True))


def test_no_file_chosen(app, lead):
    cohort_id = make_cohort(app, "lee@example.com")
    page = f"/program/cohorts/{cohort_id}/import"
    response = lead.post(page, {"role": ""}, page=page, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose the CSV file to import." in response.get_data(as_text=True)


def test_a_lead_of_another_cohort_cannot_add_or_import(app, lead):
    cohort_id = make_cohort(app, "lee@example.com")
    kim = person(app, "kim@example.com", "Kim Lead", "program")
    page = f"/program/cohorts/{cohort_id}"
    data = {"email": "kim@example.com", "role": "mentor"}
    assert kim.post(f"{page}/people", data, page="/program/").status_code == 404
    assert kim.post(f"{page}/invitations", {"role": "mentor"}, page="/program/").status_code == 404
    assert upload(kim, cohort_id, HR_EXPORT).status_code == 404
    assert members(app, cohort_id) == {}


def test_a_lead_takes_someone_out_and_their_history_stays(app, lead):
    person(app, "mo@example.com", "Mo Mentor", "mentor")
    cohort_id = make_cohort(app, "lee@example.com")
    page = f"/program/cohorts/{cohort_id}"
    lead.post(f"{page}/people", {"email": "mo@example.com", "role": "mentor"}, page=page)
    mo_id = user_id(app, "mo@example.com")
    assert lead.post(f"{page}/people/{mo_id}/remove", page=page).status_code == 302
    assert members(app, cohort_id) == {}
    # Added back later: the same membership row, in again.
    lead.post(f"{page}/people", {"email": "mo@example.com", "role": "executive"}, page=page)
    assert members(app, cohort_id) == {"mo@example.com": "executive"}


def test_what_hr_said_fills_in_the_profile_of_someone_who_joins_later(app, lead):
    cohort_id = make_cohort(app, "lee@example.com")
    upload(
        lead,
        cohort_id,
        "name,email,role,department,manager\nDee,dee@example.com,exec,Finance,cfo@example.com\n",
    )
    [path] = LINK.findall(lead.client.get(f"/program/cohorts/{cohort_id}").get_data(as_text=True))
    dee = AuthActions(app.test_client())
    response = dee.post(
        f"{path}/join",
        {
            "name": "Dee Exec",
            "email": "dee.exec@example.com",  # not the address HR has: the link still works
            "password": "correct horse battery staple",
            "confirm": "correct horse battery staple",
        },
        page=path,
    )
    assert response.status_code == 302
    assert members(app, cohort_id) == {"dee.exec@example.com": "executive"}
    with app.app_context():
        profile = db.session.get(Profile, user_id(app, "dee.exec@example.com"))
        assert (profile.department, profile.manager_email) == ("Finance", "cfo@example.com")


def test_someone_added_is_told_where_to_start(mail_app, outbox):
    lead = person(mail_app, "lee@example.com", "Lee Lead", "program")
    person(mail_app, "mo@example.com", "Mo Mentor", "mentor")
    cohort_id = make_cohort(mail_app, "lee@example.com")
    page = f"/program/cohorts/{cohort_id}"
    response = lead.post(f"{page}/people", {"email": "mo@example.com", "role": "mentor"}, page=page)
    response.close()
    [message] = outbox.to("mo@example.com")
    assert message["Subject"] == "You're in Spring 2027, Upward's reverse-mentoring cohort"
    body = message.get_body(("plain",)).get_content()
    assert "Hello Mo Mentor," in body and "Lee Lead added you" in body and "as a mentor" in body
    assert "https://upward.example.com/profile/" in body
