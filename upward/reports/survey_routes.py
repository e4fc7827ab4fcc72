"""Survey pages for participants: the surveys open to them, and the form that answers one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from upward import kept
from upward.models.types import utcnow
from upward.reports import surveys
from upward.reports.survey_forms import SurveyForm

bp = Blueprint("surveys", __name__, url_prefix="/surveys")


@bp.before_request
@login_required
def require_login() -> None:
    """Surveys are for the people in a cohort, signed in."""


@bp.get("/")
def index() -> ResponseReturnValue:
    """List the surveys the person may answer now."""
    due = surveys.list_due(current_user, surveys.today_of(utcnow()))
    return render_template("reports/surveys.html", due=due)


@bp.route("/<int:cohort_id>/<point>", methods=["GET", "POST"])
def answer(cohort_id: int, point: str) -> ResponseReturnValue:
    """Show a survey and record the answer once."""
    try:
        survey = surveys.get_due(current_user, cohort_id, point, surveys.today_of(utcnow()))
    except surveys.NotDue:
        if point in surveys.POINTS and surveys.has_answered(current_user, cohort_id, point):
            # A second click of "Send" (or the back button): the first answer stands.
            flash("You have already answered this survey. Thank you!", "info")
            return redirect(url_for("surveys.index"))
        abort(404)
    typed = kept.take(f"survey:{cohort_id}:{point}") if request.method == "GET" else None
    form = SurveyForm(formdata=typed) if typed is not None else SurveyForm()
    if form.validate_on_submit():
        surveys.submit(
            current_user,
            survey,
            int(form.usefulness.data),
            form.good_fit.data,
            int(form.recommend.data),
            form.comment.data or "",
        )
        flash(
            "Thank you. Your answers help the program team make the next cohort better.", "success"
        )
        return redirect(url_for("surveys.index"))
    status = 400 if form.errors else 200
    return render_template("reports/survey.html", survey=survey, form=form), status
