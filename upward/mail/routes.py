"""Choosing which mail you get, and the one-click unsubscribe link every nudge carries."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from upward.extensions import csrf, db
from upward.forms import ButtonForm
from upward.mail.compose import read_unsubscribe_token
from upward.mail.kinds import CATEGORIES
from upward.mail.preferences import get_opt_outs, opt_out, set_opt_outs
from upward.models import User
from upward.pairs import can_manage_pairs

bp = Blueprint("mail", __name__)


def categories_for(user: User) -> dict[str, str]:
    """Return the categories of mail a person can get (the digest is for program leads)."""
    return {
        name: label
        for name, label in CATEGORIES.items()
        if name != "digest" or can_manage_pairs(user)
    }


@bp.route("/account/emails", methods=["GET", "POST"])
@login_required
def preferences() -> ResponseReturnValue:
    """Show and change which optional mail the person gets."""
    form = ButtonForm()
    offered = categories_for(current_user)
    if form.validate_on_submit():
        wanted = set(request.form.getlist("wanted"))
        set_opt_outs(current_user.id, [name for name in offered if name not in wanted])
        flash("Your email choices are saved.", "success")
        return redirect(url_for("mail.preferences"))
    return render_template(
        "mail/preferences.html",
        form=form,
        categories=offered,
        opted_out=get_opt_outs(current_user.id),
    )


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # Mail clients post RFC 8058 one-click requests without a form; the token decides.
def unsubscribe(token: str) -> ResponseReturnValue:
    """Ask, then stop one category of mail; mail clients POST here directly (one click)."""
    found = read_unsubscribe_token(token)
    if found is None or found[1] not in CATEGORIES:
        abort(404)
    user_id, category = found
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    done = request.method == "POST"
    if done:
        opt_out(user.id, category)
    return render_template(
        "mail/unsubscribe.html", label=CATEGORIES[category], done=done, email=user.email
    )
