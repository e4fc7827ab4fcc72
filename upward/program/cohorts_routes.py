"""The program lead's pages: their cohorts, the people in each, and how people get in."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from upward.forms import ButtonForm
from upward.mail.outbox import send_after_response
from upward.models import Cohort, User
from upward.program import access, cohorts, invitations, people, profiles
from upward.program import invitations_links as links
from upward.program.cohorts_forms import (
    AddPersonForm,
    CohortForm,
    ImportForm,
    InviteLinkForm,
    LeadForm,
)
from upward.vocabulary import LEVEL_BANDS, PROGRAM_THEMES, SLOTS

bp = Blueprint("cohorts", __name__, url_prefix="/program")


@bp.before_request
@login_required
def require_program_lead() -> None:
    """Let only program leads and admins in."""
    if not access.is_lead(current_user):
        abort(403)


def me() -> User:
    return current_user._get_current_object()


def led_cohort(cohort_id: int) -> Cohort:
    """Return a cohort the person leads; anyone else's is 404 (we don't confirm it exists)."""
    cohort = cohorts.get_led(me(), cohort_id)
    if cohort is None:
        abort(404)
    return cohort


@bp.get("/")
def home() -> ResponseReturnValue:
    """List the cohorts this lead runs (all of them for an admin)."""
    return render_template("program/cohorts.html", cohorts=cohorts.list_led(me()))


def draft_from(form: CohortForm) -> cohorts.CohortDraft:
    return cohorts.CohortDraft(
        name=form.name.data,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        themes=form.all_themes(),
        mentor_capacity=form.mentor_capacity.data,
        avoid_same_department=form.avoid_same_department.data,
        cadence_days=form.cadence_days.data,
    )


@bp.route("/cohorts/new", methods=["GET", "POST"])
def new_cohort() -> ResponseReturnValue:
    """Create a cohort; its creator becomes its lead."""
    form = CohortForm()
    if request.method == "GET":
        form.themes.data = list(PROGRAM_THEMES)
    if form.validate_on_submit():
        try:
            cohort = cohorts.create(me(), draft_from(form))
        except cohorts.CohortError as error:
            form.name.errors = [*form.name.errors, str(error)]
        else:
            flash(f"{cohort.name} is ready. Now invite its mentors and executives.", "success")
            return redirect(url_for(".cohort", cohort_id=cohort.id))
    return render_template("program/cohort_form.html", form=form, cohort=None), (
        400 if form.errors else 200
    )


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
def edit_cohort(cohort_id: int) -> ResponseReturnValue:
    """Change a cohort's name, dates, themes and rules."""
    cohort = led_cohort(cohort_id)
    form = CohortForm(obj=cohort if request.method == "GET" else None)
    if request.method == "GET":
        form.themes.data = [t for t in cohort.themes if t in PROGRAM_THEMES]
        form.own_themes.data = "\n".join(t for t in cohort.themes if t not in PROGRAM_THEMES)
    if form.validate_on_submit():
        try:
            cohorts.update(me(), cohort, draft_from(form))
        except cohorts.CohortError as error:
            form.name.errors = [*form.name.errors, str(error)]
        else:
            flash("Saved. New pairs follow these rules from now on.", "success")
            return redirect(url_for(".cohort", cohort_id=cohort.id))
    return render_template("program/cohort_form.html", form=form, cohort=cohort), (
        400 if form.errors else 200
    )


def render_cohort(cohort: Cohort, status: int = 200, **forms: object) -> ResponseReturnValue:
    """Render a cohort's page, with any form that came back with errors."""
    context = {
        "add_form": AddPersonForm(formdata=None),
        "link_form": InviteLinkForm(formdata=None),
        "lead_form": LeadForm(formdata=None),
        **forms,
    }
    return render_template(
        "program/cohort.html",
        cohort=cohort,
        members=people.list_members(cohort.id),
        leads=cohorts.list_leads(cohort.id),
        invitations=invitations.list_for("cohort", cohort.id),
        links=links,
        button=ButtonForm(),
        **context,
    ), status


@bp.get("/cohorts/<int:cohort_id>")
def cohort(cohort_id: int) -> ResponseReturnValue:
    """Show a cohort: its people, open invitations, leads, and ways to add people."""
    return render_cohort(led_cohort(cohort_id))


@bp.post("/cohorts/<int:cohort_id>/archive")
def archive(cohort_id: int) -> ResponseReturnValue:
    """Close a cohort to new people."""
    return set_archived(cohort_id, True)


@bp.post("/cohorts/<int:cohort_id>/reopen")
def reopen(cohort_id: int) -> ResponseReturnValue:
    """Reopen a closed cohort."""
    return set_archived(cohort_id, False)


def set_archived(cohort_id: int, archived: bool) -> ResponseReturnValue:
    """Close or reopen a cohort and say what that means."""
    cohort = led_cohort(cohort_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    cohorts.set_archived(cohort, archived)
    if archived:
        flash(
            f"{cohort.name} is closed: its invitation links stop working and nobody new can "
            "join. Its people, pairs and history are kept.",
            "info",
        )
    else:
        flash(f"{cohort.name} is open again.", "success")
    return redirect(url_for(".cohort", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/leads")
def add_lead(cohort_id: int) -> ResponseReturnValue:
    """Name another program lead as a co-lead of this cohort."""
    cohort = led_cohort(cohort_id)
    form = LeadForm()
    if form.validate_on_submit():
        try:
            lead = cohorts.add_lead(cohort, form.email.data)
        except cohorts.CohortError as error:
            form.email.errors = [*form.email.errors, str(error)]
        else:
            flash(f"{lead.name} now co-leads {cohort.name}.", "success")
            return redirect(url_for(".cohort", cohort_id=cohort.id, _anchor="leads"))
    return render_cohort(cohort, 400, lead_form=form)


@bp.post("/cohorts/<int:cohort_id>/leads/<int:user_id>/remove")
def remove_lead(cohort_id: int, user_id: int) -> ResponseReturnValue:
    """Take a co-lead off this cohort."""
    cohort = led_cohort(cohort_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        lead = cohorts.remove_lead(cohort, user_id)
    except cohorts.CohortError as error:
        flash(str(error), "error")
    else:
        flash(f"{lead.name} no longer leads {cohort.name}.", "info")
    if not access.can_lead(me(), cohort.id):
        return redirect(url_for(".home"))
    return redirect(url_for(".cohort", cohort_id=cohort.id, _anchor="leads"))


@bp.post("/cohorts/<int:cohort_id>/people")
def add_person(cohort_id: int) -> ResponseReturnValue:
    """Add one person by work email: in at once with an account, else invited by mail."""
    cohort = led_cohort(cohort_id)
    form = AddPersonForm()
    if form.validate_on_submit():
        try:
            done = people.add_person(
                cohort, me(), form.email.data, form.role.data, form.name.data or ""
            )
        except people.PeopleError as error:
            form.email.errors = [*form.email.errors, str(error)]
        else:
            send_after_response(done.message_id)
            flash(
                ADDED[done.outcome].format(who=done.name or done.email, cohort=cohort.name),
                "success" if done.outcome in ("added", "invited") else "info",
            )
            return redirect(url_for(".cohort", cohort_id=cohort.id, _anchor="people"))
    return render_cohort(cohort, 400, add_form=form)


ADDED = {
    "added": "{who} is now in {cohort}.",
    "invited": "{who} has no account yet, so we emailed them an invitation to {cohort}.",
    "already": "{who} is already in {cohort}.",
    "already invited": (
        "{who} was already invited and hasn't accepted yet. The invitation is listed below."
    ),
}


@bp.post("/cohorts/<int:cohort_id>/invitations")
def new_link(cohort_id: int) -> ResponseReturnValue:
    """Create an invitation link for one person in a role, to send them yourself."""
    cohort = led_cohort(cohort_id)
    form = InviteLinkForm()
    if cohort.archived_at is not None:
        flash("This cohort is closed. Reopen it to invite people.", "error")
        return redirect(url_for(".cohort", cohort_id=cohort.id))
    if form.validate_on_submit():
        invitations.create(me(), "cohort", cohort_id=cohort.id, role=form.role.data)
        flash(
            "Here is the link: copy it from the list of invitations and send it to one person. "
            "It works once.",
            "success",
        )
        return redirect(url_for(".cohort", cohort_id=cohort.id, _anchor="invitations"))
    return render_cohort(cohort, 400, link_form=form)


@bp.post("/cohorts/<int:cohort_id>/invitations/<int:invitation_id>/revoke")
def revoke_link(cohort_id: int, invitation_id: int) -> ResponseReturnValue:
    """Withdraw an invitation that hasn't been used."""
    cohort = led_cohort(cohort_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    found = next(
        (i for i, _ in invitations.list_for("cohort", cohort.id) if i.id == invitation_id), None
    )
    if found is None:
        abort(404)
    if invitations.revoke(found):
        flash("Invitation withdrawn: the link no longer works.", "info")
    else:
        flash("That invitation was already used or withdrawn.", "info")
    return redirect(url_for(".cohort", cohort_id=cohort.id, _anchor="invitations"))


@bp.post("/cohorts/<int:cohort_id>/people/<int:user_id>/remove")
def remove_person(cohort_id: int, user_id: int) -> ResponseReturnValue:
    """Take someone out of the cohort; their account and history stay."""
    cohort = led_cohort(cohort_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    person = people.remove_person(cohort, user_id)
    if person is None:
        abort(404)
    flash(
        f"{person.name} is no longer in {cohort.name}. Their account and history are kept.", "info"
    )
    return redirect(url_for(".cohort", cohort_id=cohort.id, _anchor="people"))


@bp.route("/cohorts/<int:cohort_id>/import", methods=["GET", "POST"])
def import_people(cohort_id: int) -> ResponseReturnValue:
    """Import people from an HR system's CSV export, and say what happened to each row."""
    cohort = led_cohort(cohort_id)
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        try:
            report = people.import_people(cohort, me(), form.file.data.read(), form.role.data or "")
        except people.PeopleError as error:
            form.file.errors = [*form.file.errors, str(error)]
        else:
            for message_id in report.message_ids:
                send_after_response(message_id)
    status = 400 if form.errors else 200
    return render_template(
        "program/cohort_import.html", cohort=cohort, form=form, report=report
    ), status


@bp.get("/cohorts/<int:cohort_id>/people/<int:user_id>")
def person(cohort_id: int, user_id: int) -> ResponseReturnValue:
    """Show a participant's profile to a lead of their cohort (everyone else: 404)."""
    found = profiles.get_for_lead(me(), cohort_id, user_id)
    if found is None:
        abort(404)
    return render_template(
        "program/cohort_person.html", found=found, LEVEL_BANDS=LEVEL_BANDS, SLOTS=SLOTS
    )
