"""A knowledge check keeps whether the first answer was right, whatever comes after it."""

from __future__ import annotations

from sqlalchemy import select

from upward.extensions import db
from upward.models import CheckAnswer

STEP = "/pathways/mentoring/steps/why-upward"
WRONG, RIGHT = "0", "1"  # options of the fixture check 'power', as the author wrote them


def answers(app) -> list[tuple[bool, bool | None]]:
    with app.app_context():
        found = db.session.execute(select(CheckAnswer.correct, CheckAnswer.first_correct))
        return [(bool(correct), first) for correct, first in found]


def test_a_retry_changes_the_answer_but_not_the_first_try(app, user):
    data = {"pathway": "mentoring"}
    user.post("/steps/why-upward/checks/power", {**data, "choice": WRONG}, page=STEP)
    assert answers(app) == [(False, False)]
    user.post("/steps/why-upward/checks/power", {**data, "choice": RIGHT}, page=STEP)
    assert answers(app) == [(True, False)]


def test_right_first_time_stays_right_first_time(app, user):
    data = {"pathway": "mentoring"}
    user.post("/steps/why-upward/checks/power", {**data, "choice": RIGHT}, page=STEP)
    user.post("/steps/why-upward/checks/power", {**data, "choice": WRONG}, page=STEP)
    assert answers(app) == [(False, True)]
