"""On a step besides completion: knowledge checks and private reflection notes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from upward.extensions import db
from upward.models import CheckAnswer, ReflectionNote


def test_knowledge_check_feedback_and_latest_answer(client, user):
    page = "/pathways/mentoring/steps/why-upward"
    user.post("/steps/why-upward/checks/power", {"choice": "0", "pathway": "mentoring"}, page=page)
    html = client.get(page).get_data(as_text=True)
    assert "Not quite." in html and "holds formal power, not the expertise" in html
    user.post("/steps/why-upward/checks/power", {"choice": "1", "pathway": "mentoring"}, page=page)
    html = client.get(page).get_data(as_text=True)
    assert "strongest answer" in html and "That is why the roles are reversed" in html
    with client.application.app_context():
        answers = db.session.scalars(select(CheckAnswer)).all()
        assert [(a.choice, a.correct) for a in answers] == [(1, True)]


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/steps/why-upward/checks/nope", {"choice": "0"}),
        ("/steps/why-upward/checks/power", {"choice": "7"}),
        ("/steps/why-upward/reflections/nope", {"text": "x"}),
    ],
)
def test_answers_to_blocks_that_do_not_exist_are_404(client, user, url, data):
    response = user.post(url, data, page="/pathways/mentoring/steps/why-upward")
    assert response.status_code == 404


def test_reflection_note_is_saved_listed_and_cleared(client, user):
    page = "/pathways/mentoring/steps/why-upward"
    user.post("/steps/why-upward/reflections/fear", {"text": "Being seen as rude"}, page=page)
    assert "Being seen as rude" in client.get(page).get_data(as_text=True)
    assert "Being seen as rude" in client.get("/dashboard").get_data(as_text=True)
    user.post("/steps/why-upward/reflections/fear", {"text": "  "}, page=page)
    with client.application.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReflectionNote)) == 0
