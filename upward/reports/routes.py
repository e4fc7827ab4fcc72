"""Report pages for program leads: a dashboard per cohort and across the cohorts they lead."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from upward.program.access import is_lead
from upward.publishing import get_library
from upward.reports import charts
from upward.reports.dashboard import funnel_pathways, get_dashboard
from upward.reports.forms import FilterForm
from upward.reports.scope import NotYours, Scope, list_cohorts, list_departments, make_scope
from upward.viewer import published
from upward.vocabulary import HEALTH, PARTICIPANT_ROLES

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.before_request
@login_required
def require_lead() -> None:
    """Let only program leads and admins in."""
    if not is_lead(current_user):
        abort(403)


def scope_from_request(cohort_id: int | None) -> Scope:
    """Return the scope the URL asks for; a cohort the viewer does not lead is a 404."""
    try:
        return make_scope(
            current_user, cohort_id, request.args.get("role"), request.args.get("department")
        )
    except NotYours:
        abort(404)


@bp.get("/")
def index() -> ResponseReturnValue:
    """Show the dashboard across every cohort the viewer leads."""
    return dashboard_page(None)


@bp.get("/cohorts/<int:cohort_id>")
def cohort(cohort_id: int) -> ResponseReturnValue:
    """Show one cohort's dashboard."""
    return dashboard_page(cohort_id)


def dashboard_page(cohort_id: int | None) -> ResponseReturnValue:
    """Render the dashboard of a scope with its filters."""
    scope = scope_from_request(cohort_id)
    view = published(get_library())
    form = FilterForm(request.args)
    form.set_choices(list_departments(scope), [(p.id, p.title) for p in funnel_pathways(view)])
    report = get_dashboard(scope, view, request.args.get("pathway"))
    return render_template(
        "reports/dashboard.html",
        report=report,
        form=form,
        cohorts=list_cohorts(current_user),
        charts=charts.dashboard_charts(report),
        percent=charts.percent,
        HEALTH=HEALTH,
        PARTICIPANT_ROLES=PARTICIPANT_ROLES,
    )
