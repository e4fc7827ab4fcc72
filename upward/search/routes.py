"""The search page."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from upward.search import services
from upward.search.forms import SearchForm
from upward.viewer import current_user_id, get_view

bp = Blueprint("search", __name__)


@bp.get("/search")
def index() -> ResponseReturnValue:
    """Search steps, templates, resources and your own words; authors also find drafts."""
    form = SearchForm(request.args)
    form.validate()
    query = "" if form.q.errors else (form.q.data or "").strip()
    audience = "" if form.audience.errors else form.audience.data or ""
    kind = "" if form.kind.errors else form.kind.data or ""
    results = None
    if query:
        results = services.search(
            get_view(), query, audience=audience, kind=kind, user_id=current_user_id()
        )
    return render_template(
        "search/index.html",
        form=form,
        query=query,
        kind=kind,
        audience=audience,
        results=results,
        filters=services.FILTERS,
    )
