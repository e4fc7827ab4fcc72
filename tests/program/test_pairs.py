"""Program leads arrange mentoring pairs; nobody else can."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.helpers import cohort, person, user_id
from upward.extensions import db
from upward.models import Pair, User


def pair_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Pair))


IN_COHORT = {
    "owner@example.com": "mentor",
    "partner@example.com": "executive",
    "stranger@example.com": "executive",
}


def test_program_lead_creates_and_removes_pairs(app, people):
    lead = person(app, "lead@example.com", "Lee Lead", "program")
    cohort(app, "lead@example.com", IN_COHORT)
    html = lead.client.get("/program/pairs").get_data(as_text=True)
    assert "Olu Owner" in html and "Sid Stranger" in html
    mentor, stranger = user_id(app, "owner@example.com"), user_id(app, "stranger@example.com")
    data = {"mentor": mentor, "executive": stranger}
    assert lead.post("/program/pairs", data, page="/program/pairs").status_code == 302
    assert pair_count(app) == 2
    again = lead.post("/program/pairs", data, page="/program/pairs")
    assert "already paired" in lead.client.get("/program/pairs").get_data(as_text=True) or (
        "already paired" in again.get_data(as_text=True)
    )
    assert pair_count(app) == 2
    with app.app_context():
        pair_id = db.session.scalar(select(Pair.id).where(Pair.executive_id == stranger))
    response = lead.post(f"/program/pairs/{pair_id}/delete", page="/program/pairs")
    assert response.status_code == 302
    assert pair_count(app) == 1


def test_pair_needs_the_right_roles(app, people):
    lead = person(app, "lead@example.com", "Lee Lead", "program")
    cohort(app, "lead@example.com", IN_COHORT)
    exec_id = user_id(app, "partner@example.com")
    response = lead.post(
        "/program/pairs", {"mentor": exec_id, "executive": exec_id}, page="/program/pairs"
    )
    assert response.status_code == 400
    assert pair_count(app) == 1


@pytest.mark.parametrize("who", ["owner", "partner"])
def test_only_program_leads_manage_pairs(app, people, who):
    assert people[who].client.get("/program/pairs").status_code == 403
    assert people[who].post("/program/pairs/1/delete").status_code == 403
    assert pair_count(app) == 1


def test_admins_manage_pairs(app, people):
    with app.app_context():
        db.session.get(User, user_id(app, "owner@example.com")).is_admin = True
        db.session.commit()
    assert people["owner"].client.get("/program/pairs").status_code == 200


def test_anonymous_cannot_see_pairs(client):
    response = client.get("/program/pairs")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_program_leads_find_the_pairs_page(app):
    lead = person(app, "lead@example.com", "Lee Lead", "program")
    assert 'href="/program/pairs"' in lead.client.get("/templates/").get_data(as_text=True)


def test_a_lead_picks_and_sees_only_people_of_their_cohorts(app, people):
    lead = person(app, "lead@example.com", "Lee Lead", "program")
    person(app, "kim@example.com", "Kim Lead", "program")
    person(app, "eve@example.com", "Eve Exec", "executive")
    cohort(app, "lead@example.com", {"owner@example.com": "mentor", "eve@example.com": "executive"})
    cohort(app, "kim@example.com", {"stranger@example.com": "executive"}, "Kim's")
    html = lead.client.get("/program/pairs").get_data(as_text=True)
    assert "owner@example.com" in html and "eve@example.com" in html
    assert "stranger@example.com" not in html and "Sid Stranger" not in html
    # Olu's pair with Pat (not in Lee's cohorts) is not shown, nor can Lee remove it.
    assert "Pat Partner" not in html
    with app.app_context():
        pair_id = db.session.scalar(select(Pair.id))
    assert lead.client.get(f"/program/pairs/{pair_id}/delete").status_code == 404
    assert lead.post(f"/program/pairs/{pair_id}/delete", page="/program/pairs").status_code == 404
    mentor, stranger = user_id(app, "owner@example.com"), user_id(app, "stranger@example.com")
    response = lead.post(
        "/program/pairs", {"mentor": mentor, "executive": stranger}, page="/program/pairs"
    )
    assert response.status_code == 400  # not one of the choices offered
    assert pair_count(app) == 1
