"""The search page."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from upward.library import get_library
from upward.search import services
from upward.search.forms import SearchForm

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
            include_drafts=current_user.is_authenticated and current_user.is_author,
        )
    return render_template("search/index.html", form=form, query=query, results=results)
