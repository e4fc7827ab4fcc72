"""Pages for matching and a pair's lifecycle: the lead's matching and pairs, partners' answers."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from upward import kept
from upward.forms import ButtonForm
from upward.models import Cohort, Pair
from upward.pairs import lifecycle, listing, suggestions
from upward.pairs.forms import DeclineForm, make_matching_form
from upward.program.access import can_lead, is_lead, led_cohort_ids
from upward.vocabulary import HEALTH

bp = Blueprint("pairs", __name__)


def led_cohort(cohort_id: int) -> Cohort:
    """Return a cohort the signed-in person leads; 403 for learners, 404 for other cohorts."""
    if not is_lead(current_user):
        abort(403)
    cohort = suggestions.get_cohort(cohort_id)
    if cohort is None or not can_lead(current_user, cohort_id):
        abort(404)
    return cohort


def led_pair(pair_id: int) -> listing.PairLine:
    """Return a pair of a cohort the signed-in person leads (admins: any pair), else 404."""
    if not is_lead(current_user):
        abort(403)
    line = listing.get_pair_line(pair_id)
    if line is None:
        abort(404)
    cohort_id = line.pair.cohort_id
    allowed = current_user.is_admin or (cohort_id is not None and can_lead(current_user, cohort_id))
    if not allowed:
        abort(404)
    return line


# The lead's pages -----------------------------------------------------------------------------


@bp.route("/program/cohorts/<int:cohort_id>/matching", methods=["GET", "POST"])
@login_required
def matching(cohort_id: int) -> ResponseReturnValue:
    """Suggest pairs for the whole cohort; propose the ones the lead keeps or changes."""
    cohort = led_cohort(cohort_id)
    run = suggestions.run_matching(cohort)
    form = make_matching_form(run)
    problem = None
    if form.validate_on_submit():
        choices = form.choices()
        try:
            proposals = suggestions.check_choices(run, choices)
        except suggestions.ChoiceError as error:
            problem = str(error)
        else:
            made = lifecycle.propose(cohort, proposals, current_user)
            flash(proposed_message(made, len(choices)), "success" if made else "info")
            return redirect(url_for("pairs.cohort_pairs", cohort_id=cohort.id))
    status = 400 if form.errors or problem else 200
    return render_template(
        "program/matching.html", run=run, form=form, problem=problem, cohort=cohort
    ), status


def proposed_message(made: int, chosen: int) -> str:
    """Say what proposing did."""
    if chosen == 0:
        return "Nothing proposed: every executive was set to \u201cNot now\u201d."
    if made == 0:
        return "Nothing new to propose: these pairs were proposed already."
    pairs = "1 pair" if made == 1 else f"{made} pairs"
    return (
        f"Proposed {pairs}. Both partners are asked to accept on their dashboard; a pair starts "
        "when both have."
    )


@bp.get("/program/cohorts/<int:cohort_id>/pairs")
@login_required
def cohort_pairs(cohort_id: int) -> ResponseReturnValue:
    """List a cohort's pairs, the ones at risk first, with the reasons."""
    cohort = led_cohort(cohort_id)
    return render_template(
        "program/pairs.html",
        lines=listing.list_pairs([cohort.id]),
        cohort=cohort,
        cohorts=None,
        HEALTH=HEALTH,
    )


@bp.get("/program/pairs")
@login_required
def lead_pairs() -> ResponseReturnValue:
    """List the pairs of every cohort the lead leads, the ones at risk first."""
    if not is_lead(current_user):
        abort(403)
    led = led_cohort_ids(current_user)
    return render_template(
        "program/pairs.html",
        lines=listing.list_pairs(led),
        cohort=None,
        cohorts=listing.led_cohorts(led),
        HEALTH=HEALTH,
    )


@bp.route("/program/pairs/<int:pair_id>/end", methods=["GET", "POST"])
@login_required
def end_pair(pair_id: int) -> ResponseReturnValue:
    """Ask first, then end a pair (or withdraw a proposal): sharing between them stops."""
    line = led_pair(pair_id)
    # Back to the list the lead came from: every cohort's, or this pair's cohort's.
    from_all = request.args.get("from") == "all" or not line.pair.cohort_id
    back = (
        url_for("pairs.lead_pairs")
        if from_all
        else url_for("pairs.cohort_pairs", cohort_id=line.pair.cohort_id)
    )
    if line.pair.status not in ("proposed", "active"):
        flash(f"{line.mentor.name} and {line.executive.name} are no longer paired.", "info")
        return redirect(back)
    form = ButtonForm()
    if not form.validate_on_submit():
        return render_template("program/end_pair.html", line=line, form=form, back=back)
    lifecycle.end(line.pair, current_user)
    flash(f"{line.mentor.name} and {line.executive.name} are no longer paired.", "info")
    return redirect(back)


# The partners' pages --------------------------------------------------------------------------


@bp.get("/pairs/proposals")
@login_required
def proposals() -> ResponseReturnValue:
    """Show the matches proposed to the signed-in person, to accept or decline."""
    return render_template(
        "pairs/proposals.html", proposed=lifecycle.list_proposed(current_user.id), form=ButtonForm()
    )


def own_pair(pair_id: int) -> Pair:
    """Return a pair the signed-in person is in, else 404."""
    pair = lifecycle.get_own_pair(pair_id, current_user.id)
    if pair is None:
        abort(404)
    return pair


@bp.post("/pairs/proposals/<int:pair_id>/accept")
@login_required
def accept(pair_id: int) -> ResponseReturnValue:
    """Accept a proposed match; the pair starts when the partner has accepted too."""
    pair = own_pair(pair_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    partner = lifecycle.get_partner(pair, current_user.id)
    try:
        started = lifecycle.accept(pair, current_user.id)
    except lifecycle.Closed:
        flash("This match is no longer open: your program lead has changed it.", "info")
    else:
        if started:
            flash(
                f"You and {partner.name} are now mentoring partners. Start by agreeing what you "
                "want from it and how you'll work together.",
                "success",
            )
            return redirect(url_for("learn.dashboard"))
        flash(f"Accepted. Now it's {partner.name}'s turn to answer.", "success")
    return redirect(url_for("pairs.proposals"))


@bp.route("/pairs/proposals/<int:pair_id>/decline", methods=["GET", "POST"])
@login_required
def decline(pair_id: int) -> ResponseReturnValue:
    """Ask first, then decline a proposed match: the lead is told and matches both again."""
    pair = own_pair(pair_id)
    partner = lifecycle.get_partner(pair, current_user.id)
    if pair.status != "proposed":
        flash("This match is no longer open: nothing to decline.", "info")
        return redirect(url_for("pairs.proposals"))
    typed = kept.take(f"decline:{pair.id}") if request.method == "GET" else None
    form = DeclineForm(formdata=typed) if typed is not None else DeclineForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("pairs/decline.html", pair=pair, partner=partner, form=form), status
    if lifecycle.decline(pair, current_user.id, form.note.data or ""):
        flash(
            f"You declined the match with {partner.name}. Your program lead has been told and "
            "will suggest someone else.",
            "info",
        )
    return redirect(url_for("pairs.proposals"))
