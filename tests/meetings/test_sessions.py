"""A pair's sessions: booking in each person's zone, planning at the cadence, held, cancelled,
moved, check-ins, calendars and the private feed, and who may see any of it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select, update

from tests.helpers import ROOT, AuthActions, build_app, csrf_token, person, user_id
from upward.extensions import db
from upward.models import (
    CalendarFeed,
    Cohort,
    CohortLead,
    Meeting,
    Pair,
    PairShare,
    Profile,
    TemplateEntry,
    User,
)
from upward.models.types import utcnow

LONDON, NEW_YORK = "Europe/London", "America/New_York"


@pytest.fixture
def app(tmp_path):
    """An app with the shipped library: check-ins are copies of its bi-weekly check-in."""
    yield from build_app(
        tmp_path,
        UPWARD_CONTENT_DIR=str(ROOT / "content"),
        UPWARD_PATHWAYS_DIR=str(ROOT / "pathways"),
    )


@pytest.fixture
def pair(app):
    """A mentor in London and an executive in New York, paired in a cohort, each in a browser."""
    mentor = person(app, "mia@example.com", "Mia Mentor", "mentor")
    executive = person(app, "eve@example.com", "Eve Executive", "executive")
    stranger = person(app, "sam@example.com", "Sam Stranger", "mentor")
    with app.app_context():
        cohort = Cohort(name="Spring", starts_on=date(2026, 1, 1), ends_on=date(2027, 12, 31))
        other = Cohort(name="Autumn", starts_on=date(2026, 1, 1), ends_on=date(2027, 12, 31))
        db.session.add_all([cohort, other])
        db.session.flush()
        db.session.add_all(
            [
                Profile(user_id=user_id(app, "mia@example.com"), time_zone=LONDON),
                Profile(user_id=user_id(app, "eve@example.com"), time_zone=NEW_YORK),
            ]
        )
        found = Pair(
            mentor_id=user_id(app, "mia@example.com"),
            executive_id=user_id(app, "eve@example.com"),
            cohort_id=cohort.id,
            status="active",
            started_at=utcnow(),
            cadence_days=14,
        )
        db.session.add(found)
        db.session.commit()
        ids = {"pair": found.id, "cohort": cohort.id, "other_cohort": other.id}
    return {"mentor": mentor, "executive": executive, "stranger": stranger, **ids}


def soon(days: int = 10) -> date:
    """Return a day a little ahead, so tests never book in the past whenever they run."""
    return (utcnow() + timedelta(days=days)).date()


def book(browser: AuthActions, pair_id: int, **fields):
    data = {"day": soon().isoformat(), "at": "10:00", "minutes": "45", "location": "", **fields}
    page = f"/pairs/{pair_id}/sessions/"
    return browser.post(page, data, page=page)


def meetings(app) -> list[Meeting]:
    with app.app_context():
        return list(db.session.scalars(select(Meeting).order_by(Meeting.starts_at)))


def past_meeting(app, pair_id: int, hours_ago: int = 2, status: str = "planned") -> int:
    """Add a session that started a while ago (booking refuses the past, so insert it)."""
    with app.app_context():
        meeting = Meeting(
            pair_id=pair_id,
            uid=f"past-{hours_ago}-{status}@test",
            starts_at=utcnow() - timedelta(hours=hours_ago),
            minutes=45,
            time_zone=LONDON,
            status=status,
        )
        db.session.add(meeting)
        db.session.commit()
        return meeting.id


def post(browser: AuthActions, url: str, data: dict | None = None, page: str | None = None):
    return browser.post(url, data or {}, page=page or "/calendar/")


def parse(body: bytes) -> list:
    return list(Calendar.from_ical(body).walk("VEVENT"))


# Booking in each person's time zone -----------------------------------------------------------


def test_a_session_booked_in_new_york_is_stored_in_utc_and_shown_in_each_zone(app, pair):
    day = soon()
    response = book(pair["executive"], pair["pair"], day=day.isoformat(), at="10:00")
    assert response.status_code == 302
    [meeting] = meetings(app)
    expected = datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo(NEW_YORK))
    assert meeting.starts_at == expected.astimezone(UTC)
    assert meeting.time_zone == NEW_YORK and meeting.minutes == 45
    assert meeting.status == "planned" and meeting.sequence == 0
    in_london = expected.astimezone(ZoneInfo(LONDON))
    mine = pair["executive"].client.get(response.location).get_data(as_text=True)
    theirs = pair["mentor"].client.get(response.location).get_data(as_text=True)
    assert "10:00–10:45</strong>" in mine and f"{in_london:%H:%M} for Mia Mentor" in mine
    assert f"{in_london:%H:%M}–" in theirs and "10:00 for Eve Executive" in theirs


def test_a_person_without_a_profile_books_in_utc(app, pair):
    with app.app_context():
        db.session.execute(
            update(Profile).where(Profile.time_zone == NEW_YORK).values(time_zone="Nowhere/Invalid")
        )
        db.session.commit()
    assert book(pair["executive"], pair["pair"], at="09:15").status_code == 302
    [meeting] = meetings(app)
    assert (meeting.time_zone, f"{meeting.starts_at:%H:%M}") == ("UTC", "09:15")


def test_a_past_time_is_refused_with_the_time_now_and_what_was_typed_kept(app, pair):
    yesterday = (utcnow() - timedelta(days=1)).date().isoformat()
    response = book(pair["mentor"], pair["pair"], day=yesterday, location="Room 4B, Leeds")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "That time has passed: it is now" in page and "(Europe/London)" in page
    assert 'value="Room 4B, Leeds"' in page and f'value="{yesterday}"' in page
    assert meetings(app) == []


def test_nonsense_input_says_what_to_type(app, pair):
    response = book(pair["mentor"], pair["pair"], day="next tuesday", at="ten", minutes="900")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a date as YYYY-MM-DD" in page
    assert "Enter a time as HH:MM on a 24-hour clock" in page
    assert "Choose a number from 15 to 240" in page
    assert meetings(app) == []


def test_a_time_the_clocks_skip_is_refused(app, pair):
    today = utcnow().date()
    day = next(
        d
        for d in (today + timedelta(days=n) for n in range(2, 370))
        if d.month == 3 and d.weekday() == 6 and (d + timedelta(days=7)).month == 4
    )  # the last Sunday of March, when London's clocks go forward at 01:00
    response = book(pair["mentor"], pair["pair"], day=day.isoformat(), at="01:30")
    assert response.status_code == 400
    assert "01:30 doesn&#39;t happen on" in response.get_data(as_text=True)


def test_a_double_click_books_one_session(app, pair):
    page = f"/pairs/{pair['pair']}/sessions/"
    html = pair["mentor"].client.get(page).get_data(as_text=True)
    submission = re.search(r'name="submission" type="hidden" value="([0-9a-f]{32})"', html).group(1)
    first = book(pair["mentor"], pair["pair"], submission=submission)
    second = book(pair["mentor"], pair["pair"], submission=submission)
    assert first.status_code == second.status_code == 302
    assert len(meetings(app)) == 1
    follow = pair["mentor"].client.get(page).get_data(as_text=True)
    assert "You had already booked this session" in follow


def test_an_overlapping_session_is_refused(app, pair):
    assert book(pair["mentor"], pair["pair"], at="10:00").status_code == 302
    response = book(pair["executive"], pair["pair"], at="05:30")  # 10:30 in London
    assert response.status_code == 400
    assert "You already have a session planned then" in response.get_data(as_text=True)


def test_the_length_comes_from_the_agreement(app, pair):
    from upward.models import Agreement

    with app.app_context():
        db.session.add(Agreement(pair_id=pair["pair"], session_minutes=60))
        db.session.commit()
    page = pair["mentor"].client.get(f"/pairs/{pair['pair']}/sessions/").get_data(as_text=True)
    assert 'name="minutes" type="number" value="60"' in page or 'value="60"' in page


# Planning at the cadence ----------------------------------------------------------------------


def next_march_20() -> date:
    today = utcnow().date()
    day = date(today.year, 3, 20)
    return day if day > today + timedelta(days=1) else date(today.year + 1, 3, 20)


def test_planning_books_sessions_at_the_cadence_at_the_same_local_time_across_dst(app, pair):
    first = next_march_20()
    page = f"/pairs/{pair['pair']}/sessions/"
    data = {
        "plan-day": first.isoformat(),
        "plan-at": "10:00",
        "plan-count": "3",
        "plan-minutes": "45",
        "plan-location": "https://meet.example.com/abc",
    }
    response = pair["mentor"].post(f"{page}plan", data, page=page)
    assert response.status_code == 302
    found = meetings(app)
    assert [m.starts_at.astimezone(ZoneInfo(LONDON)).strftime("%m-%d %H:%M") for m in found] == [
        "03-20 10:00",
        "04-03 10:00",
        "04-17 10:00",
    ]
    # London's clocks went forward in between: the same 10:00 is an hour earlier in UTC.
    assert [m.starts_at.hour for m in found] == [10, 9, 9]
    assert len({m.uid for m in found}) == 3
    again = pair["mentor"].post(f"{page}plan", data, page=page)  # a fresh form: a new key
    assert again.status_code == 400
    assert "You already have a session planned then" in again.get_data(as_text=True)
    assert len(meetings(app)) == 3


def test_the_next_session_is_offered_one_cadence_after_the_last(app, pair):
    day = soon(3)
    book(pair["mentor"], pair["pair"], day=day.isoformat(), at="16:00")
    page = pair["mentor"].client.get(f"/pairs/{pair['pair']}/sessions/").get_data(as_text=True)
    assert f'value="{(day + timedelta(days=14)).isoformat()}"' in page
    assert 'value="16:00"' in page


def test_planning_more_than_six_is_refused(app, pair):
    page = f"/pairs/{pair['pair']}/sessions/"
    data = {
        "plan-day": soon().isoformat(),
        "plan-at": "10:00",
        "plan-count": "12",
        "plan-minutes": "45",
    }
    response = pair["mentor"].post(f"{page}plan", data, page=page)
    assert response.status_code == 400 and "Choose a number from 1 to 6" in response.get_data(
        as_text=True
    )
    assert meetings(app) == []


# Held, cancelled, moved --------------------------------------------------------------------------


def test_marking_held_records_who_and_opens_the_check_in(app, pair):
    meeting_id = past_meeting(app, pair["pair"])
    url = f"/pairs/{pair['pair']}/sessions/{meeting_id}/held"
    response = post(pair["executive"], url)
    assert response.location.endswith(f"/sessions/{meeting_id}/check-in")
    again = post(pair["mentor"], url)  # the partner clicks too: still one record, by Eve
    assert again.status_code == 302
    [meeting] = meetings(app)
    assert meeting.status == "held" and meeting.status_by_id == user_id(app, "eve@example.com")
    page = pair["mentor"].client.get(f"/pairs/{pair['pair']}/sessions/").get_data(as_text=True)
    assert "Marked held by Eve Executive" in page


def test_a_future_session_cannot_be_marked_held(app, pair):
    book(pair["mentor"], pair["pair"])
    [meeting] = meetings(app)
    post(pair["mentor"], f"/pairs/{pair['pair']}/sessions/{meeting.id}/held")
    assert meetings(app)[0].status == "planned"
    page = pair["mentor"].client.get(f"/pairs/{pair['pair']}/sessions/").get_data(as_text=True)
    assert "You can mark a session held once it has started." in page


def test_cancelling_asks_first_records_who_and_bumps_the_sequence(app, pair):
    book(pair["mentor"], pair["pair"])
    [meeting] = meetings(app)
    url = f"/pairs/{pair['pair']}/sessions/{meeting.id}/cancel"
    ask = pair["executive"].client.get(url)
    assert ask.status_code == 200 and "Yes, cancel it" in ask.get_data(as_text=True)
    assert meetings(app)[0].status == "planned"
    post(pair["executive"], url, page=url)
    post(pair["executive"], url, page=url)
    [meeting] = meetings(app)
    assert meeting.status == "cancelled" and meeting.sequence == 1
    assert meeting.status_by_id == user_id(app, "eve@example.com")
    page = pair["mentor"].client.get(f"/pairs/{pair['pair']}/sessions/").get_data(as_text=True)
    assert "Cancelled by Eve Executive" in page


def test_moving_keeps_the_uid_counts_the_move_and_refuses_the_past(app, pair):
    book(pair["mentor"], pair["pair"], at="10:00")
    [before] = meetings(app)
    url = f"/pairs/{pair['pair']}/sessions/{before.id}/move"
    new_day = soon(12).isoformat()
    response = pair["executive"].post(url, {"day": new_day, "at": "08:00"}, page=url)
    assert response.status_code == 302
    pair["executive"].post(url, {"day": new_day, "at": "08:00"}, page=url)  # sent twice
    [after] = meetings(app)
    assert after.uid == before.uid
    assert (after.moved_count, after.sequence) == (1, 1)
    assert after.moved_by_id == user_id(app, "eve@example.com")
    assert after.starts_at.astimezone(ZoneInfo(NEW_YORK)).strftime("%H:%M") == "08:00"
    past = pair["executive"].post(url, {"day": "2020-01-01", "at": "08:00"}, page=url)
    assert past.status_code == 400 and "That time has passed" in past.get_data(as_text=True)
    assert 'value="2020-01-01"' in past.get_data(as_text=True)
    page = pair["mentor"].client.get(f"/pairs/{pair['pair']}/sessions/").get_data(as_text=True)
    assert "Moved once, last by Eve Executive" in page


def test_a_held_session_cannot_be_cancelled_or_moved(app, pair):
    meeting_id = past_meeting(app, pair["pair"], status="held")
    base = f"/pairs/{pair['pair']}/sessions/{meeting_id}"
    post(pair["mentor"], f"{base}/cancel", page=f"{base}/cancel")
    moved = pair["mentor"].post(
        f"{base}/move", {"day": soon().isoformat(), "at": "10:00"}, page=f"{base}/move"
    )
    assert moved.status_code == 400 and "can&#39;t be moved" in moved.get_data(as_text=True)
    assert meetings(app)[0].status == "held"


# Who may see and change a pair's sessions ------------------------------------------------------


def every_url(pair_id: int, meeting_id: int) -> dict[str, str]:
    base = f"/pairs/{pair_id}/sessions"
    return {
        "index": f"{base}/",
        "ics": f"{base}/{meeting_id}.ics",
        "move": f"{base}/{meeting_id}/move",
        "cancel": f"{base}/{meeting_id}/cancel",
        "check-in": f"{base}/{meeting_id}/check-in",
    }


POSTS = ("/", "/plan", "/{m}/held", "/{m}/cancel", "/{m}/move", "/{m}/check-in")


def assert_nothing_for(browser: AuthActions, pair_id: int, meeting_id: int) -> None:
    for url in every_url(pair_id, meeting_id).values():
        assert browser.client.get(url).status_code == 404, url
    for suffix in POSTS:
        url = f"/pairs/{pair_id}/sessions{suffix.format(m=meeting_id)}"
        data = {"day": soon().isoformat(), "at": "10:00", "minutes": "45"}
        assert browser.post(url, data, page="/calendar/").status_code == 404, url


def test_a_stranger_sees_nothing_and_changes_nothing(app, pair):
    meeting_id = past_meeting(app, pair["pair"])
    assert_nothing_for(pair["stranger"], pair["pair"], meeting_id)
    assert meetings(app)[0].status == "planned"


def test_a_session_of_another_pair_is_not_found_through_my_pair(app, pair):
    other = person(app, "oli@example.com", "Oli Other", "executive")
    with app.app_context():
        theirs = Pair(
            mentor_id=user_id(app, "sam@example.com"),
            executive_id=user_id(app, "oli@example.com"),
            status="active",
            started_at=utcnow(),
        )
        db.session.add(theirs)
        db.session.commit()
        theirs_id = theirs.id
    meeting_id = past_meeting(app, theirs_id)
    for url in every_url(pair["pair"], meeting_id).values():
        if url.endswith("/sessions/"):
            continue
        assert pair["mentor"].client.get(url).status_code == 404, url
    assert (
        post(pair["mentor"], f"/pairs/{pair['pair']}/sessions/{meeting_id}/held").status_code == 404
    )
    assert other.client.get(f"/pairs/{theirs_id}/sessions/").status_code == 200


def test_leads_see_no_sessions_page_not_even_of_their_own_cohort(app, pair):
    for email, cohort in (("lee@example.com", "cohort"), ("lou@example.com", "other_cohort")):
        lead = person(app, email, "Lee Lead", "program")
        with app.app_context():
            db.session.add(CohortLead(cohort_id=pair[cohort], user_id=user_id(app, email)))
            db.session.commit()
        meeting_id = past_meeting(app, pair["pair"], hours_ago=3 if cohort == "cohort" else 4)
        assert_nothing_for(lead, pair["pair"], meeting_id)


def test_anonymous_people_are_sent_to_log_in(app, pair):
    meeting_id = past_meeting(app, pair["pair"])
    anonymous = app.test_client()
    for url in every_url(pair["pair"], meeting_id).values():
        response = anonymous.get(url)
        assert response.status_code == 302 and "/account/login" in response.location, url
    assert anonymous.get("/calendar/").status_code == 302


def test_a_former_partner_reads_what_happened_and_changes_nothing(app, pair):
    held = past_meeting(app, pair["pair"], hours_ago=30, status="held")
    planned = past_meeting(app, pair["pair"], hours_ago=1)
    pair["mentor"].post(
        f"/pairs/{pair['pair']}/sessions/{held}/check-in",
        {
            "f_checkin_date": "2026-11-30",
            "f_who": "Mentor",
            "f_learned": "Listening first works.",
            "title": "My check-in",
            "action": "save",
        },
        page=f"/pairs/{pair['pair']}/sessions/{held}/check-in",
    )
    with app.app_context():
        db.session.execute(update(Pair).values(status="ended", ended_at=utcnow()))
        db.session.commit()
        entry_id = db.session.scalar(select(TemplateEntry.id))
    page = pair["mentor"].client.get(f"/pairs/{pair['pair']}/sessions/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "This pair has ended" in html
    assert "Book a session" not in html and "We met" not in html
    assert f"/entries/{entry_id}" in html  # their own check-in, read-only
    assert pair["mentor"].client.get(f"/entries/{entry_id}").status_code == 200
    assert pair["executive"].client.get(f"/entries/{entry_id}").status_code == 404
    urls = every_url(pair["pair"], planned)
    del urls["index"]
    for url in urls.values():
        assert pair["executive"].client.get(url).status_code == 404, url
    assert book(pair["executive"], pair["pair"]).status_code == 404
    assert (
        post(pair["executive"], f"/pairs/{pair['pair']}/sessions/{planned}/held").status_code == 404
    )


def test_a_proposed_pair_has_no_sessions_yet(app, pair):
    with app.app_context():
        db.session.execute(update(Pair).values(status="proposed"))
        db.session.commit()
    assert pair["mentor"].client.get(f"/pairs/{pair['pair']}/sessions/").status_code == 404


# Check-ins ------------------------------------------------------------------------------------


def checkin_url(pair_id: int, meeting_id: int) -> str:
    return f"/pairs/{pair_id}/sessions/{meeting_id}/check-in"


ANSWERS = {
    "f_checkin_date": "2026-11-30",
    "f_who": "Executive",
    "f_learned": "Our careers page reads as 'no life outside work'.",
    "action": "save",
}


def test_a_check_in_is_the_bi_weekly_template_linked_to_the_session_once(app, pair):
    meeting_id = past_meeting(app, pair["pair"], status="held")
    url = checkin_url(pair["pair"], meeting_id)
    form = pair["executive"].client.get(url).get_data(as_text=True)
    assert "What I learned in the last two weeks" in form
    assert "Check-in after our session of" in form and "with Mia Mentor" in form
    who = '<input checked id="f_who-0" name="f_who" required type="radio" value="Executive">'
    assert who in form
    token = csrf_token(pair["executive"].client, url)
    data = {"csrf_token": token, "title": "After session 1", **ANSWERS}
    first = pair["executive"].client.post(url, data=data)
    second = pair["executive"].client.post(url, data={**data, "f_learned": "Changed my mind."})
    assert first.status_code == second.status_code == 302
    with app.app_context():
        [entry] = db.session.scalars(select(TemplateEntry)).all()
        assert entry.template_id == "biweekly-checkin" and entry.meeting_id == meeting_id
        assert entry.values["learned"] == "Changed my mind."
        assert db.session.scalar(select(PairShare.entry_id)) is None
    # It is one of their filled-in templates, and the check-in link now opens it for editing.
    copies = pair["executive"].client.get("/templates/biweekly-checkin").get_data(as_text=True)
    assert f"/entries/{entry.id}" in copies
    assert pair["executive"].client.get(url).location == f"/entries/{entry.id}/edit"
    # Private: the partner only learns that it was written.
    assert pair["mentor"].client.get(f"/entries/{entry.id}").status_code == 404
    page = pair["mentor"].client.get(f"/pairs/{pair['pair']}/sessions/").get_data(as_text=True)
    assert "Eve Executive has written theirs" in page and "Changed my mind" not in page


def test_a_check_in_must_say_something_and_keeps_what_was_typed(app, pair):
    meeting_id = past_meeting(app, pair["pair"], status="held")
    url = checkin_url(pair["pair"], meeting_id)
    empty = pair["mentor"].post(
        url, {"f_checkin_date": "2026-11-30", "f_who": "Mentor", "action": "draft"}, page=url
    )
    assert empty.status_code == 400
    assert "Nothing to save yet" in empty.get_data(as_text=True)
    missing = pair["mentor"].post(
        url, {"f_would_change": "Start on time.", "action": "save"}, page=url
    )
    html = missing.get_data(as_text=True)
    assert missing.status_code == 400 and "Please fill in “What I learned" in html
    assert "Start on time." in html
    with app.app_context():
        assert db.session.scalar(select(TemplateEntry)) is None


def test_no_check_in_before_the_session_is_held(app, pair):
    meeting_id = past_meeting(app, pair["pair"])
    response = pair["mentor"].client.get(checkin_url(pair["pair"], meeting_id))
    assert response.status_code == 302 and response.location.endswith("/sessions/")


def test_a_check_in_typed_after_being_logged_out_comes_back(app, pair):
    meeting_id = past_meeting(app, pair["pair"], status="held")
    url = checkin_url(pair["pair"], meeting_id)
    token = csrf_token(pair["mentor"].client, url)
    elsewhere = AuthActions(app.test_client())
    elsewhere.login(email="mia@example.com")
    elsewhere.logout()
    typed = "I held back on the hiring page; next time I say it plainly."
    response = pair["mentor"].client.post(
        url,
        data={"csrf_token": token, **ANSWERS, "f_learned": typed},
        headers={"Origin": "http://localhost", "Referer": f"http://localhost{url}"},
    )
    assert response.status_code == 302 and "/account/login" in response.location
    assert pair["mentor"].login(email="mia@example.com", next=url).location == url
    html = pair["mentor"].client.get(url).get_data(as_text=True)
    assert typed in html and 'data-unsaved="restored"' in html
    with app.app_context():
        assert db.session.scalar(select(TemplateEntry)) is None


# Calendars ------------------------------------------------------------------------------------


def test_the_ics_download_has_a_stable_uid_sequence_status_and_time_zone(app, pair):
    day = soon()
    book(
        pair["executive"],
        pair["pair"],
        day=day.isoformat(),
        at="10:00",
        location="https://meet.example.com/x",
    )
    [meeting] = meetings(app)
    url = f"/pairs/{pair['pair']}/sessions/{meeting.id}.ics"
    response = pair["mentor"].client.get(url)
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.data)
    assert calendar["METHOD"] == "PUBLISH"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == [NEW_YORK]
    [event] = parse(response.data)
    assert str(event["UID"]) == meeting.uid and event["SEQUENCE"] == 0
    starts = event.decoded("DTSTART")
    assert starts.tzinfo is not None and starts == meeting.starts_at
    assert event.decoded("DTEND") - starts == timedelta(minutes=45)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Mentoring session with Eve Executive"
    assert str(event["LOCATION"]) == "https://meet.example.com/x"
    # Moved: same UID, higher SEQUENCE, new time.
    move = f"/pairs/{pair['pair']}/sessions/{meeting.id}/move"
    pair["mentor"].post(move, {"day": day.isoformat(), "at": "18:00"}, page=move)
    [moved] = parse(pair["mentor"].client.get(url).data)
    assert str(moved["UID"]) == meeting.uid and moved["SEQUENCE"] == 1
    assert moved.decoded("DTSTART").astimezone(ZoneInfo(LONDON)).strftime("%H:%M") == "18:00"
    # Cancelled: same UID, higher SEQUENCE, STATUS:CANCELLED.
    cancel = f"/pairs/{pair['pair']}/sessions/{meeting.id}/cancel"
    post(pair["executive"], cancel, page=cancel)
    [cancelled] = parse(pair["executive"].client.get(url).data)
    assert str(cancelled["UID"]) == meeting.uid and cancelled["SEQUENCE"] == 2
    assert str(cancelled["STATUS"]) == "CANCELLED"


def feed_address(browser: AuthActions) -> str:
    page = browser.client.get("/calendar/").get_data(as_text=True)
    match = re.search(r'value="http://127\.0\.0\.1:5000(/calendar/[^"]+\.ics)"', page)
    return match.group(1) if match else ""


def test_the_private_feed_carries_my_sessions_and_a_new_address_revokes_the_old(app, pair):
    book(pair["executive"], pair["pair"], at="10:00")
    cancelled_id = past_meeting(app, pair["pair"], hours_ago=5, status="cancelled")
    assert feed_address(pair["mentor"]) == ""
    post(pair["mentor"], "/calendar/address")
    old = feed_address(pair["mentor"])
    assert old
    anonymous = app.test_client()  # a calendar app has no session
    response = anonymous.get(old)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = {str(e["UID"]): e for e in parse(response.data)}
    assert set(events) == {m.uid for m in meetings(app)}
    cancelled = next(m for m in meetings(app) if m.id == cancelled_id)
    assert str(events[cancelled.uid]["STATUS"]) == "CANCELLED"
    assert b"Changed my mind" not in response.data
    post(pair["mentor"], "/calendar/address")
    new = feed_address(pair["mentor"])
    assert new != old
    assert anonymous.get(old).status_code == 404
    assert anonymous.get(new).status_code == 200
    assert anonymous.get("/calendar/not-a-real-secret.ics").status_code == 404
    # The stranger's feed carries none of this pair's sessions.
    post(pair["stranger"], "/calendar/address")
    assert parse(anonymous.get(feed_address(pair["stranger"])).data) == []


def test_a_feed_stops_for_a_deactivated_person_and_shows_ended_pairs_sessions_cancelled(app, pair):
    book(pair["mentor"], pair["pair"])
    post(pair["executive"], "/calendar/address")
    address = feed_address(pair["executive"])
    with app.app_context():
        db.session.execute(update(Pair).values(status="ended", ended_at=utcnow()))
        db.session.commit()
    [event] = parse(app.test_client().get(address).data)
    assert str(event["STATUS"]) == "CANCELLED"
    with app.app_context():
        user = db.session.get(User, user_id(app, "eve@example.com"))
        user.deactivated_at = utcnow()
        db.session.commit()
        assert db.session.scalar(select(CalendarFeed)) is not None
    assert app.test_client().get(address).status_code == 404


def test_the_panel_for_the_pair_page_shows_the_next_session_and_what_to_close(app, pair):
    from flask import render_template_string

    book(pair["mentor"], pair["pair"], location="https://meet.example.com/abc")
    past_meeting(app, pair["pair"])
    with app.test_request_context(f"/pairs/{pair['pair']}"):
        found = db.session.get(Pair, pair["pair"])
        viewer = db.session.get(User, user_id(app, "eve@example.com"))
        html = render_template_string(
            '{% include "pairs/_sessions.html" %}', pair=found, viewer=viewer
        )
    assert "Did this session happen?" in html and "We met" in html
    assert "Next session:" in html and 'href="https://meet.example.com/abc"' in html
    assert 'name="next" value="/pairs/' in html


def test_a_shared_check_in_is_shared_in_this_pair_only(app, pair):
    meeting_id = past_meeting(app, pair["pair"], status="held")
    url = checkin_url(pair["pair"], meeting_id)
    form = pair["executive"].client.get(url).get_data(as_text=True)
    assert "Share with Mia Mentor, my mentoring partner" in form
    token = csrf_token(pair["executive"].client, url)
    data = {"csrf_token": token, **ANSWERS, "share_with": str(pair["pair"])}
    assert pair["executive"].client.post(url, data=data).status_code == 302
    with app.app_context():
        entry_id, pair_id = db.session.execute(select(PairShare.entry_id, PairShare.pair_id)).one()
    assert pair_id == pair["pair"]
    assert pair["mentor"].client.get(f"/entries/{entry_id}").status_code == 200


def test_the_sessions_panel_renders_for_partners_only_whoever_includes_it(app, pair):
    from flask import render_template

    book(pair["mentor"], pair["pair"])
    with app.test_request_context():
        found = db.session.get(Pair, pair["pair"])
        people = {
            email: db.session.get(User, user_id(app, email))
            for email in ("mia@example.com", "sam@example.com")
        }
        shown = render_template(
            "pairs/_sessions.html", pair=found, viewer=people["mia@example.com"]
        )
        hidden = render_template(
            "pairs/_sessions.html", pair=found, viewer=people["sam@example.com"]
        )
    assert "Sessions" in shown
    assert hidden.strip() == ""
