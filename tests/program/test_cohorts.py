"""Leads create and edit cohorts, name co-leads, and see only the cohorts they lead."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from tests.helpers import AuthActions, person, user_id
from upward.extensions import db
from upward.models import Cohort, CohortLead, User

COHORT = {
    "name": "Spring 2027",
    "starts_on": "2027-03-01",
    "ends_on": "2027-08-31",
    "themes": ["New technology", "Workplace culture"],
    "own_themes": "AI at work\nHybrid teams\nai at work",
    "mentor_capacity": "2",
    "avoid_same_department": "y",
    "cadence_days": "14",
}


def create(lead: AuthActions, **changes) -> object:
    return lead.post("/program/cohorts/new", {**COHORT, **changes}, page="/program/cohorts/new")


def cohort_id_of(response) -> int:
    match = re.search(r"/program/cohorts/(\d+)", response.headers["Location"])
    assert match
    return int(match.group(1))


def test_a_lead_creates_a_cohort_and_leads_it(app):
    lead = person(app, "lee@example.com", "Lee Lead", "program")
    response = create(lead)
    assert response.status_code == 302
    cohort_id = cohort_id_of(response)
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        assert cohort.themes == [
            "New technology",
            "Workplace culture",
            "AI at work",
            "Hybrid teams",
        ]
        assert cohort.mentor_capacity == 2 and cohort.cadence_days == 14
        assert cohort.avoid_same_department is True
        leads = db.session.scalars(select(CohortLead.user_id)).all()
        assert leads == [user_id(app, "lee@example.com")]
    home = lead.client.get("/program/").get_data(as_text=True)
    assert "Spring 2027" in home
    page = lead.client.get(f"/program/cohorts/{cohort_id}").get_data(as_text=True)
    assert "AI at work" in page and "every two weeks" in page


def test_a_double_click_creates_one_cohort(app):
    lead = person(app, "lee@example.com", "Lee Lead", "program")
    first, second = create(lead), create(lead)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert len(db.session.scalars(select(Cohort)).all()) == 1


def test_bad_input_is_explained_and_kept(app):
    lead = person(app, "lee@example.com", "Lee Lead", "program")
    response = create(
        lead,
        name="Autumn cohort",
        ends_on="2027-01-01",
        themes=[],
        own_themes="",
        mentor_capacity="9",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The cohort must end after it starts." in page
    assert "Tick at least one theme, or write your own below." in page
    assert "Choose a number from 1 to 5." in page
    assert 'value="Autumn cohort"' in page
    bad_date = create(lead, starts_on="next spring").get_data(as_text=True)
    assert "Enter a date as YYYY-MM-DD" in bad_date
    with app.app_context():
        assert db.session.scalars(select(Cohort)).all() == []


def test_a_lead_edits_the_cohort(app):
    lead = person(app, "lee@example.com", "Lee Lead", "program")
    cohort_id = cohort_id_of(create(lead))
    form = lead.client.get(f"/program/cohorts/{cohort_id}/edit").get_data(as_text=True)
    assert "Hybrid teams" in form  # own themes come back in their box
    response = lead.post(
        f"/program/cohorts/{cohort_id}/edit",
        {
            **COHORT,
            "name": "Spring 2027: Finance",
            "cadence_days": "28",
            "themes": ["Diversity and inclusion"],
            "own_themes": "",
        },
        page=f"/program/cohorts/{cohort_id}/edit",
    )
    assert response.status_code == 302
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        assert cohort.name == "Spring 2027: Finance"
        assert cohort.themes == ["Diversity and inclusion"]
        assert cohort.cadence_days == 28


def test_a_lead_of_another_cohort_sees_nothing_of_it(app):
    lee = person(app, "lee@example.com", "Lee Lead", "program")
    kim = person(app, "kim@example.com", "Kim Lead", "program")
    learner = person(app, "m@example.com", "Mo Mentor", "mentor")
    cohort_id = cohort_id_of(create(lee))
    assert "Spring 2027" not in kim.client.get("/program/").get_data(as_text=True)
    for url in (
        f"/program/cohorts/{cohort_id}",
        f"/program/cohorts/{cohort_id}/edit",
        f"/program/cohorts/{cohort_id}/import",
    ):
        assert kim.client.get(url).status_code == 404
        assert learner.client.get(url).status_code == 403
        assert AuthActions(app.test_client()).client.get(url).status_code == 302
    response = kim.post(
        f"/program/cohorts/{cohort_id}/edit", {**COHORT, "name": "Hijacked"}, page="/program/"
    )
    assert response.status_code == 404
    assert kim.post(f"/program/cohorts/{cohort_id}/archive", page="/program/").status_code == 404
    assert (
        kim.post(
            f"/program/cohorts/{cohort_id}/leads", {"email": "kim@example.com"}, page="/program/"
        ).status_code
        == 404
    )
    with app.app_context():
        assert db.session.get(Cohort, cohort_id).name == "Spring 2027"
        assert db.session.get(Cohort, cohort_id).archived_at is None


def test_co_leads_must_be_appointed_leads(app):
    lee = person(app, "lee@example.com", "Lee Lead", "program")
    person(app, "kim@example.com", "Kim Lead", "program")
    person(app, "m@example.com", "Mo Mentor", "mentor")
    cohort_id = cohort_id_of(create(lee))
    page = f"/program/cohorts/{cohort_id}"
    refused = lee.post(f"{page}/leads", {"email": "m@example.com"}, page=page)
    assert refused.status_code == 400
    assert "Mo Mentor isn't a program lead yet" in unescape(refused.get_data(as_text=True))
    assert lee.post(f"{page}/leads", {"email": "kim@example.com"}, page=page).status_code == 302
    kim = AuthActions(app.test_client())
    kim.login("kim@example.com")
    assert kim.client.get(page).status_code == 200
    # Lee steps off; Kim, the last lead, cannot.
    lee_id, kim_id = user_id(app, "lee@example.com"), user_id(app, "kim@example.com")
    assert lee.post(f"{page}/leads/{lee_id}/remove", page=page).status_code == 302
    assert lee.client.get(page).status_code == 404
    kim.post(f"{page}/leads/{kim_id}/remove", page=page)
    assert "at least one lead" in kim.client.get(page).get_data(as_text=True)
    assert kim.client.get(page).status_code == 200


def test_closing_a_cohort_keeps_it_and_reopening_works(app):
    lee = person(app, "lee@example.com", "Lee Lead", "program")
    cohort_id = cohort_id_of(create(lee))
    page = f"/program/cohorts/{cohort_id}"
    assert lee.post(f"{page}/archive", page=page).status_code == 302
    home = lee.client.get("/program/").get_data(as_text=True)
    assert "Closed cohorts" in home
    assert lee.post(f"{page}/reopen", page=page).status_code == 302
    with app.app_context():
        assert db.session.get(Cohort, cohort_id).archived_at is None


def test_an_admin_sees_every_cohort(app):
    lee = person(app, "lee@example.com", "Lee Lead", "program")
    create(lee)
    admin = person(app, "admin@example.com", "Ada Admin", "mentor")
    with app.app_context():
        db.session.scalars(
            select(User).where(User.email == "admin@example.com")
        ).one().is_admin = True
        db.session.commit()
    assert "Spring 2027" in admin.client.get("/program/").get_data(as_text=True)
