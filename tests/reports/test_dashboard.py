"""The program dashboard: the numbers, who may see them, filters, and nobody's private words."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from tests.helpers import (
    MENTORING_STEPS,
    PRIVATE_MARKER,
    add_meeting,
    build_program,
    cohort_pair,
    complete_steps,
    count_queries,
    enrol,
    person,
    without_site_script,
)
from upward.extensions import db
from upward.models import User
from upward.publishing import get_library
from upward.reports.dashboard import get_dashboard
from upward.reports.scope import Scope
from upward.viewer import published

MENTORING = MENTORING_STEPS


@pytest.fixture
def program(app):
    return build_program(app)


def dashboard(app, cohort_id: int, **filters):
    with app.app_context():
        scope = Scope((cohort_id,), filters.get("role"), filters.get("department"))
        return get_dashboard(scope, published(get_library()))


def test_the_dashboard_counts_people_pairs_and_sessions(app, program):
    report = dashboard(app, program["a"])
    assert report.people.enrolled == {"mentor": 2, "executive": 2}
    assert report.people.active == {"mentor": 1, "executive": 1}  # Max's step was 60 days ago
    assert report.pairs.by_health["on-track"] == 1
    assert report.pairs.by_health["at-risk"] == 1
    [risky] = report.pairs.at_risk
    assert (risky.mentor, risky.executive) == ("Max Mentor", "Ed Exec")
    assert "No first session held in the 40 days" in risky.reasons[0]
    assert report.pairs.median_days_to_first == pytest.approx(10, abs=0.01)
    assert report.pairs.without_first == 1
    totals = report.sessions.totals
    assert (totals.held, totals.cancelled, totals.planned, totals.moved) == (2, 1, 1, 1)
    assert report.sessions.cancelled_by == {"executive": 1, "mentor": 0, "other": 0}
    assert report.sessions.checkins_per_held == 0.5


def test_pathway_progress_and_the_funnel(app, program):
    report = dashboard(app, program["a"])
    rows = {(r.pathway.id, r.role): r for r in report.pathways}
    mentoring = rows[("mentoring", "mentor")]
    assert (mentoring.enrolled, mentoring.started, mentoring.finished) == (2, 2, 1)
    assert mentoring.median_days == pytest.approx(2, abs=0.01)
    leading = rows[("leading", "executive")]
    assert (leading.started, leading.finished, leading.median_days) == (0, 0, None)
    funnel = report.funnel
    assert funnel.pathway.id == "mentoring" and funnel.audience_size == 2
    first, second, third = funnel.steps
    assert (first.reached, first.completed) == (2, 2)
    assert (second.reached, second.completed) == (2, 1)
    assert (third.reached, third.completed) == (1, 1)
    [power] = first.checks
    # Max answered before first tries were kept: left out rather than guessed.
    assert (power.answered, power.first_right, power.may_mislead) == (1, 0, True)
    assert second.checks == () and second.first_try is None


def test_filters_narrow_to_a_role_and_a_department(app, program):
    executives = dashboard(app, program["a"], role="executive")
    assert executives.people.enrolled == {"executive": 2}
    assert [r.role for r in executives.pathways] == ["executive"]
    finance = dashboard(app, program["a"], department="Finance")
    assert finance.people.enrolled == {"executive": 1}
    assert finance.pairs.by_health["on-track"] == 1 and finance.pairs.by_health["at-risk"] == 0
    marketing_mentors = dashboard(app, program["a"], role="mentor", department="Marketing")
    assert marketing_mentors.pairs.total == 2


def test_the_page_shows_its_charts_with_tables(app, program):
    lead = program["lead"]
    response = lead.client.get(f"/reports/cohorts/{program['a']}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Alpha cohort" in html and "Max Mentor" in html and "No first session held" in html
    assert html.count('<svg class="chart-svg"') == 5
    assert html.count("<table") >= 6
    assert "may mislead" in html
    assert "<script" not in without_site_script(html)
    filtered = lead.client.get(f"/reports/cohorts/{program['a']}?role=executive&department=Finance")
    assert re.search(
        r'<option (selected )?value="Finance"( selected)?>', filtered.get_data(as_text=True)
    )
    assert re.search(r"<option selected value=\"Finance\">", filtered.get_data(as_text=True))


def test_a_lead_sees_only_the_cohorts_they_lead(app, program):
    lead = program["lead"]
    assert lead.client.get(f"/reports/cohorts/{program['b']}").status_code == 404
    assert lead.client.get("/reports/cohorts/9999").status_code == 404
    everything = lead.client.get("/reports/").get_data(as_text=True)
    assert "Alpha cohort" in everything and "Beta" not in everything
    other = program["other_lead"]
    assert other.client.get(f"/reports/cohorts/{program['a']}").status_code == 404
    assert "Max Mentor" not in other.client.get("/reports/").get_data(as_text=True)


def test_admins_see_every_cohort(app, program):
    with app.app_context():
        db.session.execute(
            update(User).where(User.email == "lead@example.com").values(is_admin=True)
        )
        db.session.commit()
    html = program["lead"].client.get("/reports/").get_data(as_text=True)
    assert "Beta cohort" in html
    assert program["lead"].client.get(f"/reports/cohorts/{program['b']}").status_code == 200


def test_partners_former_partners_and_strangers_are_kept_out(app, client, program):
    for name in ("mo", "eve", "bo"):
        assert program[name].client.get("/reports/").status_code == 403
        assert program[name].client.get(f"/reports/cohorts/{program['a']}").status_code == 403
    former = cohort_pair(app, program["a"], "bo@example.com", "eve@example.com", status="ended")
    assert (
        former and program["bo"].client.get(f"/reports/cohorts/{program['a']}").status_code == 403
    )
    response = client.get("/reports/")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_a_lead_who_leads_no_cohort_sees_an_empty_dashboard(app, program):
    newcomer = person(app, "new@example.com", "Nia New", "program")
    html = newcomer.client.get("/reports/").get_data(as_text=True)
    assert "You don't lead a cohort yet" in html and "Mo Mentor" not in html


def test_no_private_words_ever_appear(app, program):
    lead = program["lead"]
    pages = [
        "/reports/",
        f"/reports/cohorts/{program['a']}",
        "/reports/?role=mentor",
        "/reports/feedback",
        f"/reports/cohorts/{program['a']}/feedback",
    ]
    for url in pages:
        assert PRIVATE_MARKER not in lead.client.get(url).get_data(as_text=True), url


def test_the_old_report_address_leads_to_the_dashboard(app, program):
    response = program["lead"].client.get("/program/report")
    assert response.status_code == 301 and response.headers["Location"].endswith("/reports/")


def test_the_dashboard_sends_the_same_statements_for_more_people(app, program):
    lead = program["lead"]
    url = f"/reports/cohorts/{program['a']}"

    def statements() -> int:
        lead.client.get(url)
        with count_queries(app) as sent:
            assert lead.client.get(url).status_code == 200
        return len(sent)

    before = statements()
    for n in range(5):
        person(app, f"m{n}@example.com", f"Mentor {n}", "mentor")
        person(app, f"e{n}@example.com", f"Exec {n}", "executive")
        enrol(app, program["a"], f"m{n}@example.com", "mentor", f"Dept {n}")
        enrol(app, program["a"], f"e{n}@example.com", "executive", f"Dept {n}")
        pair_id = cohort_pair(app, program["a"], f"m{n}@example.com", f"e{n}@example.com", 50)
        add_meeting(app, pair_id, -n - 1, "cancelled", f"m{n}@example.com")
        add_meeting(app, pair_id, -n - 2, "cancelled", f"e{n}@example.com")
        complete_steps(app, f"m{n}@example.com", MENTORING[: n % 3 + 1], days_ago=n)
    assert statements() == before


def test_sessions_are_counted_by_month(app, program):
    report = dashboard(app, program["a"])
    assert all(re.fullmatch(r"\d{4}-\d{2}", m.month) for m in report.sessions.months)
    assert sum(m.total for m in report.sessions.months) == 4
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.email == "lead@example.com"))
