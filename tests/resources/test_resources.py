"""Curated resources: filters, sorts, bookmarks, ratings, and the go-deeper lists of steps."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, func, select

from tests.helpers import AuthActions, count_queries, without_site_script
from upward.extensions import db
from upward.models import Bookmark, Rating

ALL = [
    "Arguing upward with care",
    "Building psychological safety in teams",
    "The Fearless Organization",
]


def titles(html: str) -> list[str]:
    """Return the resource titles of a list page, in order."""
    return re.findall(r'<h2 class="card-title"><a href="/resources/[^"]+">([^<]+)</a>', html)


def listing(client, query: str = "") -> list[str]:
    response = client.get(f"/resources/{query}")
    assert response.status_code == 200
    return titles(response.get_data(as_text=True))


def rate(user: AuthActions, resource_id: str, stars: int):
    url = f"/resources/{resource_id}"
    return user.post(f"{url}/rating", {"stars": stars}, page=url)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_list_shows_each_resource_with_its_facts(client):
    html = client.get("/resources/").get_data(as_text=True)
    assert titles(html) == ALL
    assert "Book · Amy Edmondson · 2018 · 256 pages" in html
    assert '<span class="badge badge-theme">Psychological safety</span>' in html
    assert "Why speaking up needs a safe climate." in html  # the annotation
    assert "admit what you <strong>don’t</strong> know" in html  # rendered Markdown
    assert "No ratings yet" in html
    assert "Unfinished toolkit" not in html  # a draft


def test_authors_see_draft_resources(app, client, user):
    from upward.models import User

    with app.app_context():
        db.session.execute(db.update(User).values(is_author=True))
        db.session.commit()
    assert "Unfinished toolkit" in listing(client)
    assert client.get("/resources/draft-tool").status_code == 200


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "?audience=executive",
            ["Building psychological safety in teams", "The Fearless Organization"],
        ),
        ("?audience=mentor", ["Arguing upward with care", "The Fearless Organization"]),
        ("?theme=leadership", ["Building psychological safety in teams"]),
        ("?theme=psychological-safety&format=book", ["The Fearless Organization"]),
        ("?format=talk", ["Arguing upward with care"]),
        ("?format=podcast", []),
        ("?theme=bogus&format=nonsense", ALL),  # unknown values are ignored, not errors
    ],
)
def test_filters(client, query, expected):
    assert listing(client, query) == expected


def test_filter_form_works_without_javascript(client):
    html = client.get("/resources/?theme=leadership").get_data(as_text=True)
    assert '<form method="get" action="/resources/"' in html
    assert '<option selected value="leadership">' in html or 'selected value="leadership"' in html
    assert "<script" not in without_site_script(html) and "style=" not in html


def test_no_match_has_a_message(client):
    html = client.get("/resources/?format=podcast").get_data(as_text=True)
    assert "No resources match these filters." in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ALL),
        (
            "newest",
            [
                "Building psychological safety in teams",
                "The Fearless Organization",
                "Arguing upward with care",
            ],
        ),
        # Fearless has no minutes: it sorts after those that have them.
        (
            "shortest",
            [
                "Building psychological safety in teams",
                "Arguing upward with care",
                "The Fearless Organization",
            ],
        ),
    ],
)
def test_sorts(client, sort, expected):
    assert listing(client, f"?sort={sort}") == expected


def test_sort_by_rating_and_by_count(app, client):
    a = AuthActions(app.test_client())
    b = AuthActions(app.test_client())
    a.register(email="a@example.com")
    b.register(email="b@example.com")
    rate(a, "upward-talk", 5)
    rate(a, "fearless-book", 4)
    rate(b, "fearless-book", 4)
    assert listing(client, "?sort=rated") == [
        "Arguing upward with care",  # 5.0 from one rating
        "The Fearless Organization",  # 4.0 from two
        "Building psychological safety in teams",
    ]
    assert listing(client, "?sort=popular") == [
        "The Fearless Organization",
        "Arguing upward with care",
        "Building psychological safety in teams",
    ]


def test_detail_page(client):
    html = client.get("/resources/fearless-book").get_data(as_text=True)
    assert "<h1>The Fearless Organization</h1>" in html
    assert 'href="https://openlibrary.org/search?q=The+Fearless+Organization"' in html
    assert "Why speaking up needs a safe climate." in html
    assert "Log in</a> to bookmark and rate" in html


@pytest.mark.parametrize("resource_id", ["nope", "checkin", "draft-tool"])
def test_unknown_draft_or_other_kind_is_404(client, resource_id):
    assert client.get(f"/resources/{resource_id}").status_code == 404


def test_rating_shows_average_and_count(app, client):
    a = AuthActions(app.test_client())
    b = AuthActions(app.test_client())
    a.register(email="a@example.com")
    b.register(email="b@example.com")
    assert rate(a, "fearless-book", 5).status_code == 302
    rate(b, "fearless-book", 2)
    html = client.get("/resources/fearless-book").get_data(as_text=True)
    assert "3.5 out of 5 · 2 ratings" in html
    assert "3.5 out of 5 · 2 ratings" in client.get("/resources/").get_data(as_text=True)


def test_changing_a_rating_keeps_one_row(app, client, user):
    rate(user, "fearless-book", 2)
    rate(user, "fearless-book", 5)
    assert count(app, Rating) == 1
    with app.app_context():
        assert db.session.scalar(select(Rating.stars)) == 5
    html = client.get("/resources/fearless-book").get_data(as_text=True)
    assert "You gave it 5 out of 5" in html
    assert "5.0 out of 5 · 1 rating" in html
    assert 'checked id="stars-4"' in html or re.search(
        r'id="stars-4"[^>]*checked|checked[^>]*id="stars-4"', html
    )


@pytest.mark.parametrize("stars", ["0", "6", "lots", ""])
def test_bad_ratings_are_refused(app, client, user, stars):
    response = user.post(
        "/resources/fearless-book/rating", {"stars": stars}, page="/resources/fearless-book"
    )
    assert response.status_code == 302
    assert count(app, Rating) == 0
    assert "Pick from 1 to 5 stars." in client.get("/resources/fearless-book").get_data(
        as_text=True
    )


def test_anonymous_cannot_rate_or_bookmark(app, client):
    assert client.post("/resources/fearless-book/rating", data={"stars": 5}).status_code in (
        302,
        400,
    )
    assert client.post("/resources/fearless-book/bookmark").status_code in (302, 400)
    assert count(app, Rating) == count(app, Bookmark) == 0


def test_rating_needs_csrf(app, client, user):
    assert client.post("/resources/fearless-book/rating", data={"stars": 5}).status_code == 400
    assert count(app, Rating) == 0


def test_cannot_rate_a_missing_resource(app, client, user):
    assert rate(user, "nope", 4).status_code == 404
    assert count(app, Rating) == 0


def test_bookmark_is_idempotent_and_filterable(app, client, user):
    first = user.post("/resources/fearless-book/bookmark", page="/resources/")
    second = user.post("/resources/fearless-book/bookmark", page="/resources/")
    assert first.status_code == second.status_code == 302
    assert count(app, Bookmark) == 1
    assert listing(client, "?bookmarked=y") == ["The Fearless Organization"]
    html = client.get("/resources/fearless-book").get_data(as_text=True)
    assert "Remove bookmark" in html
    user.post("/resources/fearless-book/unbookmark", page="/resources/")
    user.post("/resources/fearless-book/unbookmark", page="/resources/")
    assert count(app, Bookmark) == 0
    assert listing(client, "?bookmarked=y") == []


def test_bookmark_goes_back_only_inside_the_site(client, user):
    response = user.post(
        "/resources/fearless-book/bookmark", {"next": "/resources/?theme=leadership"}
    )
    assert response.headers["Location"] == "/resources/?theme=leadership"
    response = user.post("/resources/fearless-book/bookmark", {"next": "https://evil.example/"})
    assert response.headers["Location"] == "/resources/fearless-book"


def test_bookmarks_are_private(app, client, user):
    user.post("/resources/fearless-book/bookmark")
    other = AuthActions(app.test_client())
    other.register(email="other@example.com")
    assert listing(other.client, "?bookmarked=y") == []


def test_state_never_changes_over_get(app, client, user):
    assert client.get("/resources/fearless-book/bookmark").status_code == 405
    assert client.get("/resources/fearless-book/rating?stars=5").status_code == 405
    assert count(app, Bookmark) == count(app, Rating) == 0


def test_ratings_are_one_grouped_query(app, client, user):
    rate(user, "fearless-book", 4)
    rate(user, "upward-talk", 3)
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

        def record(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            client.get("/resources/")
        finally:
            event.remove(engine, "before_cursor_execute", record)
    on_ratings = [s for s in statements if "FROM ratings" in s]
    grouped = [s for s in on_ratings if "GROUP BY" in s]
    assert len(grouped) == 1
    assert len(on_ratings) <= 2  # the averages, and the person's own stars


def test_step_lists_go_deeper_and_templates(client):
    html = client.get("/pathways/mentoring/steps/why-upward").get_data(as_text=True)
    assert "Go deeper" in html
    assert 'href="/resources/fearless-book">The Fearless Organization</a>' in html
    assert "Use a template" in html
    assert 'href="/templates/checkin">Bi-weekly check-in</a>' in html


def test_step_without_extras_has_no_empty_lists(client):
    html = client.get("/pathways/mentoring/steps/sbi").get_data(as_text=True)
    assert "Go deeper" not in html and "Use a template" not in html


def test_the_list_shows_each_person_their_own_stars_in_few_statements(app, client, user):
    other = AuthActions(app.test_client())
    other.register(email="other@example.com")
    rate(other, "fearless-book", 2)
    client.get("/resources/")
    with count_queries(app) as before:
        html = client.get("/resources/").get_data(as_text=True)
    assert "you gave" not in html  # the other person's stars are theirs
    rate(user, "fearless-book", 5)
    rate(user, "upward-talk", 3)
    user.post("/resources/upward-talk/bookmark", page="/resources/")
    with count_queries(app) as after:
        html = client.get("/resources/").get_data(as_text=True)
    assert '3.5 out of 5 · 2 ratings</span> <span class="meta">· you gave 5' in html
    assert "you gave 3" in html
    assert len(after) == len(before) <= 3  # the person, their bookmarks, every rating at once
