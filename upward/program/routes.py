"""Program lead pages: how the program is going (pairs and matching are in upward.pairs)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from upward import pairs

bp = Blueprint("program", __name__, url_prefix="/program")


@bp.before_request
@login_required
def require_program_lead() -> None:
    """Let only program leads and admins in."""
    if not pairs.can_manage_pairs(current_user):
        abort(403)


@bp.get("/report")
def report() -> ResponseReturnValue:
    """Send the old report's address to the program dashboard that replaced it."""
    return redirect(url_for("reports.index"), 301)


@bp.get("/report.csv")
def report_csv() -> ResponseReturnValue:
    """Send the old pairs download to the pairs export that replaced it."""
    return redirect(url_for("reports.pairs_csv"), 301)
