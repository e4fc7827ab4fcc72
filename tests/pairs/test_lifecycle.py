"""A proposed pair's answers (accept, decline) and the lead's pairs list and ending a pair."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest

from tests.helpers import cohort_with, count_queries, csrf_token, member, pairs_in, person, user_id
from upward.extensions import db
from upward.models import Pair
from upward.models.types import utcnow

PROPOSALS = "/pairs/proposals"


@pytest.fixture
def program(app):
    """Lee leads Spring, where Tomás and Diane are proposed; Olga leads Autumn."""
    people = {
        "lee": person(app, "lee@example.com", "Lee Lead", "mentor"),
        "olga": person(app, "olga@example.com", "Olga Other", "mentor"),
        "diane": person(app, "diane@example.com", "Diane Okafor", "executive"),
        "tomas": person(app, "tomas@example.com", "Tomás Ruiz", "mentor"),
        "sid": person(app, "sid@example.com", "Sid Stranger", "executive"),
    }
    spring = cohort_with(app, "Spring cohort", leads=("lee@example.com",))
    cohort_with(app, "Autumn cohort", leads=("olga@example.com",))
    member(app, spring, "diane@example.com", "executive", skills=("TikTok",))
    member(app, spring, "tomas@example.com", "mentor", skills=("TikTok",))
    url = f"/program/cohorts/{spring}/matching"
    diane, tomas = user_id(app, "diane@example.com"), user_id(app, "tomas@example.com")
    assert people["lee"].post(url, {f"mentor_{diane}": tomas}, page=url).status_code == 302
    [pair] = pairs_in(app)
    return {"people": people, "spring": spring, "pair": pair.id}


def answer(who, pair_id: int, verb: str):
    return who.post(f"{PROPOSALS}/{pair_id}/{verb}", page=PROPOSALS)


def status(app, pair_id: int) -> Pair:
    with app.app_context():
        pair = db.session.get(Pair, pair_id)
        db.session.expunge(pair)
        return pair


def partner_ids(app, email: str) -> set[int]:
    from upward.pairs import get_partner_ids

    with app.test_request_context():
        return get_partner_ids(user_id(app, email))


def test_both_partners_see_the_proposal_with_its_reasons(app, program):
    for name, title in (
        ("diane", "Tomás Ruiz as your mentor"),
        ("tomas", "Mentoring Diane Okafor"),
    ):
        html = program["people"][name].client.get(PROPOSALS).get_data(as_text=True)
        assert title in html
        assert "Diane wants TikTok; Tomás coaches it." in html
    assert "No match is waiting" in program["people"]["sid"].client.get(PROPOSALS).get_data(
        as_text=True
    )


def test_the_dashboard_shows_a_match_waiting_for_an_answer(app, program):
    html = program["people"]["diane"].client.get("/dashboard").get_data(as_text=True)
    assert 'href="/pairs/proposals"' in html and "Tomás Ruiz" in html
    assert "proposed" not in program["people"]["sid"].client.get("/dashboard").get_data(
        as_text=True
    )


def test_the_dashboard_reads_proposals_in_its_one_statement(app, program):
    diane = program["people"]["diane"]
    diane.client.get("/dashboard")
    with count_queries(app) as statements:
        html = diane.client.get("/dashboard").get_data(as_text=True)
    assert len(statements) == 1
    assert "A mentoring match is waiting for your answer" in html


def test_a_pair_starts_when_both_accept(app, program):
    pair_id = program["pair"]
    first = answer(program["people"]["diane"], pair_id, "accept")
    assert first.status_code == 302
    assert status(app, pair_id).status == "proposed"
    assert partner_ids(app, "diane@example.com") == set()  # nothing is shared before it starts
    page = unescape(program["people"]["diane"].client.get(PROPOSALS).get_data(as_text=True))
    assert "Now it's Tomás Ruiz's turn to answer." in page
    assert "You accepted." in page
    second = answer(program["people"]["tomas"], pair_id, "accept")
    assert second.headers["Location"].endswith("/dashboard")
    pair = status(app, pair_id)
    assert pair.status == "active" and pair.started_at is not None
    assert pair.mentor_accepted_at and pair.executive_accepted_at
    assert partner_ids(app, "diane@example.com") == {user_id(app, "tomas@example.com")}


def test_a_double_click_on_accept_accepts_once(app, program):
    diane, pair_id = program["people"]["diane"], program["pair"]
    token = csrf_token(diane.client, PROPOSALS)
    for _ in range(2):
        diane.client.post(f"{PROPOSALS}/{pair_id}/accept", data={"csrf_token": token})
    pair = status(app, pair_id)
    assert pair.status == "proposed" and pair.executive_accepted_at is not None


def test_declining_asks_first_then_frees_both_and_tells_the_lead(app, program):
    diane, pair_id = program["people"]["diane"], program["pair"]
    confirm = diane.client.get(f"{PROPOSALS}/{pair_id}/decline")
    assert "Decline the match with Tomás Ruiz?" in confirm.get_data(as_text=True)
    assert status(app, pair_id).status == "proposed"
    assert answer(diane, pair_id, "decline").status_code == 302
    pair = status(app, pair_id)
    assert pair.status == "declined" and pair.declined_by_id == user_id(app, "diane@example.com")
    lee = program["people"]["lee"]
    listing = lee.client.get(f"/program/cohorts/{program['spring']}/pairs").get_data(as_text=True)
    assert "Declined by Diane Okafor" in listing
    # Both wait for a partner again, and the declined match is not suggested again.
    matching = lee.client.get(f"/program/cohorts/{program['spring']}/matching").get_data(
        as_text=True
    )
    assert "1 executive waiting for a mentor" in matching
    assert "No mentor is allowed for Diane by the rules: 1 was declined before." in matching
    # The decliner's partner can no longer accept what is gone.
    answer(program["people"]["tomas"], pair_id, "accept")
    assert status(app, pair_id).status == "declined"
    gone = program["people"]["tomas"].client.get(PROPOSALS).get_data(as_text=True)
    assert "no longer open" in gone and "Mentoring Diane Okafor" not in gone


@pytest.mark.parametrize("verb", ["accept", "decline"])
def test_nobody_else_answers_for_a_pair(app, program, verb):
    for name in ("sid", "lee", "olga"):
        assert answer(program["people"][name], program["pair"], verb).status_code == 404
    assert (
        program["people"]["sid"].client.get(f"{PROPOSALS}/{program['pair']}/decline").status_code
        == 404
    )
    assert status(app, program["pair"]).status == "proposed"
    anonymous = app.test_client()
    response = anonymous.post(f"{PROPOSALS}/{program['pair']}/{verb}")
    assert response.status_code in (302, 400)
    assert status(app, program["pair"]).status == "proposed"


def test_the_proposals_page_needs_a_login(app):
    response = app.test_client().get(PROPOSALS)
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


# The lead's pairs list and ending a pair ------------------------------------------------------


def make_active(app, pair_id: int, days_ago: int) -> None:
    with app.app_context():
        pair = db.session.get(Pair, pair_id)
        pair.status = "active"
        pair.started_at = utcnow() - timedelta(days=days_ago)
        db.session.commit()


def test_the_pairs_list_puts_the_pairs_at_risk_first_with_the_reason(app, program):
    spring = program["spring"]
    make_active(app, program["pair"], days_ago=20)
    person(app, "ana@example.com", "Ana Able", "mentor")
    person(app, "raj@example.com", "Raj Rao", "executive")
    member(app, spring, "ana@example.com", "mentor")
    member(app, spring, "raj@example.com", "executive")
    with app.app_context():
        db.session.add(
            Pair(
                mentor_id=user_id(app, "ana@example.com"),
                executive_id=user_id(app, "raj@example.com"),
                cohort_id=spring,
                status="active",
                started_at=utcnow() - timedelta(days=2),
            )
        )
        db.session.commit()
    html = (
        program["people"]["lee"]
        .client.get(f"/program/cohorts/{spring}/pairs")
        .get_data(as_text=True)
    )
    assert html.index("Tomás Ruiz") < html.index("Ana Able")
    assert "No first session held in the 20 days since the pair started and none is booked." in html
    assert "At risk" in html and "On track" in html
    # The lead writes to each partner separately, as the program pathway advises.
    at_risk = html[html.index("Tomás Ruiz") : html.index("Ana Able")]
    assert 'href="mailto:tomas%40example.com?subject=Our%20mentoring%20sessions"' in at_risk
    assert "write to Tomás Ruiz" in at_risk and "mailto:" not in html[html.index("Ana Able") :]


def test_ending_a_pair_asks_first_and_ends_sharing(app, program):
    make_active(app, program["pair"], days_ago=3)
    lee, pair_id = program["people"]["lee"], program["pair"]
    listing = lee.client.get(f"/program/cohorts/{program['spring']}/pairs").get_data(as_text=True)
    assert f'href="/program/pairs/{pair_id}/end"' in listing
    assert f'action="/program/pairs/{pair_id}/end"' not in listing  # no one-click ending
    confirm = lee.client.get(f"/program/pairs/{pair_id}/end").get_data(as_text=True)
    assert "End this pair?" in confirm
    assert status(app, pair_id).status == "active"
    url = f"/program/pairs/{pair_id}/end"
    response = lee.post(url, page=url)
    assert response.headers["Location"].endswith(f"/program/cohorts/{program['spring']}/pairs")
    pair = status(app, pair_id)
    assert (
        pair.status == "ended"
        and pair.ended_at
        and pair.ended_by_id == user_id(app, "lee@example.com")
    )
    assert partner_ids(app, "diane@example.com") == set()
    again = lee.client.get(url)
    assert again.status_code == 302  # nothing left to end: back to the list, which says so


def test_a_lead_withdraws_a_proposal(app, program):
    lee, pair_id = program["people"]["lee"], program["pair"]
    url = f"/program/pairs/{pair_id}/end"
    assert "Withdraw this proposal?" in lee.client.get(url).get_data(as_text=True)
    lee.post(url, page=url)
    assert status(app, pair_id).status == "ended"
    assert "Mentoring Diane" not in program["people"]["tomas"].client.get(PROPOSALS).get_data(
        as_text=True
    )


def test_only_the_cohorts_leads_end_its_pairs(app, program):
    pair_id = program["pair"]
    url = f"/program/pairs/{pair_id}/end"
    make_active(app, pair_id, days_ago=3)
    assert program["people"]["olga"].client.get(url).status_code == 404
    assert program["people"]["olga"].post(url, page="/program/pairs").status_code == 404
    for partner in ("diane", "tomas", "sid"):
        assert program["people"][partner].post(url, page=PROPOSALS).status_code == 403
    assert program["people"]["lee"].client.get("/program/pairs/999/end").status_code == 404
    assert status(app, pair_id).status == "active"
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and "/account/login" in anonymous.headers["Location"]


def test_the_pairs_list_across_cohorts_shows_only_the_leads_own(app, program):
    olga = program["people"]["olga"]
    html = olga.client.get("/program/pairs").get_data(as_text=True)
    assert "Autumn cohort" in html and "Spring cohort" not in html
    assert "Tomás Ruiz" not in html
    lee_html = program["people"]["lee"].client.get("/program/pairs").get_data(as_text=True)
    assert "Tomás Ruiz" in lee_html and "Autumn cohort" not in lee_html
    assert program["people"]["sid"].client.get("/program/pairs").status_code == 403


def test_a_former_partner_can_change_nothing_after_the_pair_ended(app, program):
    pair_id = program["pair"]
    answer(program["people"]["diane"], pair_id, "accept")
    lee = program["people"]["lee"]
    url = f"/program/pairs/{pair_id}/end"
    lee.post(url, page=url)
    tomas = program["people"]["tomas"]
    response = answer(tomas, pair_id, "accept")
    assert response.status_code == 302
    assert "no longer open" in tomas.client.get(PROPOSALS).get_data(as_text=True)
    answer(tomas, pair_id, "decline")
    pair = status(app, pair_id)
    assert pair.status == "ended" and pair.mentor_accepted_at is None
    assert pair.declined_by_id is None
    assert "Diane" not in tomas.client.get("/dashboard").get_data(as_text=True)
