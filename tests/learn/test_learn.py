"""The learner's loop: browse, complete steps, see progress, continue, reset."""

from __future__ import annotations

import re
import threading

from sqlalchemy import func, select

from tests.helpers import csrf_token
from upward.extensions import db
from upward.models import Completion


def completions(client) -> int:
    with client.application.app_context():
        return db.session.scalar(select(func.count()).select_from(Completion))


def complete(user, step_id: str, pathway: str = "mentoring"):
    return user.post(
        f"/steps/{step_id}/complete",
        {"pathway": pathway},
        page=f"/pathways/{pathway}/steps/{step_id}",
    )


def test_home_offers_the_tracks_without_an_account(client):
    html = client.get("/").get_data(as_text=True)
    assert "Reverse mentoring" in html
    assert "Mentoring basics" in html
    assert "Learning as a leader" in html
    assert "Upcoming program pathway" not in html  # a draft


def test_pathway_lists_steps_with_minutes_and_total(client):
    html = client.get("/pathways/mentoring").get_data(as_text=True)
    for title in ("Why mentoring upward works", "Situation, behaviour, impact", "Keeping it going"):
        assert title in html
    assert "7 min" in html and "10 min" in html
    assert "about 22 minutes in all" in html


def test_step_page_renders_markdown_and_position(client):
    html = client.get("/pathways/mentoring/steps/sbi").get_data(as_text=True)
    assert "<strong>situation</strong>" in html
    assert "Step 2 of 3" in html
    assert 'rel="prev" href="/pathways/mentoring/steps/why-upward"' in html
    assert 'rel="next" href="/pathways/mentoring/steps/keep-going"' in html
    assert 'href="/steps/why-upward#the-power-gap"' in html


def test_anonymous_cannot_complete(client, auth):
    response = client.post("/steps/sbi/complete")
    assert response.status_code in (302, 400)
    assert completions(client) == 0


def test_mark_complete_moves_on_and_shows_progress(client, user):
    response = complete(user, "why-upward")
    assert response.headers["Location"] == "/pathways/mentoring/steps/sbi"
    html = client.get("/dashboard").get_data(as_text=True)
    assert re.search(r'<progress max="3" value="1"', html)
    assert "1 of 3 steps" in html
    assert 'href="/pathways/mentoring/steps/sbi">Continue' in html


def test_continue_goes_to_first_unfinished_step(client, user):
    complete(user, "why-upward")
    complete(user, "keep-going")
    html = client.get("/pathways/mentoring").get_data(as_text=True)
    assert 'href="/pathways/mentoring/steps/sbi">Continue' in html
    assert "completed " in html


def test_double_click_records_one_completion(client, user):
    first = complete(user, "sbi")
    second = complete(user, "sbi")
    assert first.status_code == second.status_code == 302
    assert completions(client) == 1


def test_concurrent_completions_record_one(app, user, client):
    token = csrf_token(client, "/pathways/mentoring/steps/sbi")
    session_cookie = client.get_cookie("session").value
    statuses: list[int] = []

    def post() -> None:
        c = app.test_client()
        c.set_cookie("session", session_cookie)
        r = c.post("/steps/sbi/complete", data={"csrf_token": token, "pathway": "mentoring"})
        statuses.append(r.status_code)

    threads = [threading.Thread(target=post) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302] * 8
    assert completions(client) == 1


def test_undo_completion(client, user):
    complete(user, "sbi")
    user.post(
        "/steps/sbi/uncomplete", {"pathway": "mentoring"}, page="/pathways/mentoring/steps/sbi"
    )
    assert completions(client) == 0


def test_finishing_the_pathway_congratulates(client, user):
    for step in ("why-upward", "sbi"):
        complete(user, step)
    response = complete(user, "keep-going")
    assert response.headers["Location"] == "/pathways/mentoring"
    html = client.get("/pathways/mentoring").get_data(as_text=True)
    assert "You finished" in html
    assert "3 of 3 steps" in html


def test_reset_asks_then_forgets_progress(client, user):
    complete(user, "why-upward")
    complete(user, "sbi")
    confirm = client.get("/pathways/mentoring/reset")
    assert "Reset your progress?" in confirm.get_data(as_text=True)
    assert completions(client) == 2
    user.post("/pathways/mentoring/reset", page="/pathways/mentoring/reset")
    assert completions(client) == 0


def test_reset_over_get_changes_nothing(client, user):
    complete(user, "sbi")
    client.get("/pathways/mentoring/reset")
    assert completions(client) == 1


def test_dashboard_puts_the_persons_role_first(client, auth):
    auth.register(email="exec@example.com", role="executive")
    html = client.get("/dashboard").get_data(as_text=True)
    assert html.index("Learning as a leader") < html.index("Mentoring basics")


def test_drafts_are_hidden_from_learners(client, user):
    assert client.get("/pathways/upcoming").status_code == 404
    assert client.get("/steps/draft-step").status_code == 404
    html = client.get("/pathways/leading").get_data(as_text=True)
    assert "A step still being written" not in html


def test_unknown_pages_are_404(client):
    assert client.get("/pathways/nope").status_code == 404
    assert client.get("/pathways/mentoring/steps/listen").status_code == 404
    assert client.get("/steps/nope").status_code == 404


def test_step_link_redirects_into_its_pathway(client):
    response = client.get("/steps/sbi")
    assert response.headers["Location"] == "/pathways/mentoring/steps/sbi"
