"""The small levers of speed give the same answers as what they replace."""

from __future__ import annotations

from flask import url_for

from upward.templating import memoized_url_for


def test_memoized_url_for_matches_url_for_and_follows_the_script_root(app):
    cached = memoized_url_for(app.url_for)
    with app.test_request_context("/"):
        for endpoint, values in [
            ("learn.step", {"pathway_id": "mentoring", "step_id": "sbi"}),
            ("learn.dashboard", {}),
            ("static", {"filename": "site.css"}),
            ("learn.pathway", {"pathway_id": "mentoring", "_anchor": "top"}),
        ]:
            assert cached(endpoint, **values) == url_for(endpoint, **values)
            assert cached(endpoint, **values) == url_for(endpoint, **values)  # from the memo
    with app.test_request_context("/", base_url="http://localhost/upward/"):
        assert cached("learn.dashboard") == "/upward/dashboard"


def test_pages_use_the_memoized_url_for(app, client):
    assert app.jinja_env.globals["url_for"] is not app.url_for
    html = client.get("/").get_data(as_text=True)
    assert 'href="/pathways/' in html
