"""Work is never lost to an expired session: typed text comes back after logging in again."""

from __future__ import annotations

from sqlalchemy import select

from tests.helpers import SITE_SCRIPT, AuthActions, csrf_token
from upward.extensions import db
from upward.models import Completion, KeptWork, ReflectionNote, TemplateEntry

STEP = "/pathways/mentoring/steps/why-upward"
HERE = {"Origin": "http://localhost", "Referer": f"http://localhost{STEP}"}
TYPED = "I worry they will hear criticism where I mean help."


def log_out_elsewhere(app) -> None:
    """Log the mentor in on another device and out again: every session ends."""
    other = AuthActions(app.test_client())
    other.login()
    other.logout()


def notes(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(ReflectionNote.text)))


def test_a_reflection_typed_after_being_logged_out_elsewhere_comes_back(app, user, client):
    token = csrf_token(client, STEP)
    log_out_elsewhere(app)
    response = client.post(
        "/steps/why-upward/reflections/fear",
        data={"csrf_token": token, "text": TYPED, "pathway": "mentoring"},
        headers=HERE,
    )
    assert response.status_code == 302
    assert response.location.startswith("/account/login?next=")
    login_page = client.get(response.location).get_data(as_text=True)
    assert "what you typed will be back on the page" in login_page
    back = user.login(next=f"{STEP}#fear")
    assert back.location == f"{STEP}#fear"  # the page, not the POST-only URL (405)
    page = client.get(STEP).get_data(as_text=True)
    assert TYPED in page
    assert 'data-unsaved="restored"' in page
    assert "Here is what you typed" in page
    assert notes(app) == []  # kept for the person to check and save, not saved behind their back
    assert TYPED not in client.get(STEP).get_data(as_text=True)  # given back once
    with app.app_context():
        assert db.session.scalar(select(KeptWork)) is None


def test_a_template_typed_after_the_session_expired_comes_back(app, user, client):
    page = "/templates/agenda"
    token = csrf_token(client, page)
    client.delete_cookie("session")  # the cookie expired: no session, no CSRF token
    response = client.post(
        page,
        data={"csrf_token": token, "title": "Our plan", "f_title_topic": "Hybrid meetings"},
        headers={"Origin": "http://localhost", "Referer": f"http://localhost{page}"},
    )
    assert response.status_code == 302
    assert response.location == "/account/login?next=/templates/agenda"
    assert user.login(next=page).location == page
    html = client.get(page).get_data(as_text=True)
    assert 'value="Hybrid meetings"' in html and 'value="Our plan"' in html
    assert 'class="entry-form" data-unsaved="restored"' in html
    with app.app_context():
        assert db.session.scalar(select(TemplateEntry)) is None


def test_an_edit_typed_after_being_logged_out_comes_back(app, user, client):
    user.post(
        "/templates/agenda", {"title": "Plan", "f_title_topic": "Old"}, page="/templates/agenda"
    )
    with app.app_context():
        entry_id = db.session.scalar(select(TemplateEntry.id))
    page = f"/entries/{entry_id}/edit"
    token = csrf_token(client, page)
    log_out_elsewhere(app)
    response = client.post(
        page,
        data={"csrf_token": token, "title": "Plan", "f_title_topic": "New words"},
        headers={"Origin": "http://localhost", "Referer": f"http://localhost{page}"},
    )
    assert response.status_code == 302
    user.login(next=page)
    assert 'value="New words"' in client.get(page).get_data(as_text=True)


def test_someone_else_logging_in_on_that_browser_does_not_get_it(app, user, client):
    AuthActions(app.test_client()).register("other@example.com", "Oscar Other")
    token = csrf_token(client, STEP)
    log_out_elsewhere(app)
    client.post(
        "/steps/why-upward/reflections/fear",
        data={"csrf_token": token, "text": TYPED},
        headers=HERE,
    )
    user.login("other@example.com", next=STEP)
    assert TYPED not in client.get(STEP).get_data(as_text=True)


def test_another_site_cannot_plant_text(app, user, client):
    token = csrf_token(client, STEP)
    client.delete_cookie("session")
    response = client.post(
        "/steps/why-upward/reflections/fear",
        data={"csrf_token": token, "text": "planted"},
        headers={"Origin": "https://evil.example", "Referer": "https://evil.example/x"},
    )
    assert response.status_code == 400  # the plain expired-form page
    with app.app_context():
        assert db.session.scalar(select(KeptWork)) is None


def test_any_refused_post_returns_to_its_page_not_a_405(app, user, client):
    token = csrf_token(client, STEP)
    log_out_elsewhere(app)
    response = client.post("/steps/why-upward/complete", data={"csrf_token": token}, headers=HERE)
    assert response.status_code == 302
    target = user.login(next=STEP).location
    assert target == STEP
    assert client.get(target).status_code == 200
    # A refused POST with no page to go back to lands on the home page, not on the POST URL.
    token = csrf_token(client, "/")
    log_out_elsewhere(app)
    response = client.post("/steps/why-upward/uncomplete", data={"csrf_token": token})
    assert "next=/" in response.location and "uncomplete" not in response.location


def test_mark_complete_saves_a_reflection_typed_but_not_saved(app, user, client):
    response = user.post(
        "/steps/why-upward/complete",
        {"pathway": "mentoring", "note-fear": TYPED, "note-nope": "ignored"},
        page=STEP,
    )
    assert response.status_code == 302
    assert notes(app) == [TYPED]
    with app.app_context():
        assert db.session.scalar(select(Completion.step_id)) == "why-upward"


def test_step_page_wires_the_unsaved_warning_without_inline_script(user, client):
    html = client.get(STEP).get_data(as_text=True)
    assert SITE_SCRIPT in html
    assert html.count("<script") == 1
    assert 'data-note="fear"' in html and "data-carries-notes" in html
    assert 'data-unsaved=""' in html
    with client.get("/static/js/unsaved.js") as js:
        assert js.status_code == 200 and b"beforeunload" in js.data
