"""Every kind of mail Upward sends: its category, when it is due, and what it says.

A kind is registered with `@kind(...)` on the function that renders it; a reminder also gets a
`@kind.due` finder that the `flask mail send` command runs. Each finder is one small function
returning the messages due now, keyed so that the same reminder is never claimed twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from upward import sharing
from upward.extensions import db
from upward.mail.compose import Mail, external_url
from upward.models import Cohort, Invitation, Membership, Pair, SentMessage, TemplateEntry, User

CATEGORIES = {
    "sharing": "When my mentoring partner shares a filled-in template with me",
    "reminders": "Reminders about sessions and check-ins",
    "digest": "The weekly digest of pairs that need attention (program leads)",
}
"""Mail a person may switch off. Account mail (password resets, confirmations) always goes."""


@dataclass(frozen=True, slots=True)
class Due:
    """A message a finder says should go out now, to a person, once per key."""

    key: str
    user_id: int
    params: dict[str, Any] = field(default_factory=dict)


Render = Callable[[SentMessage, User | None], Mail | None]
Finder = Callable[[datetime], Iterable[Due]]


@dataclass(slots=True)
class Kind:
    """One kind of mail: how it renders and, for reminders, when it is due."""

    name: str
    category: str | None
    render: Render
    find_due: Finder | None = None
    to_stored_address: bool = False
    """Send to the address stored with the message (a new address), not the account's."""

    def due(self, finder: Finder) -> Finder:
        """Register the function that finds the messages of this kind due now."""
        self.find_due = finder
        return finder


KINDS: dict[str, Kind] = {}


def kind(name: str, category: str | None = None, **options: Any) -> Callable[[Render], Kind]:
    """Register a kind of mail by the function that renders it (None: it no longer applies)."""
    if category is not None and category not in CATEGORIES:
        raise ValueError(f"unknown mail category {category!r}")

    def register(render: Render) -> Kind:
        KINDS[name] = Kind(name, category, render, **options)
        return KINDS[name]

    return register


# Account mail ----------------------------------------------------------------------------------


@kind("password_reset")
def password_reset(message: SentMessage, user: User | None) -> Mail | None:
    """Send the link that lets a person choose a new password."""
    from upward.auth import tokens

    token = tokens.get_usable(message.params.get("token_id"), "password")
    if token is None or user is None:
        return None
    return Mail(
        subject="Reset your Upward password",
        intro=("Someone, most likely you, asked to reset the password of your Upward account.",),
        action_label="Choose a new password",
        action_url=external_url("auth.reset_password", token=tokens.sign(token)),
        after=(
            f"The link works once, for {tokens.describe_lifetime('password')}.",
            "If you didn't ask for it, ignore this email: your password stays as it is.",
        ),
    )


@kind("email_confirm", to_stored_address=True)
def email_confirm(message: SentMessage, user: User | None) -> Mail | None:
    """Send the link that confirms a new address before it replaces the old one."""
    from upward.auth import tokens

    token = tokens.get_usable(message.params.get("token_id"), "email")
    if token is None or user is None:
        return None
    return Mail(
        subject="Confirm your new email address for Upward",
        intro=(
            f"You asked to use {token.new_email} for your Upward account instead of {user.email}.",
            "Your account keeps the old address until you confirm this one.",
        ),
        action_label="Confirm this address",
        action_url=external_url("auth.confirm_email", token=tokens.sign(token)),
        after=(
            f"The link works once, for {tokens.describe_lifetime('email')}.",
            "If you didn't ask for this, ignore this email: nothing changes.",
        ),
    )


@kind("email_changed", to_stored_address=True)
def email_changed(message: SentMessage, user: User | None) -> Mail | None:
    """Tell the old address that the account now uses a new one."""
    if user is None:
        return None
    return Mail(
        subject="Your Upward account has a new email address",
        intro=(
            f"Your Upward account now uses {message.params.get('new')} instead of "
            f"{message.params.get('old')}. Mail for the account goes there from now on.",
            "If you made this change, there is nothing to do.",
        ),
        action_label="Log in to check your account",
        action_url=external_url("auth.login"),
        after=(
            "If you didn't make this change, someone else may know your password: ask your "
            "program lead or an admin to deactivate the account and put your address back.",
        ),
    )


# Nudges ----------------------------------------------------------------------------------------

SHARED_LOOKBACK = timedelta(days=7)
"""Shares older than this when the command first runs are not announced late."""


@kind("template_shared", "sharing")
def template_shared(message: SentMessage, user: User | None) -> Mail | None:
    """Tell a person their mentoring partner shared a filled-in template with them."""
    entry = db.session.get(TemplateEntry, message.params.get("entry_id"))
    pair_id = message.params.get("pair_id")
    if entry is None or user is None or not isinstance(pair_id, int):
        return None
    # Sent only while the share still reaches this person: not revoked, pair not ended.
    if not sharing.is_readable_in(pair_id, entry.id, user.id):
        return None
    author = db.session.get(User, entry.user_id)
    if author is None:
        return None
    return Mail(
        subject=f"{author.name} shared “{entry.title}” with you",
        intro=(
            f"{author.name}, your mentoring partner, shared a filled-in template with you: "
            f"“{entry.title}”.",
            "Reading it before you meet makes the next session start where theirs left off.",
        ),
        action_label="Read it",
        action_url=external_url("discussions.entry", entry_id=entry.id),
    )


@template_shared.due
def find_shared_templates(now: datetime) -> Iterator[Due]:
    """Yield one message per pair share made or saved in the last week."""
    for pair_id, entry_id, partner in sharing.find_new_shares(now - SHARED_LOOKBACK):
        params = {"entry_id": entry_id, "pair_id": pair_id}
        yield Due(f"share {pair_id} entry {entry_id}", partner, params)


# Invitations (people) --------------------------------------------------------------------------


@kind("invitation", to_stored_address=True)
def invitation(message: SentMessage, user: User | None) -> Mail | None:
    """Send an invitation link: to run mentoring programs, or to join a cohort in a role."""
    from upward.program import invitations_links as links
    from upward.vocabulary import PARTICIPANT_ROLES

    found = db.session.get(Invitation, message.params.get("invitation_id"))
    if found is None or links.state(found) != "open":
        return None  # used, withdrawn or expired before the mail went: nothing to send
    sender = links.get_sender(found)
    by = sender.name if sender else "Your program team"
    until = f"{found.expires_at:%-d %B %Y}"
    after = (
        f"The link works once, until {until}. If it has expired, ask {by} for a new one.",
        "If you weren't expecting this, you can ignore this email.",
    )
    if found.purpose == "lead":
        return Mail(
            subject="You're invited to run mentoring programs on Upward",
            intro=(
                f"{by} invited you to be a program lead on Upward, where your organisation runs "
                "its reverse-mentoring program.",
                "As a lead you set up cohorts, invite mentors and executive mentees, match them "
                "into pairs and see which pairs need a hand.",
            ),
            action_label="Accept and become a program lead",
            action_url=links.link(found),
            after=after,
        )
    cohort = links.get_cohort(found)
    assert cohort is not None  # an open cohort invitation has a live cohort
    role = PARTICIPANT_ROLES.get(found.role or "", "participant").lower()
    what = (
        "You'll mentor a senior leader: sharing what you know about the way work is changing, "
        "and being heard."
        if found.role == "mentor"
        else "You'll be mentored by a junior colleague: an hour every couple of weeks to see "
        "the organisation, and new technology, through their eyes."
    )
    return Mail(
        subject=f"Join {cohort.name} on Upward as {'an' if role[0] in 'aeiou' else 'a'} {role}",
        intro=(
            f"{by} invited you to the reverse-mentoring cohort “{cohort.name}”, which runs from "
            f"{cohort.starts_on:%-d %B} to {cohort.ends_on:%-d %B %Y}.",
            what,
        ),
        action_label="Accept the invitation",
        action_url=links.link(found),
        after=after,
    )


@kind("cohort_joined")
def cohort_joined(message: SentMessage, user: User | None) -> Mail | None:
    """Tell someone with an account that a lead put them in a cohort, and what to do first."""
    from upward.vocabulary import PARTICIPANT_ROLES

    membership = db.session.get(Membership, message.params.get("membership_id"))
    if user is None or membership is None or membership.left_at is not None:
        return None
    cohort = db.session.get(Cohort, membership.cohort_id)
    if cohort is None or cohort.archived_at is not None:
        return None
    adder = db.session.get(User, membership.added_by_id) if membership.added_by_id else None
    role = PARTICIPANT_ROLES.get(membership.role, "participant").lower()
    return Mail(
        subject=f"You're in {cohort.name}, Upward's reverse-mentoring cohort",
        intro=(
            f"{adder.name if adder else 'Your program lead'} added you to “{cohort.name}” as "
            f"{'an' if role[0] in 'aeiou' else 'a'} {role}. It runs from "
            f"{cohort.starts_on:%-d %B} to {cohort.ends_on:%-d %B %Y}.",
            "Before you're matched with a partner, take two minutes to say what you bring or "
            "want to learn, and when you can meet: your lead matches pairs from it.",
        ),
        action_label="Fill in your profile",
        action_url=external_url("profiles.edit"),
    )


# Sessions and check-ins (issue 11): when each is due is upward.meetings.reminders' to say -----


def partner_name(pair: Pair, user: User) -> str:
    """Return the name of a person's partner in a pair."""
    partner = db.session.get(User, pair.partner_of(user.id))
    return partner.name if partner else "your partner"


@kind("session_soon", "reminders")
def session_soon(message: SentMessage, user: User | None) -> Mail | None:
    """Remind a partner of their session a day ahead, in their zone, with the calendar file."""
    from upward.mail.compose import Attachment
    from upward.meetings import calendar, reminders, services, times
    from upward.models.types import utcnow

    now = utcnow()
    found = reminders.session_still_soon(message.params, user, now)
    if found is None or user is None:
        return None
    meeting, pair = found
    partner = db.session.get(User, pair.partner_of(user.id))
    name = partner.name if partner else "your partner"
    zone = services.get_time_zone(user.id)
    url = external_url("sessions.index", pair_id=pair.id)
    ics = calendar.build([calendar.as_session(meeting, pair, partner, url)])
    day = times.relative_day(meeting.starts_at, zone, now)
    where = f"Where: {meeting.location}" if meeting.location else "No place or link is set yet."
    return Mail(
        subject=f"{day[:1].upper()}{day[1:]} at {times.local(meeting.starts_at, zone):%H:%M}: "
        f"your mentoring session with {name}",
        intro=(
            f"You meet {name} {day}: {times.describe(meeting.starts_at, zone)}, for "
            f"{meeting.minutes} minutes.",
            where,
            "Bring one thing from the last two weeks to talk about, and keep the last ten "
            "minutes for your check-in.",
        ),
        action_label="See the session",
        action_url=url,
        after=(
            "The calendar file attached adds the session to your calendar, or updates it if it "
            "is there already.",
            f"Can't make it? Move it on the sessions page, so {name} knows in good time.",
        ),
        attachments=(Attachment(calendar.filename(meeting), "text/calendar", ics),),
    )


@session_soon.due
def find_sessions_soon(now: datetime) -> Iterator[Due]:
    """Yield a reminder to each partner of every session starting within a day."""
    from upward.meetings import reminders

    for nudge in reminders.sessions_soon(now):
        yield Due(nudge.key, nudge.user_id, dict(nudge.params))


@kind("checkin_due", "reminders")
def checkin_due(message: SentMessage, user: User | None) -> Mail | None:
    """Nudge a partner who has not written their check-in a day after a held session."""
    from upward.meetings import reminders, services, times

    found = reminders.checkin_still_missing(message.params, user)
    if found is None or user is None:
        return None
    meeting, pair = found
    name = partner_name(pair, user)
    day = times.describe_day(times.local(meeting.starts_at, services.get_time_zone(user.id)).date())
    return Mail(
        subject=f"Your check-in after your session with {name}",
        intro=(
            f"You and {name} met on {day}, and your check-in for that session is not written yet.",
            "Ten minutes on what you learned, what you would change and what happened to last "
            "time's actions is what turns a good conversation into a change that lasts.",
        ),
        action_label="Write my check-in",
        action_url=external_url("sessions.checkin", pair_id=pair.id, meeting_id=meeting.id),
        after=(
            f"It stays private unless you choose to share it with {name}. Your program lead "
            "sees only that it was written, never what it says.",
        ),
    )


@checkin_due.due
def find_checkins_due(now: datetime) -> Iterator[Due]:
    """Yield a nudge to each partner with no check-in a day after a held session."""
    from upward.meetings import reminders

    for nudge in reminders.checkins_missing(now):
        yield Due(nudge.key, nudge.user_id, dict(nudge.params))


@kind("first_session", "reminders")
def first_session(message: SentMessage, user: User | None) -> Mail | None:
    """Nudge both partners of a new pair that has booked no first session (day 3, then 10)."""
    from upward.meetings import reminders

    pair = reminders.still_not_started(message.params, user)
    if pair is None or user is None:
        return None
    name = partner_name(pair, user)
    days = message.params.get("day")
    url = external_url("sessions.index", pair_id=pair.id)
    if days == reminders.FIRST_SESSION_NUDGES[0]:
        return Mail(
            subject=f"Book your first session with {name}",
            intro=(
                f"You and {name} were paired {days} days ago, and no first session is booked yet.",
                f"Either of you can book it: pick a time in your own time zone and {name} sees "
                "it in theirs. Pairs that meet in their first two weeks are the ones that keep "
                "going.",
            ),
            action_label="Book the first session",
            action_url=url,
        )
    return Mail(
        subject=f"Still no first session with {name}: book it this week",
        intro=(
            f"It is {days} days since you and {name} were paired, and no first session is booked.",
            "Busy diaries are the usual reason reverse-mentoring pairs never start. Thirty "
            "minutes is enough for a first session: agree what you each want from the program, "
            "and when you meet next.",
        ),
        action_label="Book the first session",
        action_url=url,
        after=(
            "After two weeks without a first session your program lead sees the pair as needing "
            "attention, and may get in touch to help.",
        ),
    )


@first_session.due
def find_pairs_not_started(now: datetime) -> Iterator[Due]:
    """Yield the day-3 and day-10 nudges of active pairs with no session booked."""
    from upward.meetings import reminders

    for nudge in reminders.pairs_not_started(now):
        yield Due(nudge.key, nudge.user_id, dict(nudge.params))


@kind("lead_digest", "digest")
def lead_digest(message: SentMessage, user: User | None) -> Mail | None:
    """Tell a program lead, once a week, which of their cohorts' pairs are at risk and why."""
    from upward.meetings import reminders
    from upward.models.types import utcnow

    digest = reminders.digest_for(user, utcnow())
    if digest is None:
        return None
    count, on_track = len(digest.at_risk), digest.active - len(digest.at_risk)
    needs = "pair needs" if count == 1 else "pairs need"
    lines = tuple(
        f"{p.mentor} and {p.executive}{f' ({p.cohort})' if p.cohort else ''}: "
        f"{' '.join(p.health.reasons)}"
        for p in digest.at_risk
    )
    return Mail(
        subject=f"This week: {count} {needs} attention",
        intro=(
            f"Of the {digest.active} active pairs in {', '.join(digest.cohorts)}, {count} "
            f"{needs} attention and {on_track} {'is' if on_track == 1 else 'are'} on track.",
            *lines,
            "A short, friendly note to both partners usually does it: ask what got in the way, "
            "not why they haven't met.",
        ),
        action_label="See your pairs",
        action_url=lead_pairs_url(),
        after=("Upward shows you sessions and counts, never what the pairs write.",),
    )


def lead_pairs_url() -> str:
    """Return the lead's list of pairs: by its endpoint, else by its address, which stays."""
    from flask import current_app
    from werkzeug.routing import BuildError

    try:
        return external_url("program.list_pairs")
    except BuildError:
        return current_app.config["UPWARD_BASE_URL"].rstrip("/") + "/program/pairs"


@lead_digest.due
def find_digests(now: datetime) -> Iterator[Due]:
    """Yield one digest a week to each lead of an open cohort, from Monday morning."""
    from upward.meetings import reminders

    for nudge in reminders.digests_due(now):
        yield Due(nudge.key, nudge.user_id, dict(nudge.params))


# Matching (upward.pairs) -----------------------------------------------------------------------

MATCH_LOOKBACK = timedelta(days=7)
"""Proposals and declines older than this when the command first runs are not announced late."""


@kind("match_proposed")
def match_proposed(message: SentMessage, user: User | None) -> Mail | None:
    """Tell a partner their program lead proposed a match, while it still waits for them."""
    from upward.pairs.lifecycle import waiting_for

    pair = db.session.get(Pair, message.params.get("pair_id"))
    if pair is None or user is None or user.id not in waiting_for(pair):
        return None
    partner = db.session.get(User, pair.partner_of(user.id))
    if partner is None:
        return None
    offer = (
        f"{partner.name} as your mentor"
        if pair.role_of(user.id) == "executive"
        else f"you as {partner.name}'s mentor"
    )
    return Mail(
        subject=f"Your program lead suggests {offer}",
        intro=(
            f"Your program lead has proposed a mentoring match: {offer}.",
            "See why they suggested it, then accept or decline. Nothing starts until you both "
            "have accepted.",
        ),
        action_label="See the match",
        action_url=external_url("pairs.proposals"),
    )


@match_proposed.due
def find_new_proposals(now: datetime) -> Iterator[Due]:
    """Yield one message to each partner of a pair proposed in the last week."""
    rows = db.session.execute(
        select(Pair.id, Pair.mentor_id, Pair.executive_id).where(
            Pair.status == "proposed", Pair.created_at >= now - MATCH_LOOKBACK
        )
    )
    for pair_id, mentor_id, executive_id in rows:
        for person in (mentor_id, executive_id):
            yield Due(f"pair {pair_id} proposed to {person}", person, {"pair_id": pair_id})


@kind("match_declined")
def match_declined(message: SentMessage, user: User | None) -> Mail | None:
    """Tell a cohort's lead that a proposed match was declined, so they can match again."""
    from upward.program.access import can_lead

    pair = db.session.get(Pair, message.params.get("pair_id"))
    if pair is None or user is None or pair.status != "declined" or pair.cohort_id is None:
        return None
    if not can_lead(user, pair.cohort_id):
        return None
    mentor, executive = (
        db.session.get(User, pair.mentor_id),
        db.session.get(User, pair.executive_id),
    )
    by = db.session.get(User, pair.declined_by_id) if pair.declined_by_id else None
    if mentor is None or executive is None:
        return None
    who = by.name if by is not None else "One of them"
    said = (f"In their words: “{pair.decline_note}”",) if pair.decline_note else ()
    return Mail(
        subject=f"A match was declined: {mentor.name} and {executive.name}",
        intro=(
            f"{who} declined the match you proposed: {mentor.name} mentoring {executive.name}.",
            *said,
            "Both are back among the people waiting for a partner, and matching won't suggest "
            "this pair again. A short conversation with each often tells you what to look for "
            "next time.",
        ),
        action_label="Match them again",
        action_url=external_url("pairs.matching", cohort_id=pair.cohort_id),
    )


@match_declined.due
def find_declines(now: datetime) -> Iterator[Due]:
    """Yield one message to each lead of the cohort for each match declined in the last week."""
    from upward.models import CohortLead

    rows = db.session.execute(
        select(Pair.id, CohortLead.user_id)
        .join(CohortLead, CohortLead.cohort_id == Pair.cohort_id)
        .where(Pair.status == "declined", Pair.ended_at >= now - MATCH_LOOKBACK)
    )
    for pair_id, lead_id in rows:
        yield Due(f"pair {pair_id} declined to {lead_id}", lead_id, {"pair_id": pair_id})


@kind("match_off")
def match_off(message: SentMessage, user: User | None) -> Mail | None:
    """Tell the partner who did not decline that the match is off: not who declined, nor why."""
    pair = db.session.get(Pair, message.params.get("pair_id"))
    if pair is None or user is None or pair.status != "declined":
        return None
    if user.id == pair.declined_by_id or user.id not in (pair.mentor_id, pair.executive_id):
        return None
    partner = db.session.get(User, pair.partner_of(user.id))
    if partner is None:
        return None
    return Mail(
        subject=f"The match with {partner.name} isn't going ahead",
        intro=(
            f"The mentoring match your program lead suggested with {partner.name} isn't going "
            "ahead. Matches fall through for ordinary reasons (schedules, reporting lines, "
            "topics), and it says nothing about you.",
            "Your program lead will suggest someone else. Until then, your pathway and your "
            "notes are where you left them.",
        ),
        action_label="Go to your dashboard",
        action_url=external_url("learn.dashboard"),
    )


@match_off.due
def find_matches_off(now: datetime) -> Iterator[Due]:
    """Yield one message to the other partner of each match declined in the last week."""
    rows = db.session.execute(
        select(Pair.id, Pair.mentor_id, Pair.executive_id, Pair.declined_by_id).where(
            Pair.status == "declined", Pair.ended_at >= now - MATCH_LOOKBACK
        )
    )
    for pair_id, mentor_id, executive_id, declined_by_id in rows:
        for person in (mentor_id, executive_id):
            if person != declined_by_id:
                yield Due(f"pair {pair_id} off for {person}", person, {"pair_id": pair_id})


# Program surveys (issue 12): when each opens is upward.reports.surveys' to say ----------------


@kind("survey_open", "reminders")
def survey_open(message: SentMessage, user: User | None) -> Mail | None:
    """Ask a person to answer a survey of their cohort now open (once; nothing once answered)."""
    from upward.models.types import utcnow
    from upward.reports import surveys

    if user is None:
        return None
    cohort_id, point = message.params.get("cohort_id"), message.params.get("point")
    try:
        survey = surveys.get_due(user, cohort_id, point, surveys.today_of(utcnow()))  # type: ignore[arg-type]
    except surveys.NotDue:
        return None
    return Mail(
        subject=f"Two minutes for {survey.cohort_name}: how is it going?",
        intro=(
            f"{survey.label}, {survey.cohort_name} asks three short questions: how useful your "
            "sessions are, whether the pairing fits, and whether you'd recommend the program.",
            "Your answer is anonymous: it is kept without your name, and your program lead "
            "sees only the answers of groups of five or more.",
        ),
        action_label="Answer the survey",
        action_url=external_url("surveys.answer", cohort_id=survey.cohort_id, point=point),
    )


@survey_open.due
def find_surveys_open(now: datetime) -> Iterator[Due]:
    """Yield one message per survey open to a person in a cohort that is not archived."""
    from upward.reports import surveys

    archived = set(db.session.scalars(select(Cohort.id).where(Cohort.archived_at.is_not(None))))
    for survey in surveys.open_surveys(surveys.today_of(now)):
        if survey.cohort_id in archived:
            continue
        key = f"survey {survey.cohort_id} {survey.point} to {survey.user_id}"
        params = {"cohort_id": survey.cohort_id, "point": survey.point}
        yield Due(key, survey.user_id, params)
