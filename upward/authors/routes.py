"""Pages for L&D authors: library status, problems from the last reload, drafts."""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from upward.publishing import get_library, get_store

bp = Blueprint("authors", __name__, url_prefix="/authors")


def author_required(view: Any) -> Any:
    """Let only authors through; everyone else gets 404, as if the page did not exist."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if not current_user.is_author:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


@bp.get("/")
@author_required
def index() -> ResponseReturnValue:
    """Show the library's state, the problems of the latest reload, and every draft."""
    store = get_store()
    library = get_library()
    drafts = [page for page in library.pages.values() if page.draft]
    draft_pathways = [p for p in library.pathways.values() if p.draft]
    return render_template(
        "authors/index.html",
        store=store,
        library=library,
        drafts=sorted(drafts, key=lambda page: page.path),
        draft_pathways=draft_pathways,
    )
