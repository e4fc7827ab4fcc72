"""Discussion templates: fill in, keep dated copies, edit, share, download, delete."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from tests.helpers import (
    CHECKIN,
    ROOT,
    AuthActions,
    entries,
    fill_in,
    share_with,
    user_id,
    without_site_script,
)
from upward.content import FormField
from upward.discussions.services import RATING_LABELS, format_value, get_rating_labels
from upward.extensions import db
from upward.models import Pair, PairShare
from upward.pairs import get_partner_ids


def test_templates_index_lists_templates(client):
    html = client.get("/templates/").get_data(as_text=True)
    assert 'href="/templates/checkin"' in html
    assert "Bi-weekly check-in" in html and "First-session agenda" in html


def test_template_page_shows_guidance_and_an_empty_form(client, user):
    html = client.get("/templates/checkin").get_data(as_text=True)
    assert "Fill this in after each session." in html
    assert 'name="f_learned"' in html and "<textarea" in html
    assert 'type="date"' in html and 'name="f_session_date"' in html
    assert 'type="radio"' in html and 'value="Video call"' in html
    assert html.count('name="f_rating"') == 5
    assert 'value="draft"' in html and ">Save draft<" in html and ">Save<" in html
    assert "Your copies" in html and "None yet" in html


def test_rating_shows_the_fields_own_ends_of_the_scale(client, user):
    html = client.get("/templates/checkin").get_data(as_text=True)
    labels = re.findall(r'<label for="f_rating-\d">([^<]*)</label>', html)
    assert labels == ["1 · A waste of time", "2", "3", "4", "5 · Changed how I work"]
    assert "Not useful" not in html and "Extremely useful" not in html


def test_rating_without_its_own_ends_uses_the_generic_scale():
    plain = FormField("overall", "Overall", "", "rating", (), False)
    own = replace(plain, low="Calm", high="Tense")
    assert get_rating_labels(plain) == RATING_LABELS
    assert list(get_rating_labels(own).values()) == ["1 · Calm", "2", "3", "4", "5 · Tense"]
    assert format_value("rating", 5, own) == "5 · Tense (out of 5)"
    assert format_value("rating", 4, plain) == "4 · Very useful (out of 5)"


def test_many_choices_become_a_select(client, user):
    html = client.get("/templates/agenda").get_data(as_text=True)
    assert "<select" in html and 'name="f_frequency"' in html
    assert '<option value="Quarterly">Quarterly</option>' in html


def test_anonymous_sees_the_template_but_cannot_save(client):
    html = client.get("/templates/checkin").get_data(as_text=True)
    assert "Fill this in after each session." in html
    assert "Log in</a> or" in html
    response = client.post("/templates/checkin", data=CHECKIN)
    assert response.status_code in (302, 400)
    assert entries(client.application) == []


def test_unknown_template_is_404(client):
    assert client.get("/templates/nope").status_code == 404
    assert client.get("/templates/fearless-book").status_code == 404  # a resource, not a template


def test_save_creates_a_dated_copy(client, user):
    response = fill_in(user)
    assert response.status_code == 302
    [entry] = entries(client.application)
    assert response.headers["Location"] == f"/entries/{entry.id}"
    assert entry.title.startswith("Bi-weekly check-in — ")
    assert entry.values == {
        "session_date": "2026-11-21",
        "learned": "Short videos beat long posts.",
        "change": "Bring examples.",
        "format": "Video call",
        "rating": 4,
    }
    assert entry.session_date == "2026-11-21"
    assert entry.is_draft is False
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Short videos beat long posts." in html
    assert "21 Nov 2026" in html and "4 (out of 5)" in html


def test_keeps_many_copies_listed_on_template_page_and_dashboard(client, user):
    fill_in(user, {"title": "First session"})
    fill_in(user, {"title": "Second session"})
    assert len(entries(client.application)) == 2
    for url in ("/templates/checkin", "/dashboard"):
        html = client.get(url).get_data(as_text=True)
        assert "First session" in html and "Second session" in html


def test_required_fields_are_checked_and_typing_is_kept(client, user):
    response = fill_in(user, {"f_learned": "  ", "f_change": "Keep this text"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Please fill in “What I learned”." in html
    assert "Keep this text" in html
    assert 'aria-invalid="true"' in html
    assert entries(client.application) == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("f_session_date", "not a date", "Enter a date as YYYY-MM-DD"),
        ("f_session_date", "", "Please fill in “Session date”."),
        ("f_format", "Carrier pigeon", "Not a valid choice"),
        ("f_rating", "9", "Not a valid choice"),
        ("f_change", "x" * 20_001, "20000"),
    ],
)
def test_bad_answers_get_a_message_per_field(client, user, field, value, message):
    response = fill_in(user, {field: value})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert entries(client.application) == []


def test_save_draft_skips_required_fields(client, user):
    response = fill_in(user, {"f_learned": "", "f_session_date": "", "action": "draft"})
    assert response.status_code == 302
    [entry] = entries(client.application)
    assert entry.is_draft is True
    assert entry.values["learned"] is None
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Draft · " in html


def test_edit_and_save(client, user):
    fill_in(user, {"action": "draft", "f_learned": ""})
    [entry] = entries(client.application)
    url = f"/entries/{entry.id}/edit"
    html = client.get(url).get_data(as_text=True)
    assert "Bring examples." in html and 'value="2026-11-21"' in html
    response = user.post(
        url, {**CHECKIN, "title": "Renamed", "f_learned": "Now filled in"}, page=url
    )
    assert response.status_code == 302
    [entry] = entries(client.application)
    assert entry.title == "Renamed"
    assert entry.values["learned"] == "Now filled in"
    assert entry.is_draft is False


def test_edit_with_a_missing_required_field_keeps_the_old_copy(client, user):
    fill_in(user)
    [entry] = entries(client.application)
    url = f"/entries/{entry.id}/edit"
    response = user.post(url, {**CHECKIN, "f_learned": "", "f_change": "typed"}, page=url)
    assert response.status_code == 400
    assert "typed" in response.get_data(as_text=True)
    assert entries(client.application)[0].values["learned"] == "Short videos beat long posts."


def test_markdown_download(client, user):
    fill_in(user, {"title": "Check-in with Sam", "f_change": ""})
    [entry] = entries(client.application)
    response = client.get(f"/entries/{entry.id}.md")
    assert response.status_code == 200
    assert response.mimetype == "text/markdown"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="check-in-with-sam-{entry.id}.md"'
    )
    text = response.get_data(as_text=True)
    assert text.startswith("# Check-in with Sam\n")
    assert "Template: Bi-weekly check-in" in text
    assert "## What I learned\n\nShort videos beat long posts.\n" in text
    assert "## What I would change next time\n\n_Not filled in._\n" in text
    assert "## How did we meet?\n\nVideo call\n" in text
    assert "## How useful was the session?\n\n4 (out of 5)\n" in text


def test_delete_asks_first_then_deletes(client, user):
    fill_in(user)
    [entry] = entries(client.application)
    url = f"/entries/{entry.id}/delete"
    html = client.get(url).get_data(as_text=True)
    assert "Delete this copy?" in html
    assert len(entries(client.application)) == 1
    response = user.post(url, page=url)
    assert response.status_code == 302
    assert response.headers["Location"] == "/templates/checkin"
    assert entries(client.application) == []
    assert client.get(f"/entries/{entry.id}").status_code == 404


def test_delete_needs_the_csrf_token(client, user):
    fill_in(user)
    [entry] = entries(client.application)
    assert client.post(f"/entries/{entry.id}/delete").status_code == 400
    assert len(entries(client.application)) == 1


def test_entry_page_prints_without_the_buttons(client, user):
    fill_in(user)
    [entry] = entries(client.application)
    html = client.get(f"/entries/{entry.id}").get_data(as_text=True)
    # The print stylesheet hides .actions, .no-print, the header and the footer.
    assert '<div class="actions">' in html and "Download as Markdown" in html
    assert "style=" not in html and "<script" not in without_site_script(html)
    css = (ROOT / "static" / "css" / "upward.css").read_text()
    assert ".actions" in css.split("@media print")[1]


# The privacy matrix: who may read, edit, download and delete a filled-in template.


def entry_of(people, app, shared: bool) -> int:
    data = share_with(app, "owner@example.com") if shared else {}
    assert fill_in(people["owner"], data).status_code == 302
    return entries(app)[-1].id


def status(actions: AuthActions, method: str, url: str) -> int:
    if method == "post":
        return actions.post(url, page="/").status_code
    return actions.client.get(url).status_code


ACTIONS = [
    ("view", "get", "/entries/{id}"),
    ("edit", "get", "/entries/{id}/edit"),
    ("save", "post", "/entries/{id}/edit"),
    ("markdown", "get", "/entries/{id}.md"),
    ("delete form", "get", "/entries/{id}/delete"),
]


@pytest.mark.parametrize(("action", "method", "url"), ACTIONS)
@pytest.mark.parametrize(
    ("who", "shared", "allowed"),
    [
        ("owner", False, {"view", "edit", "save", "markdown", "delete form"}),
        ("owner", True, {"view", "edit", "save", "markdown", "delete form"}),
        ("partner", True, {"view", "markdown"}),
        ("partner", False, set()),
        ("stranger", True, set()),
        ("stranger", False, set()),
    ],
)
def test_privacy_matrix(app, people, who, shared, allowed, action, method, url):
    entry_id = entry_of(people, app, shared)
    code = status(people[who], method, url.format(id=entry_id))
    if action in allowed:
        assert code in (200, 302, 400)
    else:
        assert code == 404


@pytest.mark.parametrize("who", ["partner", "stranger"])
def test_only_the_owner_can_delete(app, people, who):
    entry_id = entry_of(people, app, shared=True)
    assert status(people[who], "post", f"/entries/{entry_id}/delete") == 404
    assert len(entries(app)) == 1
    assert status(people["owner"], "post", f"/entries/{entry_id}/delete") == 302
    assert entries(app) == []


def test_partner_reads_but_cannot_change(app, people):
    entry_id = entry_of(people, app, shared=True)
    partner = people["partner"]
    html = partner.client.get(f"/entries/{entry_id}").get_data(as_text=True)
    assert "Short videos beat long posts." in html
    assert "By Olu Owner" in html
    assert f"/entries/{entry_id}/edit" not in html and "Delete…" not in html
    index = partner.client.get("/templates/").get_data(as_text=True)
    assert "Olu Owner" in index and f'href="/entries/{entry_id}"' in index
    assert (
        partner.post(f"/entries/{entry_id}/edit", {**CHECKIN, "f_learned": "hacked"}).status_code
        == 404
    )
    assert entries(app)[0].values["learned"] == "Short videos beat long posts."


def test_stranger_sees_nothing_shared(app, people):
    entry_id = entry_of(people, app, shared=True)
    html = people["stranger"].client.get("/templates/").get_data(as_text=True)
    assert f"/entries/{entry_id}" not in html
    assert "Nothing shared with you yet." in html


def test_unsharing_hides_it_again(app, people):
    entry_id = entry_of(people, app, shared=True)
    url = f"/entries/{entry_id}/edit"
    people["owner"].post(url, CHECKIN, page=url)  # the box unticked
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PairShare)) == 0
    assert people["partner"].client.get(f"/entries/{entry_id}").status_code == 404


def test_removing_the_pair_ends_sharing(app, people):
    entry_id = entry_of(people, app, shared=True)
    with app.app_context():
        db.session.execute(Pair.__table__.delete())
        db.session.commit()
    assert people["partner"].client.get(f"/entries/{entry_id}").status_code == 404


@pytest.mark.parametrize("url", ["/entries/{id}", "/entries/{id}.md", "/entries/{id}/edit"])
def test_anonymous_is_sent_to_log_in(app, people, client, url):
    entry_id = entry_of(people, app, shared=True)
    response = client.get(url.format(id=entry_id))
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]
    assert client.post(f"/entries/{entry_id}/delete").status_code in (302, 400)
    assert len(entries(app)) == 1


def test_missing_entry_is_404(client, user):
    assert client.get("/entries/999").status_code == 404
    assert client.get("/entries/999.md").status_code == 404


def test_index_shows_partners(app, people):
    html = people["owner"].client.get("/templates/").get_data(as_text=True)
    assert "Pat Partner" in html
    html = people["stranger"].client.get("/templates/").get_data(as_text=True)
    assert "You aren't paired with anyone yet" in html


# Pairs: program leads set them up.


def test_partner_ids_work_both_ways(app, people):
    with app.app_context():
        owner = user_id(app, "owner@example.com")
        partner = user_id(app, "partner@example.com")
        assert get_partner_ids(owner) == {partner}
        assert get_partner_ids(partner) == {owner}
        assert get_partner_ids(user_id(app, "stranger@example.com")) == set()
