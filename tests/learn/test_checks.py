"""Knowledge checks as learners meet them: shuffled options, results and retry, practice."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.helpers import AuthActions
from upward.extensions import db
from upward.learn.steps import get_option_order
from upward.models import User

STEP = "/pathways/mentoring/steps/why-upward"
RESULTS = "/pathways/mentoring/checks"
WRONG, RIGHT = "0", "1"  # options of the fixture check 'power', as the author wrote them


def shown_order(html: str, dom_id: str = "power") -> list[int]:
    """Return the option values of a check in the order the page shows them."""
    return [int(v) for v in re.findall(rf'id="{dom_id}-(\d+)" value="\1"', html)]


def answer(auth: AuthActions, choice: str, page: str = STEP, **extra: str):
    data = {"choice": choice, "pathway": "mentoring", **extra}
    return auth.post("/steps/why-upward/checks/power", data, page=page)


def test_option_order_is_stable_per_person_and_varies_between_people():
    orders = [tuple(get_option_order(user, "step", "check", 4)) for user in range(1, 41)]
    assert orders == [tuple(get_option_order(user, "step", "check", 4)) for user in range(1, 41)]
    assert all(sorted(order) == [0, 1, 2, 3] for order in orders)
    assert len({order[0] for order in orders}) == 4  # every option comes first for someone


def test_the_right_answer_does_not_sit_in_one_position_across_checks():
    positions = [get_option_order(7, "step", f"check-{n}", 4).index(0) for n in range(40)]
    assert len(set(positions)) == 4


def test_step_page_shows_options_in_the_persons_order(app, user):
    html = user.client.get(STEP).get_data(as_text=True)
    with app.app_context():
        user_id = db.session.scalar(select(User.id))
    assert shown_order(html) == get_option_order(user_id, "why-upward", "power", 2)
    assert shown_order(user.client.get(STEP).get_data(as_text=True)) == shown_order(html)


def test_results_list_a_missed_check_to_retry_and_retrying_returns_there(user):
    answer(user, WRONG)
    pathway = user.client.get("/pathways/mentoring").get_data(as_text=True)
    assert "Knowledge checks: 0 of 1 right, 1 to try again." in pathway
    assert RESULTS in pathway
    page = user.client.get(RESULTS).get_data(as_text=True)
    assert "Try these again" in page and "0 of 1 right" in page
    assert 'name="back" value="/pathways/mentoring/checks"' in page
    assert "Not quite. Try another answer." in page
    response = answer(user, RIGHT, page=RESULTS, back=RESULTS)
    assert response.status_code == 302
    assert response.location.endswith("/pathways/mentoring/checks#why-upward--power")
    page = user.client.get(RESULTS).get_data(as_text=True)
    assert "You got every check in this pathway right." in page
    assert "Try these again" not in page


def test_results_are_private_and_need_an_account(client, user):
    answer(user, WRONG)
    user.logout()
    assert client.get(RESULTS).status_code == 302  # to the login page
    other = AuthActions(client)
    other.register(email="second@example.com", name="Second Mentor")
    page = client.get(RESULTS).get_data(as_text=True)
    assert "Try these again" not in page and "1 not answered yet" in page


def test_back_must_stay_on_the_site(user):
    response = answer(user, RIGHT, back="//evil.example/")
    assert "evil" not in response.location
    assert response.location.endswith("/pathways/mentoring/steps/why-upward#power")


def test_checkin_brings_back_an_earlier_check_from_a_completed_step(user):
    page = user.client.get("/templates/checkin").get_data(as_text=True)
    assert "Two minutes of practice" not in page
    user.post("/steps/why-upward/complete", {"pathway": "mentoring"}, page=STEP)
    answer(user, WRONG)
    page = user.client.get("/templates/checkin").get_data(as_text=True)
    assert "Two minutes of practice" in page and "starting with ones you missed" in page
    assert 'id="why-upward--power"' in page
    assert 'name="back" value="/templates/checkin"' in page
    response = answer(user, RIGHT, page="/templates/checkin", back="/templates/checkin")
    assert response.location.endswith("/templates/checkin#why-upward--power")


def test_templates_without_practice_show_none(user):
    user.post("/steps/why-upward/complete", {"pathway": "mentoring"}, page=STEP)
    assert "Two minutes of practice" not in user.client.get("/templates/agenda").get_data(
        as_text=True
    )
