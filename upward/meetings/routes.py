"""A pair's sessions: book, plan, move, cancel, mark held, check in; calendars and the feed."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from upward import kept, sharing
from upward.discussions.forms import EntryForm, build_entry_form
from upward.forms import ButtonForm
from upward.mail.compose import external_url
from upward.meetings import calendar, checkins, services, times
from upward.meetings.forms import BookForm, MoveForm, PlanForm
from upward.meetings.panel import build_panel
from upward.models import Meeting, Pair
from upward.models.types import utcnow
from upward.publishing import get_library
from upward.security import is_safe_redirect

bp = Blueprint("sessions", __name__)


@bp.app_template_global()
def sessions_panel(pair: Pair, viewer: object) -> object:
    """Return a pair's sessions for the panel on the pair page, or None to anyone not a partner.

    The pair page shows only to partners; the panel checks again, whoever includes it.
    """
    viewer_id = getattr(viewer, "id", None)
    if viewer_id is None or services.get_pair_for(pair.id, viewer_id) is None:
        return None
    return build_panel(pair, viewer)  # type: ignore[arg-type]


@bp.app_template_global()
def button_form() -> ButtonForm:
    """Return a CSRF-only form for a button in an included template."""
    return ButtonForm()


def visible_pair(pair_id: int) -> Pair:
    """Return a pair the current person is a partner in, or 404 (never say it exists)."""
    pair = services.get_pair_for(pair_id, current_user.id)
    if pair is None:
        abort(404)
    return pair


def changeable_pair(pair_id: int) -> Pair:
    """Return an active pair the current person is a partner in, or 404."""
    pair = visible_pair(pair_id)
    if not services.can_change(pair, current_user.id):
        abort(404)  # a former partner sees what happened, and changes nothing
    return pair


def meeting_of(pair: Pair, meeting_id: int) -> Meeting:
    """Return a session of this pair, or 404."""
    meeting = services.get_meeting(pair, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def back_to(pair: Pair) -> ResponseReturnValue:
    """Return to the page the form was on (the pair page or the sessions page)."""
    target = request.form.get("next", "")
    if target and is_safe_redirect(target):
        return redirect(target)
    return redirect(url_for("sessions.index", pair_id=pair.id))


def new_forms(pair: Pair) -> tuple[BookForm, PlanForm]:
    """Return the booking and planning forms, filled in with the next time at the cadence."""
    zone = services.get_time_zone(current_user.id)
    day, at = services.suggest_next(pair, zone, utcnow())
    minutes = services.default_minutes(pair)
    book = BookForm(formdata=None, data={"day": day, "at": at, "minutes": minutes})
    plan = PlanForm(formdata=None, prefix="plan", data={"day": day, "at": at, "minutes": minutes})
    return book, plan


def render_index(
    pair: Pair, book: BookForm, plan: PlanForm, status: int = 200
) -> ResponseReturnValue:
    """Render the sessions page with these forms (fresh, or as typed with their messages)."""
    return render_template(
        "sessions/index.html",
        panel=build_panel(pair, current_user),
        book=book,
        plan=plan,
        button=ButtonForm(),
        cadence_days=services.cadence(pair).days,
    ), status


@bp.get("/pairs/<int:pair_id>/sessions/")
@login_required
def index(pair_id: int) -> ResponseReturnValue:
    """List a pair's sessions in the person's zone, with booking for active pairs."""
    pair = visible_pair(pair_id)
    return render_index(pair, *new_forms(pair))


def booked_or_shown_again(
    pair: Pair, form: BookForm | PlanForm, forms: tuple[BookForm, PlanForm]
) -> services.Booked:
    """Book what the form asks (one session, or a plan's series); a bad form or a refused time
    shows the sessions page again with what was typed and why (400)."""
    series = isinstance(form, PlanForm)
    if form.validate_on_submit():
        try:
            return services.book_series(
                pair,
                current_user,
                day=form.day.data,
                at=form.at.data,
                count=form.count.data if isinstance(form, PlanForm) else 1,
                minutes=form.minutes.data,
                location=form.location.data or "",
                submission=form.submission.data,
                series=series,
            )
        except (services.SessionError, times.TimeError) as error:
            form.form_errors.append(str(error))
    abort(make_response(render_index(pair, *forms, 400)))


@bp.post("/pairs/<int:pair_id>/sessions/")
@login_required
def book(pair_id: int) -> ResponseReturnValue:
    """Book one session."""
    pair = changeable_pair(pair_id)
    form = BookForm()
    booked = booked_or_shown_again(pair, form, (form, new_forms(pair)[1]))
    [meeting] = booked.meetings
    when = times.describe(meeting.starts_at, services.get_time_zone(current_user.id))
    flash(
        f"Booked for {when}. It is in both your calendars once you add it."
        if booked.is_new
        else f"You had already booked this session ({when}): nothing new was added.",
        "success",
    )
    return back_to(pair)


@bp.post("/pairs/<int:pair_id>/sessions/plan")
@login_required
def plan(pair_id: int) -> ResponseReturnValue:
    """Book several sessions at the pair's cadence."""
    pair = changeable_pair(pair_id)
    form = PlanForm(prefix="plan")
    booked = booked_or_shown_again(pair, form, (new_forms(pair)[0], form))
    zone = services.get_time_zone(current_user.id)
    first, last = booked.meetings[0], booked.meetings[-1]
    count = len(booked.meetings)
    span = (
        f"from {times.describe(first.starts_at, zone, with_zone=False)} "
        f"to {times.describe(last.starts_at, zone)}"
    )
    flash(
        f"{count} sessions booked every {services.cadence(pair).days} days, {span}."
        if booked.is_new
        else f"You had already booked these {count} sessions: nothing new was added.",
        "success",
    )
    return back_to(pair)


@bp.post("/pairs/<int:pair_id>/sessions/<int:meeting_id>/held")
@login_required
def held(pair_id: int, meeting_id: int) -> ResponseReturnValue:
    """Mark a session held, then offer the check-in."""
    pair = changeable_pair(pair_id)
    meeting = meeting_of(pair, meeting_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        changed = services.mark_held(pair, meeting, current_user)
    except services.SessionError as error:
        flash(str(error), "warning")
        return back_to(pair)
    if changed:
        flash("Marked as held. Take ten minutes for your check-in while it is fresh.", "success")
    else:
        flash("This session was already marked as held.", "info")
    return redirect(url_for("sessions.checkin", pair_id=pair.id, meeting_id=meeting.id))


@bp.route("/pairs/<int:pair_id>/sessions/<int:meeting_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(pair_id: int, meeting_id: int) -> ResponseReturnValue:
    """Ask, then cancel a planned session."""
    pair = changeable_pair(pair_id)
    meeting = meeting_of(pair, meeting_id)
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            changed = services.cancel(pair, meeting, current_user)
        except services.SessionError as error:
            flash(str(error), "warning")
            return back_to(pair)
        flash(
            "Cancelled. Your calendars drop it the next time they update; book another time "
            "soon so the rhythm holds."
            if changed
            else "This session was already cancelled.",
            "info",
        )
        return back_to(pair)
    zone = services.get_time_zone(current_user.id)
    return render_template(
        "sessions/cancel.html",
        pair=pair,
        meeting=meeting,
        when=times.describe(meeting.starts_at, zone),
        form=form,
    )


@bp.route("/pairs/<int:pair_id>/sessions/<int:meeting_id>/move", methods=["GET", "POST"])
@login_required
def move(pair_id: int, meeting_id: int) -> ResponseReturnValue:
    """Move a planned session to a new time."""
    pair = changeable_pair(pair_id)
    meeting = meeting_of(pair, meeting_id)
    zone = services.get_time_zone(current_user.id)
    current = times.local(meeting.starts_at, zone)
    form = MoveForm(data={"day": current.date(), "at": current.time()})
    status = 200
    if form.validate_on_submit():
        try:
            changed = services.move(pair, meeting, current_user, day=form.day.data, at=form.at.data)
        except (services.SessionError, times.TimeError) as error:
            form.form_errors.append(str(error))
        else:
            when = times.describe(meeting.starts_at, zone)
            flash(
                f"Moved to {when}. Calendars that have it update the same entry."
                if changed
                else f"The session is already at {when}: nothing changed.",
                "success",
            )
            return back_to(pair)
    if form.errors or form.form_errors:
        status = 400
    return render_template(
        "sessions/move.html",
        pair=pair,
        meeting=meeting,
        when=times.describe(meeting.starts_at, zone),
        zone=zone,
        form=form,
    ), status


@bp.get("/pairs/<int:pair_id>/sessions/<int:meeting_id>.ics")
@login_required
def ics(pair_id: int, meeting_id: int) -> ResponseReturnValue:
    """Download one session for a calendar."""
    pair = changeable_pair(pair_id)
    meeting = meeting_of(pair, meeting_id)
    partner = calendar.partner_names(current_user.id, [pair]).get(pair.id)
    url = external_url("sessions.index", pair_id=pair.id)
    body = calendar.build([calendar.as_session(meeting, pair, partner, url)])
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'attachment; filename="{calendar.filename(meeting)}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/pairs/<int:pair_id>/sessions/<int:meeting_id>/check-in", methods=["GET", "POST"])
@login_required
def checkin(pair_id: int, meeting_id: int) -> ResponseReturnValue:
    """Write this session's check-in: the bi-weekly check-in template, linked to the session."""
    pair = changeable_pair(pair_id)
    meeting = meeting_of(pair, meeting_id)
    if not checkins.can_write(pair, meeting, current_user.id):
        flash("The check-in opens once the session is marked as held.", "info")
        return redirect(url_for("sessions.index", pair_id=pair.id))
    existing = checkins.get_checkin(meeting.id, current_user.id)
    if existing is not None and request.method == "GET":
        return redirect(url_for("discussions.edit", entry_id=existing.id))
    page = get_library().page(checkins.TEMPLATE_ID)
    if page is None or page.kind != "template":
        abort(404)
    partner = calendar.partner_names(current_user.id, [pair]).get(pair.id)
    draft = request.form.get("action") == "draft"
    typed = kept.take(f"checkin:{meeting.id}") if request.method == "GET" else None
    start = checkins.first_values(pair, meeting, current_user, partner)
    restored = {"formdata": typed} if typed is not None else {}
    # The check-in of this pair's session can be shared in this pair only.
    here = [c for c in sharing.list_pair_choices(current_user.id) if c.pair_id == pair.id]
    form = build_entry_form(
        page, strict=not draft and typed is None, data=start, pairs=here, **restored
    )
    if request.method == "POST" and form.validate_on_submit() and has_answers(form):
        entry, is_new = checkins.save_checkin(
            meeting,
            current_user,
            page,
            form.answers(),
            title=form.title.data or "",
            draft=draft,
            share_with=form.share_with.data or (),
        )
        message = "Check-in saved as a draft. Only you can see it." if draft else "Check-in saved."
        if not is_new:
            message += " You had saved it before, so that copy is updated (one check-in each)."
        flash(message, "success")
        return redirect(url_for("discussions.entry", entry_id=entry.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "sessions/checkin.html",
        pair=pair,
        meeting=meeting,
        page=page,
        form=form,
        partner=partner,
        when=times.describe(meeting.starts_at, services.get_time_zone(current_user.id)),
    ), status


def has_answers(form: EntryForm) -> bool:
    """Tell whether any answer was given; say so on the form when none was."""
    if checkins.has_answers(form.answers()):
        return True
    form.form_errors.append("Nothing to save yet: write at least one answer first.")
    return False


# A person's calendar feed ---------------------------------------------------------------------


@bp.get("/calendar/")
@login_required
def feed_page() -> ResponseReturnValue:
    """Show the person's private calendar address, how to add it, and their pairs' sessions."""
    feed = calendar.get_feed(current_user.id)
    pairs = services.active_pairs_of(current_user.id)
    address = external_url("sessions.feed", secret=feed.secret) if feed else None
    return render_template(
        "sessions/calendar.html",
        address=address,
        pairs=pairs,
        partners=calendar.partner_names(current_user.id, pairs),
        form=ButtonForm(),
    )


@bp.post("/calendar/address")
@login_required
def renew_feed() -> ResponseReturnValue:
    """Make the person's calendar address, or a new one that replaces (revokes) the old."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    had = calendar.get_feed(current_user.id) is not None
    calendar.renew_feed(current_user.id)
    flash(
        "Here is your new calendar address. The old one has stopped working: add this one "
        "to your calendar instead."
        if had
        else "Here is your calendar address. Add it to your calendar once, and sessions "
        "appear and update by themselves.",
        "success",
    )
    return redirect(url_for("sessions.feed_page"))


@bp.get("/calendar/<secret>.ics")
def feed(secret: str) -> ResponseReturnValue:
    """Serve a person's sessions as a calendar subscription (the secret address is the key)."""
    owner = calendar.owner_of(secret)
    if owner is None:
        abort(404)
    rows = calendar.feed_meetings(owner.id, utcnow())
    partners = calendar.partner_names(owner.id, [pair for _, pair in rows])
    sessions = [
        calendar.as_session(
            meeting,
            pair,
            partners.get(pair.id),
            external_url("sessions.index", pair_id=pair.id),
        )
        for meeting, pair in rows
    ]
    body = calendar.build(sessions, name="Upward mentoring sessions")
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Cache-Control": "private, max-age=900", "X-Robots-Tag": "noindex"},
    )
