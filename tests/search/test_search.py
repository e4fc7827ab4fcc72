"""Search: one box over steps, templates and resources; ranked, highlighted, drafts, audiences."""

from __future__ import annotations

import re

import pytest

from upward.extensions import db
from upward.models import User


def results(client, **params) -> list[str]:
    """Return the result links of a search, best first."""
    response = client.get("/search", query_string=params)
    assert response.status_code == 200
    return re.findall(r'<h3><a href="([^"]+)">', response.get_data(as_text=True))


def make_author(app) -> None:
    with app.app_context():
        db.session.execute(db.update(User).values(is_author=True))
        db.session.commit()


def test_every_page_has_a_labeled_search_box(client):
    html = client.get("/").get_data(as_text=True)
    form = re.search(
        r'<form role="search" method="get" action="/search"[^>]*>(.*?)</form>', html, re.S
    )
    assert form, "no search form in the header"
    assert '<label for="site-search"' in form.group(1) and 'name="q"' in form.group(1)
    assert 'href="/resources/">Resources</a>' in html and 'href="/templates/">Templates</a>' in html


def test_empty_search_explains_itself(client):
    html = client.get("/search").get_data(as_text=True)
    assert "Search every step, template and resource" in html
    assert "results for" not in html
    assert "Search every step" in client.get("/search?q=+++").get_data(as_text=True)


def test_no_results(client):
    html = client.get("/search?q=xylophone").get_data(as_text=True)
    assert "No results for “xylophone”" in html


def test_finds_every_kind_with_labels(client):
    html = client.get("/search?q=session").get_data(as_text=True)
    assert '<span class="badge badge-kind">Template</span>' in html
    assert '<span class="badge badge-kind">Step</span>' in html
    assert "2 steps, 2 templates" in html  # "meet" counts too: a synonym of "session"
    links = results(client, q="critique")
    assert "/resources/upward-talk" in links and "/steps/sbi" in links and "/steps/listen" in links


def test_title_matches_rank_first(client):
    # "safety" is in one resource's title and in another's summary only.
    assert results(client, q="safety") == ["/resources/safety-article", "/resources/fearless-book"]


def test_snippets_are_highlighted(client):
    html = client.get("/search?q=power").get_data(as_text=True)
    assert "The <mark>power</mark> gap" in html


def test_query_is_escaped_and_odd_input_is_harmless(client):
    response = client.get("/search", query_string={"q": '<script>"(AND NEAR'})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_too_long_query_is_refused_politely(client):
    response = client.get("/search", query_string={"q": "a" * 300})
    assert response.status_code == 200
    assert "Keep this to 200 characters or fewer (you typed 300)." in response.get_data(
        as_text=True
    )


def test_drafts_are_hidden_from_learners(client, user):
    assert results(client, q="zanzibar") == []
    assert results(client, q="progress") == []  # the draft step's body: "Work in progress."


def test_authors_find_drafts(app, client, user):
    make_author(app)
    assert results(client, q="zanzibar") == ["/resources/draft-tool"]
    assert "/steps/draft-step" in results(client, q="progress")
    assert "drafts included because you are an author" in client.get("/search").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        ("", ["/resources/safety-article", "/resources/fearless-book"]),
        ("executive", ["/resources/safety-article", "/resources/fearless-book"]),
        ("mentor", ["/resources/fearless-book"]),  # the article is for executives only
        ("bogus", ["/resources/safety-article", "/resources/fearless-book"]),  # ignored
    ],
)
def test_audience_filter(client, audience, expected):
    assert results(client, q="safety", audience=audience) == expected


def test_audience_filter_defaults_to_everyone(client):
    html = client.get("/search?q=safety").get_data(as_text=True)
    assert '<option selected value="">Everyone</option>' in html or re.search(
        r'<option[^>]*selected[^>]*value="">Everyone', html
    )


def test_steps_inherit_their_pathways_audience(client):
    assert "/steps/sbi" not in results(client, q="critique", audience="executive")
    assert "/steps/listen" in results(client, q="critique", audience="executive")
