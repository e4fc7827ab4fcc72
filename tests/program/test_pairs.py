"""The pairs list across a lead's cohorts; matching and the lifecycle are in tests/pairs/."""

from __future__ import annotations

from html import unescape

import pytest

from tests.helpers import cohort_with, person, user_id
from upward.extensions import db
from upward.models import Pair, User


@pytest.mark.parametrize("who", ["owner", "partner"])
def test_only_program_leads_see_the_pairs(app, people, who):
    assert people[who].client.get("/program/pairs").status_code == 403
    assert people[who].post("/program/pairs/1/end").status_code == 403


def test_admins_see_every_pair_even_one_from_before_cohorts(app, people):
    with app.app_context():
        db.session.get(User, user_id(app, "stranger@example.com")).is_admin = True
        db.session.commit()
    html = people["stranger"].client.get("/program/pairs").get_data(as_text=True)
    assert "Olu Owner" in html and "Pat Partner" in html


def test_a_lead_sees_only_the_pairs_of_their_cohorts(app, people):
    lead = person(app, "lead@example.com", "Lee Lead", "program")
    cohort_with(app, "Lee's cohort", leads=("lead@example.com",))
    html = unescape(lead.client.get("/program/pairs").get_data(as_text=True))
    assert "Lee's cohort" in html
    assert "Olu Owner" not in html  # the pair from before cohorts belongs to no cohort of Lee's
    with app.app_context():
        pair_id = db.session.scalar(db.select(Pair.id))
    assert lead.client.get(f"/program/pairs/{pair_id}/end").status_code == 404


def test_a_lead_with_no_cohort_is_told_how_to_get_one(app):
    lead = person(app, "lead@example.com", "Lee Lead", "program")
    html = unescape(lead.client.get("/program/pairs").get_data(as_text=True))
    assert "You don't lead a cohort yet." in html


def test_anonymous_cannot_see_pairs(client):
    response = client.get("/program/pairs")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_program_leads_find_the_pairs_page(app):
    lead = person(app, "lead@example.com", "Lee Lead", "program")
    assert 'href="/program/pairs"' in lead.client.get("/templates/").get_data(as_text=True)
