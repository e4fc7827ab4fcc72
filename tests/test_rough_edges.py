"""The rough edges: words, duplicates, confirmations, list positions and the authors' banner."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from tests.helpers import ROOT, SITE, AuthActions, build_app, cohort, csrf_token, pair, share_with
from upward.content.render import MD
from upward.extensions import db
from upward.forms import Form
from upward.models import Pair, ReflectionNote, TemplateEntry, User
from upward.publishing import get_store
from upward.resources import services as resource_services

CHECKIN = {
    "title": "",
    "f_session_date": "2026-11-21",
    "f_learned": "Short videos beat long posts.",
    "f_change": "Bring examples.",
    "f_format": "Video call",
    "f_rating": "4",
    "action": "save",
}
STEP = "/pathways/mentoring/steps/sbi"


def entries(app) -> list[TemplateEntry]:
    with app.app_context():
        return list(db.session.scalars(select(TemplateEntry).order_by(TemplateEntry.id)))


def submission_id(client, template: str = "checkin") -> str:
    html = client.get(f"/templates/{template}").get_data(as_text=True)
    match = re.search(r'name="submission" type="hidden" value="([0-9a-f]{32})"', html)
    assert match, "the blank form carries no key"
    return match.group(1)


def person(app, email: str, name: str, role: str) -> AuthActions:
    actions = AuthActions(app.test_client())
    assert actions.register(email=email, name=name, role=role).status_code == 302
    return actions


def user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


# Tables


def test_table_cells_carry_their_column_heading_for_phones():
    html = MD.render("| | What you get | Options |\n|---|---|---|\n| Format | In person | |\n")
    assert '<td><span class="cell-label">What you get</span>In person</td>' in html
    assert "<td>Format</td>" in html  # the row heading column has no heading of its own
    assert '<td><span class="cell-label">Options</span></td>' not in html  # empty cell: no label


def test_table_heading_text_is_escaped_in_the_label():
    html = MD.render("| <b>x</b> `y` |\n|---|\n| z |\n")
    assert '<span class="cell-label">&lt;b&gt;x&lt;/b&gt; y</span>z' in html


def test_every_shipped_table_labels_its_cells():
    tables = 0
    for path in (ROOT / "content").rglob("*.md"):
        html = MD.render(path.read_text().split("---", 2)[2])
        for table in re.findall(r"<table>.*?</table>", html, re.S):
            tables += 1
            body = table.split("<tbody>")[1]
            cells = re.findall(r"<td>(.*?)</td>", body, re.S)
            labelled = [c for c in cells if c.startswith('<span class="cell-label">')]
            # Every cell but the row headings of a first column without a heading is labelled.
            assert len(labelled) >= len(cells) - body.count("<tr>"), path
    assert tables >= 8


# Words


@pytest.fixture
def shipped(tmp_path):
    gen = build_app(
        tmp_path,
        UPWARD_CONTENT_DIR=str(ROOT / "content"),
        UPWARD_PATHWAYS_DIR=str(ROOT / "pathways"),
    )
    yield next(gen)
    gen.close()


@pytest.mark.parametrize(
    ("role", "article", "others", "never"),
    [
        ("executive", "an <strong>executive mentee</strong>", ["Mentor:"], ["Program lead:"]),
        ("mentor", "a <strong>mentor</strong>", ["Executive mentee:"], ["Program lead:"]),
        ("program", "a <strong>program lead</strong>", ["Mentor:", "Executive mentee:"], []),
    ],
)
def test_dashboard_speaks_properly_and_offers_the_right_other_side(
    shipped, role, article, others, never
):
    actions = person(shipped, f"{role}@example.com", "Pat Person", role)
    html = actions.client.get("/dashboard").get_data(as_text=True)
    assert f"You're {article}" in html
    assert "a executive" not in html
    if role == "program":
        other = html.split('id="other-tracks"')[1]
        assert "What your pairs are learning" in html
    else:
        other = html.split("The other side of the pairing")[1]
    for title in others:
        assert title in other
    for title in never:
        assert title not in html


def test_validator_messages_are_in_the_sites_voice(client, user):
    response = user.post(
        "/templates/checkin",
        {**CHECKIN, "title": "t" * 245, "f_rating": "lots"},
        page="/templates/checkin",
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Keep this to 200 characters or fewer (you typed 245)." in html
    assert "Not a valid choice: please pick one of the options shown." in html
    assert "Field cannot be longer" not in html and "could not coerce" not in html


def test_every_form_speaks_in_the_sites_voice(app):
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    stray = [
        f"{c.__module__}.{c.__qualname__}"
        for c in subclasses(FlaskForm)
        if c.__module__.startswith("upward") and not issubclass(c, Form)
    ]
    assert not stray, f"subclass upward.forms.Form, not FlaskForm: {stray}"


def test_without_a_partner_there_is_nothing_to_share_with(app, client, user):
    # A box ticked before a pairing used to reach whoever came later: now there is no box.
    page = client.get("/templates/checkin").get_data(as_text=True)
    assert 'name="share_with"' not in page
    assert "Private: only you can see this copy." in page
    forged = user.post(
        "/templates/checkin", {**CHECKIN, "share_with": "1"}, page="/templates/checkin"
    )
    assert forged.status_code == 400 and "no longer paired with you" in forged.get_data(
        as_text=True
    )
    assert "Short videos beat long posts." in forged.get_data(as_text=True)  # kept as typed
    user.post("/templates/checkin", CHECKIN, page="/templates/checkin")
    [entry] = entries(app)
    assert "Private: only you can see it" in client.get(f"/entries/{entry.id}").get_data(
        as_text=True
    )
    assert " · shared" not in client.get("/dashboard").get_data(as_text=True)

    person(app, "exec@example.com", "Eve Exec", "executive")
    pair_id = pair(app, "mentor@example.com", "exec@example.com")
    # Pairing later shares nothing written before: the person chooses, copy by copy.
    html = client.get(f"/entries/{entry.id}").get_data(as_text=True)
    assert "Private: only you can see it" in html
    page = client.get("/templates/checkin").get_data(as_text=True)
    assert f'value="{pair_id}"' in page and "Share with Eve Exec, my mentoring partner" in page


def note_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ReflectionNote))


def test_an_empty_note_is_not_reported_as_saved(app, client, user):
    step = "/pathways/mentoring/steps/why-upward"
    url = "/steps/why-upward/reflections/fear"
    assert 'id="fear"' in client.get(step).get_data(as_text=True)
    response = user.post(url, {"text": "   ", "pathway": "mentoring"}, page=step)
    html = client.get(response.location).get_data(as_text=True)
    assert "Nothing to save: the note is empty." in html and "is saved" not in html
    assert note_count(app) == 0
    user.post(url, {"text": "Kept it back.", "pathway": "mentoring"}, page=step)
    assert note_count(app) == 1
    response = user.post(url, {"text": "", "pathway": "mentoring"}, page=step)
    assert "You emptied the note, so it is deleted." in client.get(response.location).get_data(
        as_text=True
    )
    assert note_count(app) == 0


@pytest.mark.parametrize("action", ["draft", "save"])
def test_an_empty_form_is_not_kept(app, client, user, action):
    blank = {"title": "", "action": action, "f_session_date": "", "f_learned": "", "f_change": ""}
    response = user.post(
        "/templates/checkin",
        {**blank, "f_format": "", "f_rating": ""},
        page="/templates/checkin",
    )
    if action == "save":  # the required fields say so first
        assert response.status_code == 400
    else:
        assert response.status_code == 400
        assert "Nothing to save yet: fill in at least one answer first." in response.get_data(
            as_text=True
        )
    assert entries(app) == []


def test_emptying_a_copy_by_save_draft_is_refused_and_keeps_it(app, client, user):
    user.post(
        "/templates/checkin",
        {"f_learned": "Short videos beat long posts.", "action": "draft"},
        page="/templates/checkin",
    )
    [entry] = entries(app)
    url = f"/entries/{entry.id}/edit"
    # What a browser sends: empty text boxes, and no radio button at all.
    blank = {"f_session_date": "", "f_learned": " ", "f_change": ""}
    response = user.post(url, {**blank, "title": "x", "action": "draft"}, page=url)
    assert response.status_code == 400
    assert "Nothing to save yet" in response.get_data(as_text=True)
    [kept] = entries(app)
    assert kept.values["learned"] == "Short videos beat long posts."


# Duplicates


def test_back_then_save_updates_the_copy_instead_of_making_a_second(app, client, user):
    key = submission_id(client)
    first = user.post(
        "/templates/checkin", {**CHECKIN, "submission": key}, page="/templates/checkin"
    )
    assert first.status_code == 302
    again = user.post(
        "/templates/checkin",
        {**CHECKIN, "submission": key, "f_change": "Bring two examples."},
        page="/templates/checkin",
    )
    assert again.status_code == 302 and again.location == first.location
    [entry] = entries(app)
    assert entry.values["change"] == "Bring two examples."
    assert "so that copy is updated" in client.get(again.location).get_data(as_text=True)
    # A new visit to the blank form is a new copy.
    user.post(
        "/templates/checkin",
        {**CHECKIN, "submission": submission_id(client)},
        page="/templates/checkin",
    )
    assert len(entries(app)) == 2


def test_a_submission_id_never_reaches_someone_elses_copy(app, client, user):
    key = submission_id(client)
    user.post("/templates/checkin", {**CHECKIN, "submission": key}, page="/templates/checkin")
    other = person(app, "other@example.com", "Oli Other", "mentor")
    other.post(
        "/templates/checkin",
        {**CHECKIN, "submission": key, "f_learned": "Mine."},
        page="/templates/checkin",
    )
    first, second = entries(app)
    assert first.values["learned"] == "Short videos beat long posts."
    assert second.values["learned"] == "Mine." and second.user_id != first.user_id


def test_copies_are_dated_to_the_minute(app, client, user):
    user.post("/templates/checkin", CHECKIN, page="/templates/checkin")
    [entry] = entries(app)
    stamp = re.compile(r"\d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC")
    assert stamp.search(client.get(f"/entries/{entry.id}").get_data(as_text=True))
    assert stamp.search(client.get("/templates/checkin").get_data(as_text=True))
    assert stamp.search(client.get("/dashboard").get_data(as_text=True))


# Confirmations


def test_ending_a_pair_asks_first(app, client):
    lead = person(app, "lead@example.com", "Lee Lead", "program")
    person(app, "m@example.com", "Mo Mentor", "mentor")
    person(app, "e@example.com", "Ed Exec", "executive")
    cohort_id = cohort(
        app, "lead@example.com", {"m@example.com": "mentor", "e@example.com": "executive"}
    )
    with app.app_context():
        pair = Pair(
            mentor_id=user_id(app, "m@example.com"),
            executive_id=user_id(app, "e@example.com"),
            cohort_id=cohort_id,
            status="active",
        )
        db.session.add(pair)
        db.session.commit()
        pair_id = pair.id
    listing = lead.client.get("/program/pairs").get_data(as_text=True)
    assert f'href="/program/pairs/{pair_id}/end?from=all"' in listing
    assert f'action="/program/pairs/{pair_id}/end"' not in listing  # no one-click ending
    confirm = lead.client.get(f"/program/pairs/{pair_id}/end?from=all")
    assert confirm.status_code == 200
    assert "End this pair?" in confirm.get_data(as_text=True)
    assert 'href="/program/pairs">Cancel' in confirm.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Pair, pair_id).status == "active"
    url = f"/program/pairs/{pair_id}/end?from=all"
    response = lead.post(url, page=url)
    assert response.status_code == 302 and response.location.endswith("/program/pairs")
    assert "Mo Mentor and Ed Exec are no longer paired." in lead.client.get(
        response.location
    ).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Pair, pair_id).status == "ended"
    assert lead.client.get(url).status_code == 302  # nothing left to end


def test_only_leads_see_the_pair_confirmation(app, client, user):
    assert client.get("/program/pairs/1/end").status_code == 403
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/")})
    assert client.get("/program/pairs/1/end").status_code in (302, 401)


# Lists that keep your place


def test_bookmarking_returns_to_the_same_card_on_the_same_page(client, user, monkeypatch):
    monkeypatch.setattr(resource_services, "PER_PAGE", 2)
    first = client.get("/resources/").get_data(as_text=True)
    assert "Page 1 of 2" in first and 'rel="next"' in first
    page_two = client.get("/resources/?sort=title&page=2").get_data(as_text=True)
    ids = re.findall(r'id="resource-([\w-]+)"', page_two)
    assert len(ids) == 1
    next_value = re.search(r'name="next" value="([^"]+)"', page_two).group(1)
    assert next_value == f"/resources/?sort=title&amp;page=2#resource-{ids[0]}"
    response = user.post(
        f"/resources/{ids[0]}/bookmark",
        {"next": f"/resources/?sort=title&page=2#resource-{ids[0]}"},
        page="/resources/",
    )
    assert response.location.endswith(f"/resources/?sort=title&page=2#resource-{ids[0]}")
    assert "There is no page 9" in client.get("/resources/?page=9").get_data(as_text=True)
    assert "Page 1 of 2" in client.get("/resources/?page=nonsense").get_data(as_text=True)


def test_rating_returns_to_the_rating(client, user):
    response = user.post(
        "/resources/fearless-book/rating",
        {"stars": "4", "next": "/resources/fearless-book#rate-heading"},
        page="/resources/fearless-book",
    )
    assert response.location.endswith("/resources/fearless-book#rate-heading")
    html = client.get("/resources/fearless-book").get_data(as_text=True)
    assert 'value="/resources/fearless-book#rate-heading"' in html


# Long pages


def test_template_page_offers_a_jump_to_the_form_and_folds_guidance(client, user):
    html = client.get("/templates/checkin").get_data(as_text=True)
    assert '<a href="#form-heading" data-jump>Fill it in</a>' in html
    assert '<h2 id="form-heading" tabindex="-1">Fill it in</h2>' in html
    assert '<details class="guidance-details prose" open data-fold-on-phone>' in html
    assert '<script src="/static/js/upward.js" defer></script>' in html
    js = (ROOT / "static" / "js" / "upward.js").read_text()
    assert "data-fold-on-phone" in js


def test_step_page_has_a_compact_progress_header_and_jumps(client, user):
    html = client.get(STEP).get_data(as_text=True)
    header = html.split("<h1")[0]
    assert "Step 2 of 3" in header and "<progress" in header.split('class="step-progress"')[1]
    assert '<a href="#outline" data-jump>All 3 steps</a>' in html
    assert 'id="outline" tabindex="-1"' in html
    assert '<a href="#step-actions" data-jump>Your progress</a>' in html
    assert 'id="step-actions" tabindex="-1"' in html


# The authors' banner


def break_library(tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    gen = build_app(
        tmp_path,
        UPWARD_CONTENT_DIR=str(site / "content"),
        UPWARD_PATHWAYS_DIR=str(site / "pathways"),
    )
    app = next(gen)
    path = site / "content/mentor/two.md"
    path.write_text(path.read_text().replace("minutes: 10", "minutes: ten"))
    stat = path.stat()
    import os

    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    with app.app_context():
        assert not get_store().reload()
    return app, gen


def test_authors_and_only_authors_see_the_library_has_problems(tmp_path):
    app, gen = break_library(tmp_path)
    try:
        learner = person(app, "learner@example.com", "Lee Learner", "mentor")
        author = person(app, "author@example.com", "Ada Author", "mentor")
        with app.app_context():
            db.session.execute(
                User.__table__.update()
                .where(User.email == "author@example.com")
                .values(is_author=True)
            )
            db.session.commit()
        html = author.client.get(STEP).get_data(as_text=True)
        assert "The content library has problems" in html
        assert "This page’s file has 1 problem" in html
        assert 'href="/authors/#problems-heading"' in html
        other = author.client.get("/pathways/mentoring/steps/why-upward").get_data(as_text=True)
        assert "The latest change to the content has 1 problem" in other
        assert "The content library has problems" in author.client.get(
            "/templates/checkin"
        ).get_data(as_text=True)
        assert "The content library has problems" not in learner.client.get(STEP).get_data(
            as_text=True
        )
        anonymous = app.test_client()
        assert "The content library has problems" not in anonymous.get(STEP).get_data(as_text=True)
    finally:
        gen.close()


def test_no_banner_when_the_library_is_fine(client, auth):
    auth.register()
    with client.application.app_context():
        db.session.execute(User.__table__.update().values(is_author=True))
        db.session.commit()
    assert "The content library has problems" not in client.get(STEP).get_data(as_text=True)


def test_a_submission_id_from_another_template_makes_a_new_copy(app, client, user):
    key = submission_id(client)
    user.post("/templates/checkin", {**CHECKIN, "submission": key}, page="/templates/")
    other = {"title": "", "f_title_topic": "Short videos", "action": "draft", "submission": key}
    response = user.post("/templates/agenda", other, page="/templates/")
    assert response.status_code == 302
    first, second = entries(app)
    assert first.template_id == "checkin" and first.values["learned"] == CHECKIN["f_learned"]
    assert second.template_id == "agenda" and second.submission_id is None


def test_a_draft_marked_to_share_is_called_private(app, client, user):
    person(app, "exec@example.com", "Eve Exec", "executive")
    with app.app_context():
        mentor, executive = user_id(app, "mentor@example.com"), user_id(app, "exec@example.com")
        db.session.add(Pair(mentor_id=mentor, executive_id=executive, status="active"))
        db.session.commit()
    draft = {"f_learned": "Half a thought.", **share_with(app, "mentor@example.com")}
    draft["action"] = "draft"
    user.post("/templates/checkin", draft, page="/templates/")
    [entry] = entries(app)
    html = client.get(f"/entries/{entry.id}").get_data(as_text=True)
    assert "Private while it is a draft: it will be shared with Eve Exec when you save it" in html
    assert "Shared with Eve Exec" not in html
