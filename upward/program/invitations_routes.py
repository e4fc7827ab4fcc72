"""The page an invitation link opens: accept it, or create an account and accept at once."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user

from upward import kept
from upward.auth import services as accounts
from upward.extensions import limiter
from upward.forms import ButtonForm
from upward.models import Invitation
from upward.program import invitations
from upward.program import invitations_links as links
from upward.program.invitations_forms import JoinForm

bp = Blueprint("invitations", __name__, url_prefix="/invitations")

# The same allowance as registration: a workshop of thirty may join from one office address.
JOIN_LIMIT = "40 per 5 minutes;200 per day"


def load(token: str) -> Invitation:
    """Return the invitation a link names, or answer 404 for a link that was never ours."""
    found = links.find(token)
    if found is None:
        abort(404)
    return found


def closed(invitation: Invitation, status: str) -> ResponseReturnValue:
    """Show why a link no longer works and what to do instead."""
    mine = current_user.is_authenticated and invitation.used_by_id == current_user.id
    return render_template(
        "invitations/closed.html",
        invitation=invitation,
        state=status,
        mine=mine,
        cohort=links.get_cohort(invitation),
        sender=links.get_sender(invitation),
    ), 200 if mine else 410


@bp.get("/<token>")
def show(token: str) -> ResponseReturnValue:
    """Show what the invitation is for, with the way to accept it."""
    invitation = load(token)
    status = links.state(invitation)
    if status != "open":
        return closed(invitation, status)
    form = JoinForm(data={"email": invitation.email or "", "name": invitation.name or ""})
    return page(invitation, form, token)


def page(
    invitation: Invitation, form: JoinForm, token: str, code: int = 200
) -> ResponseReturnValue:
    """Render an open invitation for the person looking at it."""
    return render_template(
        "invitations/show.html",
        invitation=invitation,
        cohort=links.get_cohort(invitation),
        sender=links.get_sender(invitation),
        lifetime=links.describe_lifetime(invitation.purpose),
        form=form,
        accept_form=ButtonForm(),
        token=token,
    ), code


@bp.post("/<token>")
def accept(token: str) -> ResponseReturnValue:
    """Accept the invitation as the person logged in."""
    invitation = load(token)
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=url_for(".show", token=token)))
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    return finish(invitation, current_user._get_current_object())


@bp.post("/<token>/join")
@limiter.limit(JOIN_LIMIT)
def join(token: str) -> ResponseReturnValue:
    """Create an account from the invitation page, log in, and accept in the same step."""
    invitation = load(token)
    if current_user.is_authenticated:
        return redirect(url_for(".show", token=token))
    status = links.state(invitation)
    if status != "open":
        return closed(invitation, status)
    form = JoinForm()
    if not form.validate_on_submit():
        return page(invitation, form, token, 400)
    role = invitation.role if invitation.purpose == "cohort" and invitation.role else "mentor"
    try:
        user = accounts.register_user(form.name.data, form.email.data, form.password.data, role)
    except accounts.EmailTaken:
        form.email.errors.append(
            "An account with this email already exists. Log in to accept the invitation."
        )
        return page(invitation, form, token, 400)
    # As the login page does: a fresh session, keeping any text kept from an expired one.
    kept_secret = kept.carry_over()
    session.clear()
    kept.restore(kept_secret)
    login_user(user)
    session.permanent = True
    return finish(invitation, user)


def finish(invitation: Invitation, user: accounts.User) -> ResponseReturnValue:
    """Spend the invitation and send the person where they can start."""
    try:
        done = invitations.accept(invitation, user)
    except invitations.InvitationError as error:
        return closed(invitation, error.state)
    if done.purpose == "lead":
        flash(
            "You are now a program lead. Start by creating your first cohort, or read the "
            "program lead's pathway first.",
            "success",
        )
        return redirect(url_for("cohorts.home"))
    assert done.cohort is not None
    if done.already:
        flash(f"You're already in {done.cohort.name}.", "info")
    else:
        flash(
            f"Welcome to {done.cohort.name}. Tell your program lead a little about yourself "
            "so they can find you a good match.",
            "success",
        )
    return redirect(url_for("profiles.edit"))
