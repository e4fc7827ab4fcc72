"""Report pages for program leads: a dashboard per cohort and across the cohorts they lead."""

from __future__ import annotations

import re
from collections.abc import Iterator

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from upward.models.types import utcnow
from upward.program.access import is_lead
from upward.publishing import get_library
from upward.reports import charts, exports, surveys, xapi
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


@bp.get("/feedback")
def feedback() -> ResponseReturnValue:
    """Show the program surveys' answers across every cohort the viewer leads."""
    return feedback_page(None)


@bp.get("/cohorts/<int:cohort_id>/feedback")
def cohort_feedback(cohort_id: int) -> ResponseReturnValue:
    """Show one cohort's survey answers."""
    return feedback_page(cohort_id)


def feedback_page(cohort_id: int | None) -> ResponseReturnValue:
    """Render the surveys' answers of a scope; groups under five carry only their size."""
    scope = scope_from_request(cohort_id)
    groups = surveys.get_feedback(scope)
    return render_template(
        "reports/feedback.html",
        scope=scope,
        groups=groups,
        charts={g.point: charts.usefulness_chart(g) for g in groups if g.shown},
        min_group=surveys.MIN_GROUP,
        USEFULNESS=surveys.USEFULNESS,
        GOOD_FIT=surveys.GOOD_FIT,
    )


# Downloads ----------------------------------------------------------------------------------


def download(name: str, chunks: Iterator[str], mimetype: str, scope: Scope) -> Response:
    """Stream a download, named after what it covers and the day it was made."""
    covers = slug(scope.cohort.name) if scope.cohort else "all-cohorts"
    stem, _, extension = name.partition(".")
    filename = f"upward-{stem}-{covers}-{utcnow().date().isoformat()}.{extension}"
    return Response(
        stream_with_context(chunks),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def slug(text: str) -> str:
    """Return a name fit for a file name: lower case letters, digits and dashes."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "cohort"


def export_scope() -> Scope:
    """Return the scope of a download: ?cohort=<id> (or every led cohort) and the filters."""
    return scope_from_request(request.args.get("cohort", type=int))


CSV_TYPE = "text/csv; charset=utf-8"


@bp.get("/people.csv")
def people_csv() -> ResponseReturnValue:
    """Download every person's progress as CSV."""
    scope = export_scope()
    rows = exports.people_rows(scope, published(get_library()))
    return download("people.csv", exports.to_csv(exports.PEOPLE_HEADER, rows), CSV_TYPE, scope)


@bp.get("/pairs.csv")
def pairs_csv() -> ResponseReturnValue:
    """Download every pair with its health, sessions and check-ins as CSV."""
    scope = export_scope()
    rows = exports.pairs_rows(scope)
    return download("pairs.csv", exports.to_csv(exports.PAIRS_HEADER, rows), CSV_TYPE, scope)


@bp.get("/sessions.csv")
def sessions_csv() -> ResponseReturnValue:
    """Download every session as CSV."""
    scope = export_scope()
    rows = exports.sessions_rows(scope)
    return download("sessions.csv", exports.to_csv(exports.SESSIONS_HEADER, rows), CSV_TYPE, scope)


@bp.get("/funnel.csv")
def funnel_csv() -> ResponseReturnValue:
    """Download the step-by-step funnel of every pathway as CSV."""
    scope = export_scope()
    rows = exports.funnel_rows(scope, published(get_library()))
    return download("funnel.csv", exports.to_csv(exports.FUNNEL_HEADER, rows), CSV_TYPE, scope)


@bp.get("/xapi.json")
def xapi_json() -> ResponseReturnValue:
    """Download the learning records as xAPI 1.0.3 statements."""
    scope = export_scope()
    chunks = xapi.to_json(xapi.statements(scope, published(get_library())))
    response = download("xapi.json", chunks, "application/json", scope)
    response.headers["X-Experience-API-Version"] = xapi.VERSION
    return response
