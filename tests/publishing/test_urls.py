"""Every page's address comes from one UrlScheme: rendering, search and the routes agree."""

from __future__ import annotations

import pytest
from flask import url_for

from upward.publishing import URLS

ROUTES = {
    "step": ("learn.step_anywhere", "step_id"),
    "template": ("discussions.template", "template_id"),
    "resource": ("resources.detail", "resource_id"),
}


@pytest.mark.parametrize("kind", sorted(ROUTES))
def test_the_url_scheme_is_the_routes_own_address(app, kind):
    endpoint, arg = ROUTES[kind]
    with app.test_request_context("/"):
        assert URLS.page_url(kind, "some-id") == url_for(endpoint, **{arg: "some-id"})
        assert URLS.page_url(kind, "some-id", "part") == url_for(
            endpoint, **{arg: "some-id"}, _anchor="part"
        )


def test_media_is_served_where_the_scheme_points(app):
    with app.test_request_context("/"):
        assert URLS.media_url("mentor/a.png") == url_for("media.media", path="mentor/a.png")
