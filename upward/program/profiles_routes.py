"""The participant's own profile: what matching needs, and what they bring to each cohort."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from upward import kept
from upward.models import Cohort, Membership, User
from upward.program import profiles
from upward.program.profiles_forms import MembershipForm, ProfileForm

bp = Blueprint("profiles", __name__, url_prefix="/profile")


@bp.before_request
@login_required
def require_login() -> None:
    """Profiles are the signed-in person's own."""


def me() -> User:
    return current_user._get_current_object()


def membership_form(
    membership: Membership, cohort: Cohort, formdata: MultiDict[str, str] | None = None
) -> MembershipForm:
    """Return the form for one cohort (as saved, or as typed), its themes the cohort's list."""
    form = MembershipForm(
        formdata=formdata,
        prefix=f"c{cohort.id}",
        data=None
        if formdata is not None
        else {
            "themes": membership.themes,
            "skills": "\n".join(membership.skills),
            "goal": membership.goal,
        },
    )
    form.themes.choices = [SelectChoice(t, t) for t in cohort.themes]
    form.themes.label.text = (
        "Themes you can coach" if membership.role == "mentor" else "Themes you want to learn about"
    )
    return form


def render(
    profile_form: ProfileForm,
    posted: tuple[int, MembershipForm] | None = None,
    status: int = 200,
    restored: str | int | None = None,
) -> ResponseReturnValue:
    """Render the profile page, with the form that came back with errors or was kept.

    restored: which form holds text kept from a session that ended ('profile' or a cohort id).
    """
    cohorts = []
    for membership, cohort in profiles.list_memberships(me().id):
        if posted and posted[0] == cohort.id:
            form = posted[1]
        else:
            typed = kept.take(f"profile:{cohort.id}") if request.method == "GET" else None
            form = membership_form(membership, cohort, typed)
            restored = cohort.id if typed is not None else restored
        cohorts.append((membership, cohort, form))
    return render_template(
        "profile.html",
        form=profile_form,
        cohorts=cohorts,
        zones=profiles.zone_choices(),
        restored=restored,
    ), status


@bp.route("/", methods=["GET", "POST"])
def edit() -> ResponseReturnValue:
    """Show and save the person's own profile."""
    existing = profiles.get(me().id)
    typed = kept.take("profile") if request.method == "GET" else None
    if typed is not None:
        form = ProfileForm(formdata=typed)
    else:
        form = ProfileForm(obj=existing if request.method == "GET" else None)
    if form.validate_on_submit():
        draft = profiles.ProfileDraft(
            department=form.department.data or "",
            level_band=form.level_band.data or "",
            time_zone=form.time_zone.data or "",
            availability=form.availability.data or [],
            manager_email=form.manager_email.data or "",
        )
        try:
            profiles.save(me(), draft)
        except profiles.ProfileError as error:
            form.manager_email.errors = [*form.manager_email.errors, str(error)]
        else:
            flash("Your profile is saved.", "success")
            return redirect(url_for(".edit"))
    restored = "profile" if typed is not None else None
    return render(form, status=400 if form.errors else 200, restored=restored)


@bp.post("/cohorts/<int:cohort_id>")
def save_cohort(cohort_id: int) -> ResponseReturnValue:
    """Save what the person brings to one of their cohorts."""
    found = profiles.get_own_membership(me(), cohort_id)
    if found is None:
        abort(404)
    membership, cohort = found
    form = membership_form(membership, cohort, request.form)
    if form.validate_on_submit():
        try:
            profiles.save_membership(
                membership,
                cohort,
                form.themes.data or [],
                form.skills.data or "",
                form.goal.data or "",
            )
        except profiles.ProfileError as error:
            form.skills.errors = [*form.skills.errors, str(error)]
        else:
            flash(f"Saved what you bring to {cohort.name}.", "success")
            return redirect(url_for(".edit", _anchor=f"cohort-{cohort.id}"))
    return render(ProfileForm(obj=profiles.get(me().id), formdata=None), (cohort.id, form), 400)
