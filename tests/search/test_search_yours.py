"""Search by meaning on the site: your own words marked as yours, kind and audience filters with
counts, "did you mean", and nobody else's private words, ever."""

from __future__ import annotations

import re

import pytest

from tests.helpers import AuthActions, fill_in, pair, person, share_with

STEP_PAGE = "/pathways/mentoring/steps/why-upward"


def search(client, **params) -> str:
    response = client.get("/search", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def links(html: str) -> list[str]:
    return re.findall(r'<h3><a href="([^"]+)">', html)


def write_note(actions: AuthActions, text: str) -> None:
    response = actions.post(
        "/steps/why-upward/reflections/fear", {"text": text, "pathway": "mentoring"}, page=STEP_PAGE
    )
    assert response.status_code == 302


def entry_links(html: str) -> list[str]:
    return [link for link in links(html) if link.startswith("/entries/")]


@pytest.fixture
def people(app):
    """An owner (mentor), their partner (executive) and a stranger, each signed in."""
    owner = person(app, "owner@example.com", "Olu Owner", "mentor")
    partner = person(app, "partner@example.com", "Pat Partner", "executive")
    stranger = person(app, "stranger@example.com", "Sid Stranger", "executive")
    pair(app, "owner@example.com", "partner@example.com")
    return {"owner": owner, "partner": partner, "stranger": stranger}


def test_your_notes_are_found_and_marked_yours(client, user):
    write_note(user, "Worried the vice president will think I am rude")
    html = search(client, q="vice presidnt")
    assert links(html)[0] == "/steps/why-upward#fear"
    assert '<span class="badge badge-kind">Your note</span>' in html
    assert '<span class="badge badge-mine">Yours</span>' in html
    assert "<mark>vice</mark> <mark>president</mark>" in html


def test_your_filled_in_templates_are_found(client, user):
    assert fill_in(user, {"f_learned": "Carousel posts outperform threads"}).status_code == 302
    html = search(client, q="carousel")
    assert len(entry_links(html)) == 1
    assert '<span class="badge badge-kind">Your template</span>' in html
    assert "Your notes <span" in html  # the kind filter, with its count


def test_shared_entries_are_found_by_the_partner_only(app, people):
    shared = {**share_with(app, "owner@example.com"), "f_learned": "Zanzibar quarterly numbers"}
    assert fill_in(people["owner"], shared).status_code == 302
    assert fill_in(people["owner"], {"f_learned": "Zanzibar private musing"}).status_code == 302
    html = search(people["partner"].client, q="zanzibar")
    assert len(entry_links(html)) == 1
    assert "Shared by Olu Owner" in html and "private musing" not in html
    assert entry_links(search(people["owner"].client, q="zanzibar")).__len__() == 2
    assert entry_links(search(people["stranger"].client, q="zanzibar")) == []
    assert "Zanzibar" not in search(people["stranger"].client, q="zanzibar")


def test_a_former_partner_no_longer_finds_shared_entries(app, people):
    data = {**share_with(app, "owner@example.com"), "f_learned": "Quokka"}
    assert fill_in(people["owner"], data).status_code == 302
    assert len(entry_links(search(people["partner"].client, q="quokka"))) == 1
    with app.app_context():
        from upward.extensions import db
        from upward.models import Pair

        db.session.execute(db.delete(Pair))
        db.session.commit()
    assert entry_links(search(people["partner"].client, q="quokka")) == []


def test_nobody_else_finds_your_notes(app, people, client):
    write_note(people["owner"], "My secret worry about the quokka")
    for who in ("partner", "stranger"):
        html = search(people[who].client, q="quokka")
        assert "secret worry" not in html and links(html) == []
    assert links(search(client, q="quokka")) == []  # signed out
    assert links(search(people["owner"].client, q="quokka")) == ["/steps/why-upward#fear"]


def test_kind_filter_keeps_counts_for_every_kind(client, user):
    write_note(user, "Feedback feels risky")
    everything = search(client, q="feedback")
    notes_only = search(client, q="feedback", kind="yours")
    assert links(notes_only) == ["/steps/why-upward#fear"]
    steps_only = search(client, q="feedback", kind="step")
    assert steps_only and all(link.startswith("/steps/") for link in links(steps_only))
    assert "/steps/why-upward#fear" not in links(steps_only)
    counts = re.findall(
        r'>(Everything|Steps|Templates|Resources|Your notes) <span class="count">(\d+)', everything
    )
    assert dict(counts) == dict(
        re.findall(
            r'>(Everything|Steps|Templates|Resources|Your notes) <span class="count">(\d+)',
            notes_only,
        )
    )
    assert dict(counts)["Your notes"] == "1"
    assert 'aria-current="true">Your notes' in notes_only


def test_audience_counts_and_links(client):
    html = search(client, q="safety")
    assert re.search(r'audience=mentor"[^>]*>[^<]+<span class="count">1<', html)
    assert re.search(r'audience=executive"[^>]*>[^<]+<span class="count">2<', html)


def test_anonymous_gets_no_your_notes_filter_results(client):
    html = search(client, q="feedback", kind="yours")
    assert "No results for" in html


def test_did_you_mean_links_the_corrected_query(client):
    html = search(client, q="psycological safty")
    assert 'Did you mean <a href="/search?q=psychological+safety">psychological safety</a>?' in html
    assert "Did you mean" not in search(client, q="safety")


def test_spelling_typos_and_questions_find_pages(client):
    assert "/steps/sbi" in links(search(client, q="situation behaviour"))
    assert links(search(client, q="how can I give critiqe to someone senior"))


def test_bogus_kind_is_ignored(client):
    assert links(search(client, q="safety", kind="bogus")) == links(search(client, q="safety"))


@pytest.mark.parametrize("query", ['"', "NEAR(", "title:x", "a OR", "*", "🦓", "x" * 200])
def test_odd_queries_with_your_notes_are_harmless(client, user, query):
    write_note(user, "Quokka diary")
    assert client.get("/search", query_string={"q": query}).status_code == 200
    assert links(search(client, q="quokka")) == ["/steps/why-upward#fear"]


def test_your_words_do_not_stay_in_the_index(app, people):
    write_note(people["owner"], "Wombat worries")
    assert links(search(people["owner"].client, q="wombat")) == ["/steps/why-upward#fear"]
    with app.app_context():
        from upward.publishing import get_library

        assert get_library().find("wombat").total == 0
    assert links(search(people["stranger"].client, q="wombat")) == []
