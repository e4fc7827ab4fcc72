"""The search page."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from upward.publishing import get_library
from upward.search import services
from upward.search.forms import SearchForm
from upward.viewer import sees_drafts

bp = Blueprint("search", __name__)


@bp.get("/search")
def index() -> ResponseReturnValue:
    """Search steps, templates and resources; authors also find drafts."""
    form = SearchForm(request.args)
    form.validate()
    query = "" if form.q.errors else (form.q.data or "").strip()
    audience = "" if form.audience.errors else form.audience.data or ""
    results = None
    if query:
        results = services.search(
            get_library(),
            query,
            audience=audience,
            include_drafts=sees_drafts(),
        )
    return render_template("search/index.html", form=form, query=query, results=results)
