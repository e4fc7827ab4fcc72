"""Certificate pages: a person's certificates, and the public page that verifies one."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from upward.forms import ButtonForm
from upward.models import User
from upward.program.access import can_see_person, is_lead
from upward.reports import certificates
from upward.viewer import get_view

bp = Blueprint("certificates", __name__)


def verification_url(certificate: certificates.Certificate) -> str:
    """Return the certificate's public verification address (from UPWARD_BASE_URL)."""
    path = url_for("certificates.verify", token=certificates.token(certificate))
    return current_app.config["UPWARD_BASE_URL"].rstrip("/") + path


@bp.get("/certificates/")
@login_required
def index() -> ResponseReturnValue:
    """List the pathways the person finished, with their certificates."""
    earned = certificates.list_earned(get_view(), current_user)
    return render_template("reports/certificates.html", earned=earned, form=ButtonForm())


@bp.route("/certificates/<pathway_id>", methods=["GET", "POST"])
@login_required
def certificate(pathway_id: str) -> ResponseReturnValue:
    """Show the person's certificate of a pathway; POST asks for it once they have finished."""
    view = get_view()
    pathway = view.pathway(pathway_id)
    if pathway is None:
        abort(404)
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            certificates.issue(view, current_user, pathway)
        except certificates.NotFinished:
            flash("Finish every step of the pathway first: then the certificate is yours.", "error")
            return redirect(url_for("learn.pathway", pathway_id=pathway.id))
        return redirect(url_for("certificates.certificate", pathway_id=pathway.id))
    held = certificates.get_certificate(current_user.id, pathway.id)
    if held is None:
        if certificates.finished_at(view, pathway, current_user.id) is None:
            abort(404)
        return render_template("reports/certificate_claim.html", pathway=pathway, form=form)
    return render_template("reports/certificate.html", certificate=held, url=verification_url(held))


@bp.get("/verify/<token>")
def verify(token: str) -> ResponseReturnValue:
    """Tell anyone whether a certificate is genuine and still stands."""
    found = certificates.verify(token)
    can_revoke = (
        found.status == "genuine"
        and found.certificate is not None
        and may_revoke(current_user, found.certificate)
    )
    status = 404 if found.status == "unknown" else 200
    return render_template(
        "reports/verify.html", found=found, token=token, can_revoke=can_revoke
    ), status


def may_revoke(viewer: User, certificate: certificates.Certificate) -> bool:
    """Tell whether someone may revoke a certificate: a lead of the holder's cohort, or an admin."""
    return bool(
        viewer.is_authenticated
        and is_lead(viewer)
        and viewer.id != certificate.user_id
        and can_see_person(viewer, certificate.user_id)
    )


@bp.route("/verify/<token>/revoke", methods=["GET", "POST"])
@login_required
def revoke(token: str) -> ResponseReturnValue:
    """Ask a lead to confirm, then revoke a certificate; its link then says so."""
    found = certificates.verify(token)
    if found.certificate is None or not may_revoke(current_user, found.certificate):
        abort(404)
    form = ButtonForm()
    if form.validate_on_submit():
        certificates.revoke(found.certificate, current_user)
        flash("Certificate revoked. Its verification link now says so.", "info")
        return redirect(url_for("certificates.verify", token=token))
    return render_template("reports/revoke.html", found=found, form=form, token=token)
