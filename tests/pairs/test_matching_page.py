"""The lead's matching page: suggestions for a cohort, overrides, proposing once."""

from __future__ import annotations

import re

import pytest

from tests.helpers import cohort_with, csrf_token, member, pairs_in, person, user_id

MATCHING = "/program/cohorts/{}/matching"


@pytest.fixture
def program(app):
    """A cohort led by Lee with two mentors and two executives; Olga leads another cohort."""
    people = {
        "lee": person(app, "lee@example.com", "Lee Lead", "mentor"),
        "olga": person(app, "olga@example.com", "Olga Other", "mentor"),
        "diane": person(app, "diane@example.com", "Diane Okafor", "executive"),
        "ben": person(app, "ben@example.com", "Ben Ode", "executive"),
        "tomas": person(app, "tomas@example.com", "Tomás Ruiz", "mentor"),
        "una": person(app, "una@example.com", "Una Ray", "mentor"),
        "sid": person(app, "sid@example.com", "Sid Stranger", "executive"),
    }
    spring = cohort_with(app, "Spring cohort", leads=("lee@example.com",), cadence_days=21)
    autumn = cohort_with(app, "Autumn cohort", leads=("olga@example.com",))
    member(
        app,
        spring,
        "diane@example.com",
        "executive",
        skills=("social media for B2C",),
        department="Finance",
        level_band="executive",
        time_zone="Europe/London",
        availability=["tue-am"],
    )
    member(
        app,
        spring,
        "ben@example.com",
        "executive",
        skills=("generative AI",),
        department="Sales",
        level_band="director",
    )
    member(
        app,
        spring,
        "tomas@example.com",
        "mentor",
        skills=("social media for B2C", "generative AI"),
        department="IT",
        level_band="early-career",
        time_zone="Europe/London",
        availability=["tue-am"],
    )
    member(
        app,
        spring,
        "una@example.com",
        "mentor",
        skills=("generative AI",),
        department="Marketing",
        level_band="early-career",
    )
    return {"people": people, "spring": spring, "autumn": autumn}


def ids(app, *emails):
    return [user_id(app, e) for e in emails]


def propose(lead, cohort_id, choices: dict[int, int]):
    url = MATCHING.format(cohort_id)
    data = {f"mentor_{e}": m for e, m in choices.items()}
    return lead.post(url, data, page=url)


def test_the_lead_sees_the_whole_cohort_matched_with_reasons(app, program):
    lee = program["people"]["lee"]
    response = lee.client.get(MATCHING.format(program["spring"]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Diane wants social media for B2C; Tomás coaches it." in html
    # Tomás fits both; the optimum gives Ben to Una, who coaches only what Ben wants.
    assert re.search(r"Diane Okafor <span class=\"meta\">with</span> Tomás Ruiz", html)
    assert re.search(r"Ben Ode <span class=\"meta\">with</span> Una Ray", html)
    assert "2 executives waiting for a mentor" in html


def test_proposing_makes_proposed_pairs_with_score_reasons_and_cadence(app, program):
    lee = program["people"]["lee"]
    diane, ben, tomas, una = ids(
        app, *(f"{n}@example.com" for n in ("diane", "ben", "tomas", "una"))
    )
    response = propose(lee, program["spring"], {diane: tomas, ben: una})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/program/cohorts/{program['spring']}/pairs")
    pairs = pairs_in(app, program["spring"])
    assert {(p.executive_id, p.mentor_id) for p in pairs} == {(diane, tomas), (ben, una)}
    for p in pairs:
        assert p.status == "proposed" and p.started_at is None
        assert p.cadence_days == 21
        assert p.score and p.score > 0 and p.reasons
        assert p.proposed_by_id == user_id(app, "lee@example.com")
    listing = lee.client.get(f"/program/cohorts/{program['spring']}/pairs").get_data(as_text=True)
    assert "Proposed 2 pairs." in listing
    assert "Waiting for Tomás Ruiz and Diane Okafor to accept." in listing


def test_a_double_submit_proposes_once(app, program):
    lee = program["people"]["lee"]
    diane, ben, tomas, una = ids(
        app, *(f"{n}@example.com" for n in ("diane", "ben", "tomas", "una"))
    )
    url = MATCHING.format(program["spring"])
    token = csrf_token(lee.client, url)
    data = {"csrf_token": token, f"mentor_{diane}": tomas, f"mentor_{ben}": una}
    first = lee.client.post(url, data=data)
    second = lee.client.post(url, data=data)
    assert first.status_code == 302 and second.status_code == 302
    assert len(pairs_in(app)) == 2
    page = lee.client.get(url).get_data(as_text=True)
    assert "Nobody is waiting for a mentor" in page


def test_the_lead_overrides_a_suggestion_and_it_gets_its_own_reasons(app, program):
    lee = program["people"]["lee"]
    diane, ben, tomas, una = ids(
        app, *(f"{n}@example.com" for n in ("diane", "ben", "tomas", "una"))
    )
    assert propose(lee, program["spring"], {diane: una, ben: tomas}).status_code == 302
    pairs = {p.executive_id: p for p in pairs_in(app)}
    assert pairs[diane].mentor_id == una
    assert any("Una coaches none of what Diane wants" in r for r in pairs[diane].reasons)
    assert pairs[ben].reasons[0] == "Ben wants generative AI; Tomás coaches it."


def test_not_now_leaves_an_executive_waiting(app, program):
    lee = program["people"]["lee"]
    diane, ben, tomas = ids(app, "diane@example.com", "ben@example.com", "tomas@example.com")
    assert propose(lee, program["spring"], {diane: tomas, ben: 0}).status_code == 302
    assert [(p.executive_id, p.mentor_id) for p in pairs_in(app)] == [(diane, tomas)]
    page = lee.client.get(MATCHING.format(program["spring"])).get_data(as_text=True)
    assert "1 executive waiting for a mentor" in page and "Ben Ode" in page


def test_choosing_a_mentor_beyond_their_places_is_refused_and_the_choices_kept(app, program):
    lee = program["people"]["lee"]
    diane, ben, tomas = ids(app, "diane@example.com", "ben@example.com", "tomas@example.com")
    response = propose(lee, program["spring"], {diane: tomas, ben: tomas})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Tomás Ruiz has room for 1 more executive; you chose them for 2." in html
    assert "Nothing was proposed; your choices are kept below." in html
    chosen = re.findall(rf'<option selected value="{tomas}">', html)
    assert len(chosen) == 2
    assert pairs_in(app) == []


def test_a_forged_choice_outside_the_rules_is_refused(app, program):
    lee = program["people"]["lee"]
    diane, ben, una = ids(app, "diane@example.com", "ben@example.com", "una@example.com")
    sid = user_id(app, "sid@example.com")  # not in the cohort
    response = propose(lee, program["spring"], {diane: sid, ben: una})
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert pairs_in(app) == []


def test_the_line_manager_is_never_offered(app, program):
    lee = program["people"]["lee"]
    person(app, "boss@example.com", "Bo Boss", "mentor")
    member(app, program["spring"], "boss@example.com", "mentor", skills=("generative AI",))
    person(app, "eve@example.com", "Eve Exec", "executive")
    member(
        app,
        program["spring"],
        "eve@example.com",
        "executive",
        skills=("generative AI",),
        manager_email="boss@example.com",
    )
    html = lee.client.get(MATCHING.format(program["spring"])).get_data(as_text=True)
    eve, boss = user_id(app, "eve@example.com"), user_id(app, "boss@example.com")
    select = html.split(f'name="mentor_{eve}"')[1].split("</select>")[0]
    assert f'value="{boss}"' not in select
    response = propose(lee, program["spring"], {eve: boss})
    assert response.status_code == 400 and pairs_in(app) == []


def test_more_executives_than_places_says_who_is_left_and_why(app, program):
    lee = program["people"]["lee"]
    for n in range(2):
        person(app, f"x{n}@example.com", f"Xia {n}", "executive")
        member(app, program["spring"], f"x{n}@example.com", "executive", skills=("AI",))
    html = lee.client.get(MATCHING.format(program["spring"])).get_data(as_text=True)
    assert "Left without a mentor" in html
    assert "More executives (4) than mentor places (2)" in html


def test_a_mentors_own_limit_and_pairs_under_way_count(app, program):
    from upward.extensions import db
    from upward.models import Cohort, Membership
    from upward.models.pairs import Pair

    lee = program["people"]["lee"]
    diane, tomas, una = ids(app, "diane@example.com", "tomas@example.com", "una@example.com")
    with app.app_context():
        db.session.get(Cohort, program["spring"]).mentor_capacity = 3
        una_row = db.session.query(Membership).filter_by(user_id=una).one()
        una_row.capacity = 1
        db.session.add(
            Pair(mentor_id=una, executive_id=diane, cohort_id=program["spring"], status="active")
        )
        db.session.commit()
    html = lee.client.get(MATCHING.format(program["spring"])).get_data(as_text=True)
    assert "1 executive waiting for a mentor" in html
    assert "3 mentor places free" in html  # Tomás 3, Una none (her own limit of 1, taken)
    assert tomas


@pytest.mark.parametrize("path", ["matching", "pairs"])
def test_only_the_cohorts_leads_see_its_pages(app, program, path):
    url = f"/program/cohorts/{program['spring']}/{path}"
    assert program["people"]["lee"].client.get(url).status_code == 200
    assert program["people"]["olga"].client.get(url).status_code == 404  # another cohort's lead
    assert program["people"]["tomas"].client.get(url).status_code == 403  # a learner
    assert program["people"]["lee"].client.get("/program/cohorts/999/" + path).status_code == 404
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and "/account/login" in anonymous.headers["Location"]


def test_a_lead_of_another_cohort_cannot_propose_in_it(app, program):
    olga = program["people"]["olga"]
    diane, tomas = ids(app, "diane@example.com", "tomas@example.com")
    url = MATCHING.format(program["spring"])
    token = csrf_token(olga.client, MATCHING.format(program["autumn"]))
    response = olga.client.post(url, data={"csrf_token": token, f"mentor_{diane}": tomas})
    assert response.status_code == 404
    assert pairs_in(app) == []


def test_admins_lead_every_cohort(app, program):
    from upward.extensions import db
    from upward.models import User

    with app.app_context():
        db.session.get(User, user_id(app, "sid@example.com")).is_admin = True
        db.session.commit()
    sid = program["people"]["sid"]
    assert sid.client.get(MATCHING.format(program["autumn"])).status_code == 200


def test_an_empty_cohort_says_so(app, program):
    olga = program["people"]["olga"]
    html = olga.client.get(MATCHING.format(program["autumn"])).get_data(as_text=True)
    assert "Nobody is waiting for a mentor" in html
