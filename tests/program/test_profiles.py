"""A participant's profile: theirs to write, seen only by the leads of their cohorts."""

from __future__ import annotations

from html import unescape

from sqlalchemy import select

from tests.helpers import AuthActions, csrf_token, pair, person, user_id
from upward.extensions import db
from upward.models import Cohort, CohortLead, Membership, Profile
from upward.models.types import utcnow

PROFILE = {
    "department": "Marketing",
    "level_band": "early-career",
    "time_zone": "europe/london",
    "availability": ["tue-am", "mon-pm"],
    "manager_email": "Boss@Example.com",
}


def cohort_with(app, lead_email: str, member_email: str, role: str, name="Spring") -> int:
    with app.app_context():
        today = utcnow().date()
        cohort = Cohort(
            name=name,
            starts_on=today,
            ends_on=today.replace(year=today.year + 1),
            themes=["New technology", "AI at work"],
        )
        db.session.add(cohort)
        db.session.flush()
        db.session.add(CohortLead(cohort_id=cohort.id, user_id=user_id(app, lead_email)))
        db.session.add(
            Membership(cohort_id=cohort.id, user_id=user_id(app, member_email), role=role)
        )
        db.session.commit()
        return cohort.id


def test_a_person_writes_their_profile(app):
    mo = person(app, "mo@example.com", "Mo Mentor", "mentor")
    assert mo.post("/profile/", PROFILE, page="/profile/").status_code == 302
    with app.app_context():
        profile = db.session.get(Profile, user_id(app, "mo@example.com"))
        assert profile.time_zone == "Europe/London"  # the IANA spelling
        assert profile.availability == ["mon-pm", "tue-am"]
        assert profile.manager_email == "boss@example.com"
    page = mo.client.get("/profile/").get_data(as_text=True)
    assert 'value="Marketing"' in page and 'value="Europe/London"' in page


def test_a_time_zone_that_is_not_one_is_refused_and_kept(app):
    mo = person(app, "mo@example.com", "Mo Mentor", "mentor")
    response = mo.post("/profile/", {**PROFILE, "time_zone": "London time"}, page="/profile/")
    assert response.status_code == 400
    page = unescape(response.get_data(as_text=True))
    assert "“London time” isn't a time zone we know" in page
    assert 'value="London time"' in page and 'value="Marketing"' in page
    for bad in ({"level_band": "ceo"}, {"availability": ["sun-am"]}, {"manager_email": "x@"}):
        assert mo.post("/profile/", {**PROFILE, **bad}, page="/profile/").status_code == 400
    own = mo.post("/profile/", {**PROFILE, "manager_email": "mo@example.com"}, page="/profile/")
    assert "your own address" in own.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Profile, user_id(app, "mo@example.com")) is None


def test_a_person_says_what_they_bring_to_each_cohort(app):
    person(app, "lee@example.com", "Lee Lead", "program")
    mo = person(app, "mo@example.com", "Mo Mentor", "mentor")
    cohort_id = cohort_with(app, "lee@example.com", "mo@example.com", "mentor")
    page = mo.client.get("/profile/").get_data(as_text=True)
    assert "Themes you can coach" in page and "AI at work" in page
    data = {
        f"c{cohort_id}-themes": ["AI at work"],
        f"c{cohort_id}-skills": "TikTok for B2C, prompting AI tools\nTikTok for b2c",
        f"c{cohort_id}-goal": "Help a leader try short video.",
    }
    response = mo.post(f"/profile/cohorts/{cohort_id}", data, page="/profile/")
    assert response.status_code == 302
    with app.app_context():
        membership = db.session.scalars(select(Membership)).one()
        assert membership.themes == ["AI at work"]
        assert membership.skills == ["TikTok for B2C", "prompting AI tools"]
        assert membership.goal == "Help a leader try short video."
    bad = mo.post(
        f"/profile/cohorts/{cohort_id}",
        {**data, f"c{cohort_id}-themes": ["Astrology"]},
        page="/profile/",
    )
    assert bad.status_code == 400
    assert "Help a leader try short video." in bad.get_data(as_text=True)  # kept


def test_someone_elses_cohort_is_not_found(app):
    person(app, "lee@example.com", "Lee Lead", "program")
    person(app, "mo@example.com", "Mo Mentor", "mentor")
    sid = person(app, "sid@example.com", "Sid Stranger", "mentor")
    cohort_id = cohort_with(app, "lee@example.com", "mo@example.com", "mentor")
    response = sid.post(f"/profile/cohorts/{cohort_id}", {}, page="/profile/")
    assert response.status_code == 404


def test_only_the_leads_of_their_cohort_see_a_profile(app):
    lee = person(app, "lee@example.com", "Lee Lead", "program")
    kim = person(app, "kim@example.com", "Kim Lead", "program")
    mo = person(app, "mo@example.com", "Mo Mentor", "mentor")
    partner = person(app, "dee@example.com", "Dee Exec", "executive")
    mo.post("/profile/", PROFILE, page="/profile/")
    cohort_id = cohort_with(app, "lee@example.com", "mo@example.com", "mentor")
    kims = cohort_with(app, "kim@example.com", "dee@example.com", "executive", "Kim's")
    pair(app, "mo@example.com", "dee@example.com")
    mo_id = user_id(app, "mo@example.com")
    url = f"/program/cohorts/{cohort_id}/people/{mo_id}"
    page = lee.client.get(url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Marketing" in text and "Tuesday morning" in text
    assert "boss@example.com" not in text  # the manager rule is used, not shown
    assert kim.client.get(url).status_code == 404  # a lead of another cohort
    assert kim.client.get(f"/program/cohorts/{kims}/people/{mo_id}").status_code == 404
    assert partner.client.get(url).status_code == 403  # their partner is no lead
    assert AuthActions(app.test_client()).client.get(url).status_code == 302
    assert AuthActions(app.test_client()).client.get("/profile/").status_code == 302
    # Taken out of the cohort: the lead no longer sees it.
    lee.post(f"/program/cohorts/{cohort_id}/people/{mo_id}/remove", page="/program/")
    assert lee.client.get(url).status_code == 404


def logged_out_elsewhere(app, email: str) -> None:
    """Log the person in on another device and out again: every session of theirs ends."""
    other = AuthActions(app.test_client())
    other.login(email=email)
    other.logout()


def test_a_profile_typed_after_being_logged_out_elsewhere_comes_back(app):
    mo = person(app, "mo@example.com", "Mo Mentor", "mentor")
    token = csrf_token(mo.client, "/profile/")
    logged_out_elsewhere(app, "mo@example.com")
    here = {"Origin": "http://localhost", "Referer": "http://localhost/profile/"}
    response = mo.client.post("/profile/", data={"csrf_token": token, **PROFILE}, headers=here)
    assert response.status_code == 302 and response.location.startswith("/account/login")
    assert mo.login(email="mo@example.com", next="/profile/").location == "/profile/"
    page = mo.client.get("/profile/").get_data(as_text=True)
    assert 'value="Marketing"' in page and "Here is what you typed" in page
    assert 'data-unsaved="restored"' in page
    with app.app_context():
        assert db.session.get(Profile, user_id(app, "mo@example.com")) is None  # not saved for them
    assert 'value="Marketing"' not in mo.client.get("/profile/").get_data(as_text=True)


def test_what_someone_brings_to_a_cohort_comes_back_to_that_cohorts_form(app):
    person(app, "lee@example.com", "Lee Lead", "program")
    mo = person(app, "mo@example.com", "Mo Mentor", "mentor")
    cohort_id = cohort_with(app, "lee@example.com", "mo@example.com", "mentor")
    token = csrf_token(mo.client, "/profile/")
    mo.client.delete_cookie("session")  # the session expired altogether
    here = {"Origin": "http://localhost", "Referer": "http://localhost/profile/"}
    data = {"csrf_token": token, f"c{cohort_id}-goal": "Help a leader try short video."}
    response = mo.client.post(f"/profile/cohorts/{cohort_id}", data=data, headers=here)
    assert response.status_code == 302
    back = mo.login(email="mo@example.com", next=f"/profile/#cohort-{cohort_id}")
    assert back.location == f"/profile/#cohort-{cohort_id}"
    page = mo.client.get("/profile/").get_data(as_text=True)
    form = page[page.index(f'action="/profile/cohorts/{cohort_id}"') :]
    assert "Help a leader try short video." in form[: form.index("</form>")]
    with app.app_context():
        assert db.session.scalars(select(Membership.goal)).one() in ("", None)
