"""Program surveys: open at set points, answered once, anonymous, small groups hidden."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, inspect, select, update

from tests.helpers import (
    AuthActions,
    add_meeting,
    cohort_pair,
    csrf_token,
    enrol,
    make_cohort,
    person,
)
from upward.extensions import db
from upward.models import Cohort
from upward.models.reports import SurveyAnswer, SurveyReceipt

ANSWER = {"usefulness": "4", "good_fit": "yes", "recommend": "9", "comment": ""}


@pytest.fixture
def cohort(app):
    """A cohort with a lead and six pairs who have each held a first session."""
    person(app, "lead@example.com", "Lee Lead", "program")
    cohort_id = make_cohort(app, "Alpha cohort", leads=("lead@example.com",))
    people = {}
    for n in range(6):
        people[f"m{n}"] = person(app, f"m{n}@example.com", f"Mentor {n}", "mentor")
        people[f"e{n}"] = person(app, f"e{n}@example.com", f"Exec {n}", "executive")
        enrol(app, cohort_id, f"m{n}@example.com", "mentor")
        enrol(app, cohort_id, f"e{n}@example.com", "executive")
        pair_id = cohort_pair(app, cohort_id, f"m{n}@example.com", f"e{n}@example.com")
        add_meeting(app, pair_id, -3, "held", f"m{n}@example.com")
    return cohort_id, people


def answer(actions, cohort_id: int, point: str = "first", **data):
    url = f"/surveys/{cohort_id}/{point}"
    token = csrf_token(actions.client, url)
    return actions.client.post(url, data={"csrf_token": token, **ANSWER, **data})


def test_the_first_survey_opens_after_a_held_session(app, cohort):
    cohort_id, people = cohort
    html = people["m0"].client.get("/surveys/").get_data(as_text=True)
    assert (
        f"/surveys/{cohort_id}/first" in html and "Alpha cohort: after your first session" in html
    )
    assert f"/surveys/{cohort_id}/mid" not in html and f"/surveys/{cohort_id}/end" not in html
    newcomer = person(app, "new@example.com", "Nia New", "mentor")
    enrol(app, cohort_id, "new@example.com", "mentor")
    assert "No survey is waiting" in newcomer.client.get("/surveys/").get_data(as_text=True)
    assert newcomer.client.get(f"/surveys/{cohort_id}/first").status_code == 404


def test_mid_and_end_surveys_open_with_the_calendar(app, cohort):
    cohort_id, people = cohort
    with app.app_context():
        db.session.execute(
            update(Cohort).values(starts_on=date(2020, 1, 1), ends_on=date(2020, 6, 30))
        )
        db.session.commit()
    html = people["e1"].client.get("/surveys/").get_data(as_text=True)
    assert f"/surveys/{cohort_id}/mid" in html and f"/surveys/{cohort_id}/end" in html


def test_an_answer_is_recorded_once_and_without_its_author(app, cohort):
    cohort_id, people = cohort
    url = f"/surveys/{cohort_id}/first"
    token = csrf_token(people["m0"].client, url)
    data = {"csrf_token": token, **ANSWER, "comment": "Loved the TikTok session"}
    assert people["m0"].client.post(url, data=data).status_code == 302
    again = people["m0"].client.post(url, data=data)  # a double click
    assert again.status_code == 302 and again.headers["Location"].endswith("/surveys/")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SurveyAnswer)) == 1
        assert db.session.scalar(select(func.count()).select_from(SurveyReceipt)) == 1
        columns = {c["name"] for c in inspect(db.engine).get_columns("survey_answers")}
    assert not {"user_id", "created_at", "updated_at", "pair_id"} & columns
    assert "No survey is waiting" in people["m0"].client.get("/surveys/").get_data(as_text=True)


def test_bad_input_is_explained_and_kept(app, cohort):
    cohort_id, people = cohort
    response = answer(people["m0"], cohort_id, usefulness="", comment="Kept words")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please choose how useful the sessions have been." in html
    assert "Kept words" in html and 'checked id="recommend-9"' in html
    too_long = answer(people["m0"], cohort_id, comment="x" * 2001)
    assert too_long.status_code == 400 and "2000 characters or fewer" in too_long.get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SurveyAnswer)) == 0


def test_strangers_cannot_answer_another_cohort_s_survey(app, client, cohort):
    cohort_id, _ = cohort
    stranger = person(app, "sid@example.com", "Sid Stranger", "mentor")
    assert stranger.client.get(f"/surveys/{cohort_id}/first").status_code == 404
    assert answer(stranger, cohort_id).status_code == 404
    assert stranger.client.get(f"/surveys/{cohort_id}/bogus").status_code == 404
    assert client.get("/surveys/").status_code == 302


def test_the_lead_sees_aggregates_only_from_five_answers(app, cohort):
    cohort_id, people = cohort
    lead = AuthActions(app.test_client())
    lead.login("lead@example.com")
    url = f"/reports/cohorts/{cohort_id}/feedback"
    for n in range(4):
        answer(people[f"m{n}"], cohort_id, recommend=str(10 - n * 3), comment=f"Comment {n}")
    html = lead.client.get(url).get_data(as_text=True)
    assert "Fewer than 5 answers so far" in html and "Comment 0" not in html
    answer(people["e0"], cohort_id, recommend="10", usefulness="5", good_fit="partly")
    html = lead.client.get(url).get_data(as_text=True)
    # 10, 7, 4, 1 and 10: two promoters, one passive, two detractors -> NPS 0.
    assert "<strong>0</strong>" in html and "2 promoters" in html and "2 detractors" in html
    assert "Comment 0" in html and "Comment 3" in html
    assert "Mentor 0" not in html and "Exec 0" not in html
    # Narrowed to executives, the group is one answer: hidden again.
    narrowed = lead.client.get(url + "?role=executive").get_data(as_text=True)
    assert "Fewer than 5 answers so far" in narrowed


def test_only_the_cohort_s_leads_see_its_feedback(app, cohort):
    cohort_id, people = cohort
    other = person(app, "olga@example.com", "Olga Other", "program")
    make_cohort(app, "Beta cohort", leads=("olga@example.com",))
    assert other.client.get(f"/reports/cohorts/{cohort_id}/feedback").status_code == 404
    assert people["m0"].client.get(f"/reports/cohorts/{cohort_id}/feedback").status_code == 403
    assert people["m0"].client.get("/reports/feedback").status_code == 403


def test_a_comment_typed_after_the_session_ended_comes_back(app, cohort):
    cohort_id, people = cohort
    mentor = people["m0"]
    url = f"/surveys/{cohort_id}/first"
    token = csrf_token(mentor.client, url)
    mentor.client.delete_cookie("session")  # the cookie expired: no session, no CSRF token
    typed = "The reverse format worked better than I expected."
    response = mentor.client.post(
        url,
        data={"csrf_token": token, **ANSWER, "comment": typed},
        headers={"Origin": "http://localhost", "Referer": f"http://localhost{url}"},
    )
    assert response.status_code == 302 and "/account/login" in response.location
    mentor.login("m0@example.com")
    assert typed in mentor.client.get(url).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SurveyAnswer)) == 0


def test_an_open_survey_is_on_the_persons_dashboard_until_answered(app, cohort):
    cohort_id, people = cohort
    link = f"/surveys/{cohort_id}/first"
    assert link in people["m0"].client.get("/dashboard").get_data(as_text=True)
    assert answer(people["m0"], cohort_id).status_code == 302
    assert link not in people["m0"].client.get("/dashboard").get_data(as_text=True)
    assert link in people["e0"].client.get("/dashboard").get_data(as_text=True)
    newcomer = person(app, "new@example.com", "Nia New", "mentor")
    enrol(app, cohort_id, "new@example.com", "mentor")
    assert "/surveys/" not in newcomer.client.get("/dashboard").get_data(as_text=True)


def test_the_leads_dashboard_links_to_the_survey_results(app, cohort):
    cohort_id, _ = cohort
    lead = AuthActions(app.test_client())
    lead.login("lead@example.com")
    html = lead.client.get(f"/reports/cohorts/{cohort_id}").get_data(as_text=True)
    assert f"/reports/cohorts/{cohort_id}/feedback" in html
    assert "/reports/feedback" in lead.client.get("/reports/").get_data(as_text=True)
