"""Program lead pages: who is paired with whom, and how the program is going."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from upward import pairs
from upward.forms import ButtonForm
from upward.models import User
from upward.program import people
from upward.program.forms import PairForm

bp = Blueprint("program", __name__, url_prefix="/program")


@bp.before_request
@login_required
def require_program_lead() -> None:
    """Let only program leads and admins in."""
    if not pairs.can_manage_pairs(current_user):
        abort(403)


def person_choice(user: User) -> SelectChoice:
    """Return a person as an option: name and email, so namesakes can be told apart."""
    return SelectChoice(user.id, f"{user.name} ({user.email})")


def make_pair_form() -> PairForm:
    """Return the new-pair form with the mentors and executives of the lead's cohorts."""
    form = PairForm()
    viewer = current_user._get_current_object()
    form.mentor.choices = [person_choice(u) for u in people.visible_people(viewer, "mentor")]
    form.executive.choices = [person_choice(u) for u in people.visible_people(viewer, "executive")]
    return form


def visible_pairs() -> list[pairs.PairView]:
    """Return the pairs whose partners are both people this lead may see."""
    viewer = current_user._get_current_object()
    seen = {u.id for u in people.visible_people(viewer)}
    return [p for p in pairs.list_pairs() if {p.mentor.id, p.executive.id} <= seen]


@bp.route("/pairs", methods=["GET", "POST"])
def list_pairs() -> ResponseReturnValue:
    """List the pairs and create a new one."""
    form = make_pair_form()
    if form.validate_on_submit():
        try:
            pairs.create_pair(form.mentor.data, form.executive.data)
        except pairs.PairError as error:
            flash(str(error), "error")
        else:
            flash(
                "Pair created. They can now share filled-in templates with each other.", "success"
            )
            return redirect(url_for("program.list_pairs"))
    status = 400 if form.errors else 200
    return render_template(
        "program/pairs.html", form=form, pairs=visible_pairs(), remove_form=ButtonForm()
    ), status


@bp.route("/pairs/<int:pair_id>/delete", methods=["GET", "POST"])
def remove_pair(pair_id: int) -> ResponseReturnValue:
    """Ask for confirmation, then remove a pair: shared templates stop being visible."""
    pair = next((p for p in visible_pairs() if p.id == pair_id), None)
    if pair is None:
        abort(404)
    form = ButtonForm()
    if not form.validate_on_submit():
        return render_template("program/remove_pair.html", pair=pair, form=form)
    pairs.remove_pair(pair_id)
    flash(f"{pair.mentor.name} and {pair.executive.name} are no longer paired.", "info")
    return redirect(url_for("program.list_pairs"))


@bp.get("/report")
def report() -> ResponseReturnValue:
    """Send the old report's address to the program dashboard that replaced it."""
    return redirect(url_for("reports.index"), 301)


@bp.get("/report.csv")
def report_csv() -> ResponseReturnValue:
    """Send the old pairs download to the pairs export that replaced it."""
    return redirect(url_for("reports.pairs_csv"), 301)
