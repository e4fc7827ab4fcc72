"""The pair page both partners share, and stopping a share."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from upward import kept, sharing
from upward.discussions import services as entries
from upward.forms import ButtonForm
from upward.models import Agreement, Pair
from upward.models.types import utcnow
from upward.pairspace import services
from upward.pairspace.forms import ActionForm, AgreeForm, AgreementForm
from upward.viewer import get_view
from upward.vocabulary import HEALTH, SESSION_FORMATS

bp = Blueprint("pairspace", __name__)


@bp.post("/pairs/<int:pair_id>/shares/<int:entry_id>/stop")
@login_required
def stop_sharing(pair_id: int, entry_id: int) -> ResponseReturnValue:
    """Stop sharing one of your copies in one pair (only its author may)."""
    entry = entries.get_own_entry(entry_id, current_user.id)
    if entry is None or not ButtonForm().validate_on_submit():
        abort(404)
    share = next((s for s in sharing.list_shares(entry) if s.pair_id == pair_id), None)
    if share is None:
        abort(404)
    sharing.revoke(entry, pair_id)
    flash(f"“{entry.title}” is no longer shared with {share.partner_name}.", "info")
    if request.form.get("back") == "pair":
        return redirect(url_for("pairspace.pair", pair_id=pair_id, _anchor="shared-heading"))
    return redirect(url_for("discussions.entry", entry_id=entry.id))


def pair_or_404(pair_id: int) -> Pair:
    """Return a pair the current person is in (active or ended), or 404 for everybody else."""
    found = services.get_pair_for(pair_id, current_user.id)
    if found is None:
        abort(404)
    return found


def active_pair_or_404(pair_id: int) -> Pair:
    """Return a pair the current person is in and that is under way, or 404."""
    found = services.get_active_pair_for(pair_id, current_user.id)
    if found is None:
        abort(404)
    return found


@bp.get("/pairs/<int:pair_id>")
@login_required
def pair(pair_id: int) -> ResponseReturnValue:
    """Show the pair page to its two partners (404 for everybody else)."""
    found = pair_or_404(pair_id)
    return render_pair(found)


def render_pair(found: Pair, action_form: ActionForm | None = None, status: int = 200):
    """Render the pair page, with the action item form as typed when it was refused."""
    space = services.get_space(found, current_user, get_view(), utcnow())
    form = action_form or ActionForm()
    set_owner_choices(form, space)
    return render_template(
        "pairs/pair.html",
        space=space,
        pair=found,
        viewer=current_user,
        action_form=form,
        button=ButtonForm(),
        session_formats=SESSION_FORMATS,
        cadences=services.CADENCES,
        health_labels=HEALTH,
    ), status


def set_owner_choices(form: ActionForm, space: services.Space) -> None:
    """Offer the two partners as who does an action item, the viewer first."""
    form.owner.choices = [
        SelectChoice(space.viewer.id, f"Me ({space.viewer.name})"),
        SelectChoice(space.partner.id, space.partner.name),
    ]


@bp.route("/pairs/<int:pair_id>/agreement", methods=["GET", "POST"])
@login_required
def edit_agreement(pair_id: int) -> ResponseReturnValue:
    """Write or change the pair's agreement; a save from an older version is a conflict."""
    found = active_pair_or_404(pair_id)
    agreement = services.get_agreement(found)
    saved = services.AgreementText.of(agreement, found)
    typed = kept.take(f"agreement:{found.id}") if request.method == "GET" else None
    if typed is not None:
        form = AgreementForm(formdata=typed)
    elif request.method == "GET":
        form = AgreementForm(data={**saved.as_data(), "version": version_of(agreement)})
    else:
        form = AgreementForm()
    form.themes.choices = [SelectChoice(t, t) for t in theme_choices(found, saved)]
    conflict: services.AgreementConflict | None = None
    if form.validate_on_submit():
        try:
            services.save_agreement(found, current_user.id, text_of(form), form.version.data or 0)
        except services.AgreementConflict as error:
            conflict = error
            # Saving again from here overwrites deliberately: the person has seen theirs.
            form.version.data = version_of(error.current)
            form.version.raw_data = [str(form.version.data)]
        else:
            flash(
                "Agreement saved. Each of you now says “I agree” to this version on the pair page.",
                "success",
            )
            return redirect(url_for("pairspace.pair", pair_id=found.id, _anchor="agreement"))
    status = 409 if conflict else (400 if form.errors else 200)
    other = services.AgreementText.of(conflict.current, found) if conflict else None
    return render_template(
        "pairs/agreement.html",
        pair=found,
        form=form,
        conflict=conflict,
        other=other,
        partner=services.get_partner(found, current_user.id),
    ), status


def version_of(agreement: Agreement | None) -> int:
    """Return the version a form starts from (0 before anything is saved)."""
    return agreement.version if agreement is not None else 0


def theme_choices(found: Pair, saved: services.AgreementText) -> list[str]:
    """Return the cohort's themes, plus any the agreement already names (kept, not dropped)."""
    themes = services.get_theme_choices(found)
    return themes + [t for t in saved.themes if t not in themes]


def text_of(form: AgreementForm) -> services.AgreementText:
    """Return what the agreement form says."""
    return services.AgreementText(
        goals=form.goals.data or "",
        scope=form.scope.data or "",
        themes=tuple(form.themes.data or ()),
        session_format=form.session_format.data or "video",
        session_minutes=form.session_minutes.data or 45,
        cadence_days=form.cadence_days.data or 14,
        confidentiality=form.confidentiality.data or "",
    )


@bp.post("/pairs/<int:pair_id>/agreement/agree")
@login_required
def agree(pair_id: int) -> ResponseReturnValue:
    """Say "I agree" to the version of the agreement the person read."""
    found = active_pair_or_404(pair_id)
    form = AgreeForm()
    if not form.validate_on_submit() or services.get_agreement(found) is None:
        abort(400)
    if services.agree(found, current_user.id, form.version.data or 0):
        flash("You agreed to this version of the agreement.", "success")
    else:
        flash(
            "The agreement changed after you opened the page: read the new version below, "
            "then say “I agree” again.",
            "warning",
        )
    return redirect(url_for("pairspace.pair", pair_id=found.id, _anchor="agreement"))


@bp.post("/pairs/<int:pair_id>/actions")
@login_required
def add_action(pair_id: int) -> ResponseReturnValue:
    """Add an action item: what, who, by when (a double click adds one)."""
    found = active_pair_or_404(pair_id)
    form = ActionForm()
    form.owner.choices = [
        SelectChoice(found.mentor_id, ""),
        SelectChoice(found.executive_id, ""),
    ]
    if form.validate_on_submit():
        try:
            services.add_action(
                found,
                current_user.id,
                what=form.what.data or "",
                owner_id=form.owner.data,
                due_on=form.due_on.data,
                submission=form.submission.data,
                today=utcnow().date(),
            )
        except services.ActionError as error:
            form.due_on.errors = [str(error)]
        else:
            flash("Action item added.", "success")
            return redirect(url_for("pairspace.pair", pair_id=found.id, _anchor="actions"))
    return render_pair(found, form, 400)


@bp.post("/pairs/<int:pair_id>/actions/<int:action_id>")
@login_required
def mark_action(pair_id: int, action_id: int) -> ResponseReturnValue:
    """Mark an action item done, or not done."""
    found = active_pair_or_404(pair_id)
    item = services.get_action(found, action_id)
    if item is None or not ButtonForm().validate_on_submit():
        abort(404)
    done = request.form.get("done") == "1"
    services.set_done(item, done)
    flash(f"“{item.what}” is {'done' if done else 'open again'}.", "success")
    return redirect(url_for("pairspace.pair", pair_id=found.id, _anchor="actions"))
