"""Pages for learners: home, dashboard, pathways and steps."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from upward import kept, progress
from upward.content import Page, Pathway
from upward.discussions.services import list_entries
from upward.forms import ButtonForm
from upward.learn import steps
from upward.learn.forms import CheckForm, NoteForm
from upward.models.types import utcnow
from upward.pairs.lifecycle import get_waiting
from upward.pairspace.services import list_my_pairs
from upward.publishing import get_last_updated
from upward.reports import surveys
from upward.security import is_safe_redirect
from upward.viewer import current_user_id, get_view

bp = Blueprint("learn", __name__)


def get_pathway(pathway_id: str) -> Pathway:
    """Return a pathway the current person may see, or 404."""
    return get_view().get_pathway(pathway_id)


def get_step(step_id: str) -> Page:
    """Return a step the current person may see, or 404."""
    return get_view().get_page(step_id, "step")


@bp.get("/")
def home() -> ResponseReturnValue:
    """Explain the site and offer the tracks."""
    completions = progress.get_completions(current_user_id())
    tracks = progress.get_all_progress(get_view(), completions)
    return render_template("learn/home.html", tracks=tracks)


@bp.get("/dashboard")
@login_required
def dashboard() -> ResponseReturnValue:
    """Show the person's pathways (their role's first), notes and filled-in templates."""
    view = get_view()
    completions = progress.get_completions(current_user.id)
    tracks = progress.get_all_progress(view, completions, audience_first=current_user.role)
    mine, others = split_tracks(tracks, current_user.role)
    return render_template(
        "learn/dashboard.html",
        mine=mine,
        others=others,
        pairs=list_my_pairs(current_user.id),
        proposals=get_waiting(current_user.id),
        notes=steps.get_notes(current_user.id),
        entries=list_entries(current_user.id),
        surveys=surveys.list_due(current_user, surveys.today_of(utcnow())),
        library=view.library,
    )


OTHER_SIDES = {"mentor": {"executive"}, "executive": {"mentor"}, "program": {"mentor", "executive"}}
"""The tracks a role sees as "the other side": learners never get the program lead's."""


def split_tracks(
    tracks: list[progress.PathwayProgress], role: str
) -> tuple[list[progress.PathwayProgress], list[progress.PathwayProgress]]:
    """Split pathway progress into a role's own tracks and the other side's."""
    other_sides = OTHER_SIDES.get(role, set())
    mine = [t for t in tracks if t.pathway.audience in (role, "all")]
    return mine, [t for t in tracks if t.pathway.audience in other_sides]


@bp.get("/pathways/<pathway_id>")
def pathway(pathway_id: str) -> ResponseReturnValue:
    """List a pathway's steps with minutes, progress and completion dates."""
    path = get_pathway(pathway_id)
    user_id = current_user_id()
    state = progress.get_progress(get_view(), path, progress.get_completions(user_id))
    results = (
        steps.get_check_results(user_id, [s.page for s in state.steps])
        if user_id is not None
        else []
    )
    return render_template("learn/pathway.html", progress=state, results=results)


@bp.get("/pathways/<pathway_id>/checks")
@login_required
def check_results(pathway_id: str) -> ResponseReturnValue:
    """Show how the person did on a pathway's knowledge checks, with the missed ones to retry."""
    path = get_pathway(pathway_id)
    pages = get_view().steps(path)
    results = steps.get_check_results(current_user.id, pages)
    return render_template(
        "learn/checks.html",
        pathway=path,
        results=results,
        orders={
            r.dom_id: steps.get_option_order(
                current_user.id, r.page.id, r.check.id, len(r.check.options)
            )
            for r in results
        },
    )


@bp.route("/pathways/<pathway_id>/reset", methods=["GET", "POST"])
@login_required
def reset(pathway_id: str) -> ResponseReturnValue:
    """Ask for confirmation, then forget the person's progress on a pathway."""
    path = get_pathway(pathway_id)
    form = ButtonForm()
    if form.validate_on_submit():
        progress.reset_pathway(current_user.id, path)
        flash(f"Your progress on “{path.title}” is reset. Start again whenever you like.", "info")
        return redirect(url_for("learn.pathway", pathway_id=path.id))
    return render_template("learn/reset.html", pathway=path, form=form)


@bp.get("/steps/<step_id>")
def step_anywhere(step_id: str) -> ResponseReturnValue:
    """Show a step in the first pathway that contains it (links between steps land here)."""
    page = get_step(step_id)
    for path in get_view().pathways_with(page.id):
        return redirect(url_for("learn.step", pathway_id=path.id, step_id=page.id))
    return render_step(page, None)


@bp.get("/pathways/<pathway_id>/steps/<step_id>")
def step(pathway_id: str, step_id: str) -> ResponseReturnValue:
    """Show a step in the context of a pathway."""
    path = get_pathway(pathway_id)
    page = get_step(step_id)
    if page.id not in path.step_ids:
        abort(404)
    return render_step(page, path)


def render_step(page: Page, path: Pathway | None, unsaved: dict[str, str] | None = None) -> str:
    """Render a step page: content, outline, completion, checks and notes.

    `unsaved` maps reflection ids to text that could not be saved, shown in place of the note.
    """
    view = get_view()
    user_id = current_user_id()
    completions = progress.get_completions(user_id)
    state = progress.get_progress(view, path, completions) if path else None
    completion = completions.get(page.id)
    typed = kept.take(f"step:{page.id}") if user_id else None
    restored = {k[5:]: v for k, v in typed.items() if k.startswith("note-")} if typed else {}
    activity = steps.get_activity(user_id, page.id)
    for prompt_id, text in {**restored, **(unsaved or {})}.items():
        activity.notes[prompt_id] = steps.UnsavedNote(text)
    return render_template(
        "learn/step.html",
        page=page,
        progress=state,
        index=state.position(page.id) if state else None,
        completion=completion,
        updated_since=progress.is_updated_since(completion, page),
        last_updated=get_last_updated(page.id),
        activity=activity,
        orders=steps.get_option_orders(user_id, page),
        templates=view.linked(page.templates, "template"),
        resources=view.linked(page.resources, "resource"),
    )


def get_followed_pathway(page: Page) -> Pathway | None:
    """Return the pathway a form says the person was following, if they may see it and it
    holds the step (a draft's id must not reveal its title to learners)."""
    path = get_view().pathway(request.form.get("pathway", ""))
    return path if path is not None and page.id in path.step_ids else None


def back_to_step(page: Page) -> Response:
    """Redirect to a step, in the pathway the person was following if it still holds it."""
    path = get_followed_pathway(page)
    if path is not None:
        return redirect(url_for("learn.step", pathway_id=path.id, step_id=page.id))
    return redirect(url_for("learn.step_anywhere", step_id=page.id))


@bp.post("/steps/<step_id>/complete")
@login_required
def complete(step_id: str) -> ResponseReturnValue:
    """Save any reflection typed but not saved, mark the step complete, and go on."""
    page = get_step(step_id)
    too_long = save_carried_notes(page)
    if too_long:
        flash(
            f"A note holds up to {steps.MAX_NOTE_LENGTH:,} characters. Nothing is saved and the "
            "step is not marked complete yet: shorten the note, then save.",
            "error",
        )
        return render_step(page, get_followed_pathway(page), unsaved=too_long), 400
    progress.complete_step(current_user.id, page)
    view = get_view()
    path = get_followed_pathway(page)
    if path is None:
        return back_to_step(page)
    state = progress.get_progress(view, path, progress.get_completions(current_user.id))
    target = state.step_after(page.id)
    if target is None:
        flash(f"You finished “{path.title}”. Well done.", "success")
        return redirect(url_for("learn.pathway", pathway_id=path.id))
    return redirect(url_for("learn.step", pathway_id=path.id, step_id=target.page.id))


def save_carried_notes(page: Page) -> dict[str, str]:
    """Save the reflections sent along with "Mark complete"; return those too long to keep."""
    saved, too_long = 0, {}
    for name, text in request.form.items():
        if not name.startswith("note-"):
            continue
        prompt_id = name.removeprefix("note-")
        try:
            steps.save_note(current_user.id, page, prompt_id, text)
        except steps.InvalidAnswer:
            continue
        except steps.NoteTooLong as error:
            too_long[prompt_id] = error.text
            continue
        saved += 1
    if saved:
        flash("Your note is saved. Only you can see it.", "success")
    return too_long


@bp.post("/steps/<step_id>/uncomplete")
@login_required
def uncomplete(step_id: str) -> ResponseReturnValue:
    """Undo a completion."""
    page = get_step(step_id)
    progress.uncomplete_step(current_user.id, page.id)
    flash("Marked as not done.", "info")
    return back_to_step(page)


@bp.get("/steps/<step_id>/changes")
@login_required
def changes(step_id: str) -> ResponseReturnValue:
    """Show what changed in a step since the person completed it."""
    page = get_step(step_id)
    completion = progress.get_completions(current_user.id).get(page.id)
    if completion is None or not progress.is_updated_since(completion, page):
        return redirect(url_for("learn.step_anywhere", step_id=page.id))
    diff = steps.get_changes(page, completion.version)
    return render_template(
        "learn/changes.html",
        page=page,
        diff=diff,
        completion=completion,
        pathway_id=request.args.get("pathway", ""),
    )


@bp.post("/steps/<step_id>/acknowledge")
@login_required
def acknowledge(step_id: str) -> ResponseReturnValue:
    """Mark the changes to a completed step as read."""
    page = get_step(step_id)
    progress.acknowledge_update(current_user.id, page)
    return back_to_step(page)


@bp.post("/steps/<step_id>/checks/<check_id>")
@login_required
def answer(step_id: str, check_id: str) -> ResponseReturnValue:
    """Record an answer to a knowledge check and show its feedback."""
    page = get_step(step_id)
    form = CheckForm()
    if not form.validate_on_submit():
        flash("Pick one of the answers first.", "error")
        return redirect_to_block(page, check_id)
    try:
        correct = steps.answer_check(current_user.id, page, check_id, form.choice.data)
    except steps.InvalidAnswer:
        abort(404)
    if request.form.get("back") and correct:
        flash("Right: that’s the strongest answer.", "success")
    return redirect_to_block(page, check_id)


@bp.post("/steps/<step_id>/reflections/<prompt_id>")
@login_required
def reflect(step_id: str, prompt_id: str) -> ResponseReturnValue:
    """Save the person's private note for a reflection prompt."""
    page = get_step(step_id)
    form = NoteForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        outcome = steps.save_note(current_user.id, page, prompt_id, form.text.data or "")
    except steps.InvalidAnswer:
        abort(404)
    except steps.NoteTooLong as error:
        flash(
            f"Your note is {error.length:,} characters; a note holds up to "
            f"{steps.MAX_NOTE_LENGTH:,}. Nothing is saved yet: shorten it and save again.",
            "error",
        )
        return render_step(page, get_followed_pathway(page), unsaved={prompt_id: error.text}), 400
    flash(*NOTE_OUTCOMES[outcome])
    return redirect_to_block(page, prompt_id)


NOTE_OUTCOMES = {
    "saved": ("Your note is saved. Only you can see it.", "success"),
    "deleted": ("You emptied the note, so it is deleted.", "info"),
    "empty": ("Nothing to save: the note is empty.", "info"),
}


def redirect_to_block(page: Page, block_id: str) -> ResponseReturnValue:
    """Redirect back to a block (404 for a block the step doesn't have): on the page the
    answer came from when it says so (`back`), else on the step page."""
    if not any(getattr(block, "id", None) == block_id for block in page.blocks):
        abort(404)  # also keeps CR/LF and other odd ids out of the Location header
    back = request.form.get("back", "")
    if back and is_safe_redirect(back) and back.startswith("/"):
        return redirect(f"{back.split('#', 1)[0]}#{page.id}--{block_id}")
    response = back_to_step(page)
    response.location = f"{response.location}#{block_id}"
    return response
