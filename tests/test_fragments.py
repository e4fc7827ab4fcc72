"""Cached fragments and cached cookie checks give exactly the pages and sessions they replace."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest

from tests.helpers import SITE, AuthActions, build_app, csrf_token, edit, person

PAGES = [
    "/",
    "/dashboard",
    "/pathways/mentoring",
    "/pathways/mentoring/steps/why-upward",
    "/pathways/mentoring/steps/sbi",
    "/pathways/mentoring/steps/keep-going",
    "/pathways/mentoring/checks",
    "/pathways/leading",
    "/steps/why-upward",
    "/resources/",
    "/resources/?sort=rating&audience=mentor",
    "/resources/?bookmarked=y",
    "/search?q=feedback",
    "/search?q=feedback&kind=step&audience=mentor",
    "/search?q=nonsense&kind=nothing",
    "/templates/checkin",
]
FORM_KEY = re.compile(r'value="[0-9a-f]{32}"')
TOKEN = re.compile(r'(name="csrf_token"(?: type="hidden")? value=")[^"]+"')


@pytest.fixture
def site(tmp_path: Path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(SITE, target)
    return target


@pytest.fixture
def app(tmp_path: Path, site: Path):
    yield from build_app(
        tmp_path,
        UPWARD_CONTENT_DIR=str(site / "content"),
        UPWARD_PATHWAYS_DIR=str(site / "pathways"),
    )


def pages(app, client, cached: bool) -> dict[str, str]:
    """Fetch every page twice (the second from the cache when on); return the last HTML."""
    app.jinja_env.globals["fragment"].enabled = cached
    found = {}
    for url in PAGES:
        client.get(url)
        response = client.get(url)
        # Tokens are signed with the time and a blank form gets a fresh key: set them aside.
        html = TOKEN.sub(r'\1T"', response.get_data(as_text=True))
        found[url] = FORM_KEY.sub('value="K"', html)
    return found


def assert_same_pages(app, client) -> None:
    """The pages read the same with the fragment cache on and off."""
    on, off = pages(app, client, True), pages(app, client, False)
    for url in PAGES:
        assert on[url] == off[url], url
    app.jinja_env.globals["fragment"].enabled = True


def first_step_of(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def test_pages_are_the_same_with_and_without_cached_fragments_as_people_progress(app):
    anonymous = app.test_client()
    assert_same_pages(app, anonymous)
    mentor = person(app, "m@example.com", "Maya <Mentor> & Co", "mentor")
    assert_same_pages(app, mentor.client)
    for step in ("why-upward", "sbi"):
        mentor.post(f"/steps/{step}/complete", {"pathway": "mentoring"}, page="/dashboard")
        assert_same_pages(app, mentor.client)
    mentor.post(
        "/steps/why-upward/checks/power", {"choice": "0", "pathway": "mentoring"}, page="/dashboard"
    )
    assert_same_pages(app, mentor.client)
    mentor.post(
        "/steps/why-upward/checks/power", {"choice": "1", "pathway": "mentoring"}, page="/dashboard"
    )
    mentor.post(
        "/steps/why-upward/reflections/fear",
        {"text": "held <back>", "pathway": "mentoring"},
        page="/dashboard",
    )
    assert_same_pages(app, mentor.client)
    executive = person(app, "e@example.com", "Eve Exec", "executive")
    assert_same_pages(app, executive.client)
    assert_same_pages(app, anonymous)


def test_a_cached_fragment_never_shows_another_persons_state(app):
    first = person(app, "a@example.com", "Ann First", "mentor")
    first.post("/steps/why-upward/complete", {"pathway": "mentoring"}, page="/dashboard")
    first.post(
        "/steps/why-upward/checks/power", {"choice": "0", "pathway": "mentoring"}, page="/dashboard"
    )
    for url in PAGES:
        first.client.get(url)
    second = person(app, "b@example.com", "Bo Second", "mentor")
    html = second.client.get("/pathways/mentoring/steps/why-upward").get_data(as_text=True)
    assert "is-done" not in html and "checked" not in html and "Ann First" not in html
    assert "Bo Second" in html


def test_every_form_carries_the_persons_own_token_that_the_site_accepts(app):
    people = [person(app, f"p{i}@example.com", f"Person {i}", "mentor") for i in range(2)]
    tokens = []
    for someone in people:
        html = someone.client.get("/pathways/mentoring/steps/why-upward").get_data(as_text=True)
        found = {m.group(0) for m in TOKEN.finditer(html)}
        assert len(found) == 1, "every form on the page carries the same, real token"
        tokens.append(csrf_token(someone.client, "/pathways/mentoring/steps/why-upward"))
        assert "csrf-" not in html.replace('name="csrf_token"', "")
    assert tokens[0] != tokens[1]
    response = people[0].client.post(
        "/steps/why-upward/complete", data={"csrf_token": tokens[0], "pathway": "mentoring"}
    )
    assert response.status_code == 302
    response = people[1].client.post(
        "/steps/why-upward/complete", data={"csrf_token": tokens[0], "pathway": "mentoring"}
    )
    assert response.status_code == 400


def test_a_library_change_empties_the_fragment_cache(app, site):
    mentor = person(app, "m@example.com", "Maya Mentor", "mentor")
    url = "/pathways/mentoring/steps/sbi"
    assert "Situation, behaviour, impact" in mentor.client.get(url).get_data(as_text=True)
    edit(site / "content/mentor/two.md", "title: Situation, behaviour, impact", "title: SBI, told")
    assert app.extensions["upward.library"].reload()
    html = mentor.client.get("/pathways/mentoring/steps/keep-going").get_data(as_text=True)
    assert "SBI, told" in html and "Situation, behaviour, impact" not in html


def test_a_tampered_session_cookie_is_refused_even_after_the_real_one_was_seen(app):
    mentor = person(app, "m@example.com", "Maya Mentor", "mentor")
    assert mentor.client.get("/dashboard").status_code == 200
    cookie = mentor.client.get_cookie("session")
    assert cookie is not None
    forged = cookie.value[:-2] + ("AA" if not cookie.value.endswith("AA") else "BB")
    stranger = app.test_client()
    stranger.set_cookie("session", forged)
    assert stranger.get("/dashboard").status_code == 302  # to the login page


def test_a_remembered_session_cookie_still_expires(app, monkeypatch):
    mentor = person(app, "m@example.com", "Maya Mentor", "mentor")
    assert mentor.client.get("/dashboard").status_code == 200
    later = time.time() + app.permanent_session_lifetime.total_seconds() + 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert mentor.client.get("/dashboard").status_code == 302


def test_sessions_read_from_a_remembered_cookie_share_nothing(app):
    mentor = person(app, "m@example.com", "Maya Mentor", "mentor")
    mentor.client.get("/dashboard")
    interface = app.session_interface
    cookie = mentor.client.get_cookie("session")
    with app.test_request_context("/", headers={"Cookie": f"session={cookie.value}"}) as ctx:
        first = interface.open_session(app, ctx.request)
        first.setdefault("_flashes", []).append(("info", "one"))
        second = interface.open_session(app, ctx.request)
    assert "_flashes" not in second or second["_flashes"] != first["_flashes"]


def test_a_person_who_logs_in_again_gets_a_working_session(app):
    auth = AuthActions(app.test_client())
    auth.register(email="m@example.com")
    auth.logout()
    assert auth.client.get("/dashboard").status_code == 302
    auth.login(email="m@example.com")
    assert auth.client.get("/dashboard").status_code == 200


def test_a_persons_token_is_signed_once_and_still_works_after_they_log_in_again(app):
    mentor = person(app, "m@example.com", "Maya Mentor", "mentor")
    url = "/pathways/mentoring/steps/why-upward"
    first, again = csrf_token(mentor.client, url), csrf_token(mentor.client, url)
    assert first == again, "the same raw token is signed once per worker"
    remembered = app.extensions["upward.csrf"]
    assert first in remembered.values()
    response = mentor.client.post(
        "/steps/why-upward/complete", data={"csrf_token": first, "pathway": "mentoring"}
    )
    assert response.status_code == 302
    auth = AuthActions(mentor.client)
    auth.logout()
    auth.login(email="m@example.com")
    fresh = csrf_token(mentor.client, url)
    assert fresh != first, "a new session brings a new token"
    response = mentor.client.post(
        "/steps/why-upward/uncomplete", data={"csrf_token": first, "pathway": "mentoring"}
    )
    assert response.status_code == 400, "the old session's token is refused"


def test_tokens_with_a_time_limit_are_signed_afresh(app, monkeypatch):
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    mentor = person(app, "m@example.com", "Maya Mentor", "mentor")
    url = "/pathways/mentoring/steps/why-upward"
    first = csrf_token(mentor.client, url)
    signed_at = time.time()
    monkeypatch.setattr(time, "time", lambda: signed_at + 5)
    assert csrf_token(mentor.client, url) != first, "a limited token carries its own time"
    assert not app.extensions.get("upward.csrf")


def test_a_new_secret_key_gets_a_new_session_signer(app):
    interface = app.session_interface
    with app.test_request_context("/"):
        signer = interface.get_signing_serializer(app)
        assert interface.get_signing_serializer(app) is signer
        app.secret_key = "another key"
        assert interface.get_signing_serializer(app) is not signer
