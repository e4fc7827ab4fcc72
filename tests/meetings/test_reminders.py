"""Issue 11's reminders through a real SMTP server: a session a day ahead (with its calendar
file), a check-in not written, a pair that has booked no first session, the lead's weekly digest
of pairs at risk. Each goes once however often `flask mail send` runs, and never to someone who
switched that mail off."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select, update

from tests.helpers import person, user_id
from upward.extensions import db
from upward.models import (
    Cohort,
    CohortLead,
    MailOptOut,
    Meeting,
    Pair,
    Profile,
    SentMessage,
    TemplateEntry,
)
from upward.models.types import utcnow

MIA, EVE = "mia@example.com", "eve@example.com"


def run_command(app) -> str:
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def pair(mail_app):
    """Mia (mentor, London) and Eve (executive, New York), paired four days ago in a cohort."""
    person(mail_app, MIA, "Mia Mentor", "mentor")
    person(mail_app, EVE, "Eve Executive", "executive")
    with mail_app.app_context():
        cohort = Cohort(
            name="Spring cohort", starts_on=date(2026, 1, 1), ends_on=date(2027, 12, 31)
        )
        db.session.add(cohort)
        db.session.flush()
        db.session.add_all(
            [
                Profile(user_id=user_id(mail_app, MIA), time_zone="Europe/London"),
                Profile(user_id=user_id(mail_app, EVE), time_zone="America/New_York"),
            ]
        )
        found = Pair(
            mentor_id=user_id(mail_app, MIA),
            executive_id=user_id(mail_app, EVE),
            cohort_id=cohort.id,
            status="active",
            started_at=utcnow() - timedelta(days=1),
        )
        db.session.add(found)
        db.session.commit()
        return {"pair": found.id, "cohort": cohort.id}


def add_meeting(
    app, pair_id: int, starts_in: timedelta, status: str = "planned", uid: str = "m1"
) -> int:
    with app.app_context():
        meeting = Meeting(
            pair_id=pair_id,
            uid=f"{uid}@upward.example.com",
            starts_at=(utcnow() + starts_in).replace(second=0, microsecond=0),
            minutes=45,
            time_zone="Europe/London",
            location="https://meet.example.com/mia-eve",
            status=status,
        )
        db.session.add(meeting)
        db.session.commit()
        return meeting.id


def opt_out(app, email: str, category: str) -> None:
    with app.app_context():
        db.session.add(MailOptOut(user_id=user_id(app, email), category=category))
        db.session.commit()


def sent(app, kind: str) -> list[SentMessage]:
    with app.app_context():
        return list(db.session.scalars(select(SentMessage).where(SentMessage.kind == kind)))


# A session a day ahead ------------------------------------------------------------------------


def test_both_partners_are_reminded_once_with_the_calendar_file_in_their_own_zone(
    mail_app, outbox, pair
):
    meeting_id = add_meeting(mail_app, pair["pair"], timedelta(hours=20))
    run_command(mail_app)
    assert "0 new reminders" in run_command(mail_app)
    [to_mia], [to_eve] = outbox.to(MIA), outbox.to(EVE)
    with mail_app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
    london = meeting.starts_at.astimezone(ZoneInfo("Europe/London"))
    new_york = meeting.starts_at.astimezone(ZoneInfo("America/New_York"))
    assert "your mentoring session with Eve Executive" in to_mia["Subject"]
    assert f"{london:%H:%M} (Europe/London)" in body(to_mia)
    assert f"{new_york:%H:%M} (America/New_York)" in body(to_eve)
    assert "https://meet.example.com/mia-eve" in body(to_eve)
    assert to_mia["List-Unsubscribe"] is not None
    [attachment] = list(to_mia.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    calendar = Calendar.from_ical(attachment.get_content())
    assert calendar["METHOD"] == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == "m1@upward.example.com"
    assert event.decoded("DTSTART") == meeting.starts_at


def test_a_moved_session_is_reminded_again_at_its_new_time(mail_app, outbox, pair):
    meeting_id = add_meeting(mail_app, pair["pair"], timedelta(hours=20))
    run_command(mail_app)
    with mail_app.app_context():
        db.session.execute(
            update(Meeting).values(
                starts_at=utcnow() + timedelta(hours=22), sequence=1, moved_count=1
            )
        )
        db.session.commit()
    run_command(mail_app)
    run_command(mail_app)
    assert len(outbox.to(MIA)) == 2
    [_, second] = outbox.to(MIA)
    [attachment] = list(second.iter_attachments())
    [event] = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert event["SEQUENCE"] == 1 and str(event["UID"]) == "m1@upward.example.com"
    assert meeting_id


@pytest.mark.parametrize(
    ("starts_in", "status", "pair_status"),
    [
        (timedelta(minutes=30), "planned", "active"),  # too late to help
        (timedelta(hours=30), "planned", "active"),  # not yet
        (timedelta(hours=20), "cancelled", "active"),
        (timedelta(hours=20), "planned", "ended"),
    ],
)
def test_no_reminder_too_late_too_early_cancelled_or_ended(
    mail_app, outbox, pair, starts_in, status, pair_status
):
    add_meeting(mail_app, pair["pair"], starts_in, status=status)
    with mail_app.app_context():
        db.session.execute(update(Pair).values(status=pair_status))
        db.session.commit()
    run_command(mail_app)
    assert sent(mail_app, "session_soon") == []


def test_someone_who_switched_reminders_off_gets_none(mail_app, outbox, pair):
    opt_out(mail_app, MIA, "reminders")
    add_meeting(mail_app, pair["pair"], timedelta(hours=20))
    run_command(mail_app)
    assert outbox.to(MIA) == [] and len(outbox.to(EVE)) == 1


# A check-in not written -----------------------------------------------------------------------


def test_only_the_partner_without_a_check_in_is_nudged_a_day_after_the_session(
    mail_app, outbox, pair
):
    meeting_id = add_meeting(mail_app, pair["pair"], -timedelta(hours=30), status="held")
    add_meeting(mail_app, pair["pair"], -timedelta(hours=5), status="held", uid="recent")
    with mail_app.app_context():
        db.session.add(
            TemplateEntry(
                user_id=user_id(mail_app, MIA),
                template_id="biweekly-checkin",
                title="Mine",
                values={"learned": "A secret thought."},
                is_draft=False,
                meeting_id=meeting_id,
            )
        )
        db.session.commit()
    run_command(mail_app)
    run_command(mail_app)
    assert outbox.to(MIA) == []
    [nudge] = outbox.to(EVE)
    assert nudge["Subject"] == "Your check-in after your session with Mia Mentor"
    assert f"/pairs/{pair['pair']}/sessions/{meeting_id}/check-in" in body(nudge)
    assert "A secret thought" not in body(nudge)


def test_no_check_in_nudge_for_someone_who_switched_reminders_off(mail_app, outbox, pair):
    opt_out(mail_app, EVE, "reminders")
    add_meeting(mail_app, pair["pair"], -timedelta(hours=30), status="held")
    run_command(mail_app)
    assert outbox.to(EVE) == [] and len(outbox.to(MIA)) == 1


# No first session booked ----------------------------------------------------------------------


def started(app, days: float) -> None:
    with app.app_context():
        db.session.execute(update(Pair).values(started_at=utcnow() - timedelta(days=days)))
        db.session.commit()


def test_a_pair_with_no_first_session_is_nudged_after_3_days_and_again_after_10(
    mail_app, outbox, pair
):
    started(mail_app, 2)
    run_command(mail_app)
    assert outbox.messages == []
    started(mail_app, 4)
    run_command(mail_app)
    run_command(mail_app)
    [day_three] = outbox.to(EVE)
    assert day_three["Subject"] == "Book your first session with Mia Mentor"
    assert len(outbox.to(MIA)) == 1
    started(mail_app, 11)
    run_command(mail_app)
    run_command(mail_app)
    assert [m["Subject"] for m in outbox.to(MIA)] == [
        "Book your first session with Eve Executive",
        "Still no first session with Eve Executive: book it this week",
    ]


def test_a_pair_found_late_gets_only_the_latest_nudge_and_a_booked_pair_none(
    mail_app, outbox, pair
):
    started(mail_app, 12)
    run_command(mail_app)
    assert [m["Subject"] for m in outbox.to(EVE)] == [
        "Still no first session with Mia Mentor: book it this week"
    ]
    outbox.messages.clear()
    with mail_app.app_context():
        db.session.execute(update(SentMessage).values(key=SentMessage.key + " (old)"))
        db.session.commit()
    add_meeting(mail_app, pair["pair"], timedelta(days=5))
    run_command(mail_app)
    assert outbox.messages == []


# The lead's weekly digest ---------------------------------------------------------------------


def find_due_at(app, when: datetime) -> None:
    """Run the reminders' finders as the command would at a chosen time (sending is later)."""
    from upward.mail import outbox

    with app.app_context():
        outbox.queue_due(when)


def last_monday_morning() -> datetime:
    now = utcnow()
    monday = datetime.combine(now.date() - timedelta(days=now.weekday()), time(8), now.tzinfo)
    return monday if monday <= now else monday - timedelta(days=7)


def test_each_lead_gets_one_digest_a_week_of_their_own_cohorts_pairs_at_risk(
    mail_app, outbox, pair, monkeypatch
):
    started(mail_app, 20)  # three weeks and no session: at risk
    lead = person(mail_app, "lee@example.com", "Lee Lead", "program")
    other = person(mail_app, "lou@example.com", "Lou Lead", "program")
    person(mail_app, "ola@example.com", "Ola Mentor", "mentor")
    person(mail_app, "ed@example.com", "Ed Executive", "executive")
    with mail_app.app_context():
        quiet = Cohort(name="Autumn cohort", starts_on=date(2026, 1, 1), ends_on=date(2027, 12, 31))
        db.session.add(quiet)
        db.session.flush()
        db.session.add_all(
            [
                CohortLead(cohort_id=pair["cohort"], user_id=user_id(mail_app, "lee@example.com")),
                CohortLead(cohort_id=quiet.id, user_id=user_id(mail_app, "lou@example.com")),
                Pair(
                    mentor_id=user_id(mail_app, "ola@example.com"),
                    executive_id=user_id(mail_app, "ed@example.com"),
                    cohort_id=quiet.id,
                    status="active",
                    started_at=utcnow() - timedelta(days=20),
                ),
            ]
        )
        db.session.commit()
    assert lead and other
    opt_out(mail_app, "lou@example.com", "digest")
    for _ in range(2):  # the command run twice: Monday morning's finders, then sending
        find_due_at(mail_app, last_monday_morning())
        run_command(mail_app)
    [digest] = outbox.to("lee@example.com")
    text = body(digest)
    assert digest["Subject"] == "This week: 1 pair needs attention"
    assert (
        "Mia Mentor and Eve Executive (Spring cohort): No first session held in the 20 days" in text
    )
    assert "Ola Mentor" not in text  # another lead's cohort
    assert outbox.to("lou@example.com") == []  # switched the digest off
    [lous] = [m for m in sent(mail_app, "lead_digest") if m.to_address == "lou@example.com"]
    assert lous.status == "skipped"
    # The first-session nudges of the same run went to the partners, not to the leads.
    assert all("This week" not in m["Subject"] for m in outbox.to(MIA))


def test_no_digest_before_monday_morning_or_for_a_week_with_nothing_at_risk(
    mail_app, outbox, pair, monkeypatch
):
    person(mail_app, "lee@example.com", "Lee Lead", "program")
    with mail_app.app_context():
        db.session.add(
            CohortLead(cohort_id=pair["cohort"], user_id=user_id(mail_app, "lee@example.com"))
        )
        db.session.commit()
    monday = last_monday_morning()
    find_due_at(mail_app, monday - timedelta(hours=2))
    assert sent(mail_app, "lead_digest") == []
    find_due_at(mail_app, monday)
    run_command(mail_app)  # the pair started a day ago: on track, nothing to say
    assert outbox.to("lee@example.com") == []
