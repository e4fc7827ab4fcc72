"""The program lead's report: uptake and quiet pairs, from counts and dates only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.helpers import fill_in, pair, person
from upward.models.types import utcnow
from upward.program.report import get_report, to_csv
from upward.publishing import get_library
from upward.viewer import published

SECRET = "I still think the CEO's townhall was a disaster"


@pytest.fixture
def program(app):
    """A lead, and a pair in which the executive saved a check-in and the mentor did a step."""
    lead = person(app, "lead@example.com", "Lee Lead", "program")
    mentor = person(app, "m@example.com", "Mo Mentor", "mentor")
    executive = person(app, "e@example.com", "Eve Exec", "executive")
    pair(app, "m@example.com", "e@example.com")
    assert fill_in(executive, {"f_learned": SECRET}).status_code == 302
    mentor.post(
        "/steps/why-upward/complete",
        {"pathway": "mentoring"},
        page="/pathways/mentoring/steps/why-upward",
    )
    return lead, mentor


def test_lead_sees_activity_but_never_what_people_wrote(app, program):
    lead, _ = program
    csv = lead.client.get("/program/report.csv").get_data(as_text=True)
    assert csv.splitlines()[1].startswith("Mo Mentor,Eve Exec,")
    assert SECRET not in csv


def test_uptake_counts_started_and_completed(app, program):
    with app.app_context():
        report = get_report(published(get_library()))
    uptake = {row.pathway.id: (row.started, row.completed) for row in report.uptake}
    assert uptake["mentoring"] == (1, 0)
    assert uptake["leading"] == (0, 0)
    assert report.people == {"program": 1, "mentor": 1, "executive": 1}


def test_pairs_go_quiet_after_three_weeks_without_a_saved_template(app, program):
    with app.app_context():
        now = get_report(published(get_library()))
        later = get_report(published(get_library()), now=utcnow() + timedelta(days=22))
    assert [p.is_quiet for p in now.pairs] == [False]
    assert [p.is_quiet for p in later.pairs] == [True]
    assert later.quiet[0].mentor == "Mo Mentor"


def test_only_program_leads_and_admins_see_it(app, client, program):
    _, mentor = program
    assert mentor.client.get("/program/report").status_code == 403
    assert mentor.client.get("/program/report.csv").status_code == 403
    assert client.get("/program/report").status_code == 302  # anonymous: log in first


def test_csv_keeps_spreadsheets_from_running_names_as_formulas(app):
    person(app, "x@example.com", '=HYPERLINK("http://evil")', "mentor")
    person(app, "e@example.com", "Eve Exec", "executive")
    pair(app, "x@example.com", "e@example.com")
    with app.app_context():
        csv = to_csv(get_report(published(get_library())))
    assert "'=HYPERLINK" in csv
