"""Admin pages: appoint and stand down program leads, and send lead invitation links."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from upward.admin import services
from upward.admin.forms import AppointForm, LeadInvitationForm
from upward.extensions import db
from upward.forms import ButtonForm
from upward.mail.outbox import send_after_response
from upward.models import User
from upward.program import invitations
from upward.program import invitations_links as links

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_admin() -> None:
    """Only admins appoint leads."""
    if not current_user.is_admin:
        abort(403)


def me() -> User:
    return current_user._get_current_object()


def render(status: int = 200, **forms: object) -> ResponseReturnValue:
    context = {
        "appoint_form": AppointForm(formdata=None),
        "invite_form": LeadInvitationForm(formdata=None),
        **forms,
    }
    return render_template(
        "admin/leads.html",
        leads=services.list_leads(),
        invitations=invitations.list_for("lead"),
        links=links,
        button=ButtonForm(),
        lifetime=links.describe_lifetime("lead"),
        **context,
    ), status


@bp.get("/leads")
def leads() -> ResponseReturnValue:
    """List the program leads and open lead invitations."""
    return render()


@bp.post("/leads")
def appoint() -> ResponseReturnValue:
    """Appoint someone with an account as a program lead."""
    form = AppointForm()
    if form.validate_on_submit():
        try:
            user = services.appoint(form.email.data)
        except services.LeadError as error:
            form.email.errors = [*form.email.errors, str(error)]
        else:
            flash(
                f"{user.name} is now a program lead. They can create cohorts on their "
                "Program page.",
                "success",
            )
            return redirect(url_for(".leads"))
    return render(400, appoint_form=form)


@bp.route("/leads/<int:user_id>/stand-down", methods=["GET", "POST"])
def stand_down(user_id: int) -> ResponseReturnValue:
    """Ask first, then end someone's lead role."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_lead:
        abort(404)
    form = ButtonForm()
    if not form.validate_on_submit():
        lead = next(lead for lead in services.list_leads() if lead.user.id == user.id)
        return render_template("admin/stand_down.html", lead=lead, form=form)
    left = services.stand_down(user)
    where = f" and no longer leads {', '.join(left)}" if left else ""
    flash(
        f"{user.name} is no longer a program lead{where}. Their own account is unchanged.", "info"
    )
    return redirect(url_for(".leads"))


@bp.post("/leads/invitations")
def invite() -> ResponseReturnValue:
    """Create a lead invitation link, and mail it when an address is given."""
    form = LeadInvitationForm()
    if not form.validate_on_submit():
        return render(400, invite_form=form)
    if form.email.data:
        existing = services.accounts.get_user_by_email(form.email.data)
        if existing is not None and existing.is_lead:
            form.email.errors = [f"{existing.name} is already a program lead."]
            return render(400, invite_form=form)
    invitation = invitations.create(
        me(), "lead", email=form.email.data or None, name=form.name.data or None
    )
    if invitation.email:
        send_after_response(invitations.mail(invitation))
        flash(
            f"Invitation emailed to {invitation.email}. The link is also below if you'd "
            "rather send it yourself.",
            "success",
        )
    else:
        flash(
            "Invitation link created: copy it from the list below and send it to one person.",
            "success",
        )
    return redirect(url_for(".leads", _anchor="invitations"))


@bp.post("/leads/invitations/<int:invitation_id>/revoke")
def revoke(invitation_id: int) -> ResponseReturnValue:
    """Withdraw a lead invitation that hasn't been used."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    found = next((i for i, _ in invitations.list_for("lead") if i.id == invitation_id), None)
    if found is None:
        abort(404)
    if invitations.revoke(found):
        flash("Invitation withdrawn: the link no longer works.", "info")
    else:
        flash("That invitation was already used or withdrawn.", "info")
    return redirect(url_for(".leads", _anchor="invitations"))
