"""Sessions in a real browser: book with the keyboard in your own zone, see it in your partner's,
mark it held, write the check-in, get a calendar address; axe-core on every sessions page."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MIA, EVE = "mia.sessions@example.com", "eve.sessions@example.com"


def arrange_pair(database) -> int:
    """Pair Mia and Eve, and put Eve in New York: no page makes pairs with a time zone yet."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    with closing(sqlite3.connect(database)) as db, db:
        ids = dict(db.execute("SELECT email, id FROM users WHERE email IN (?, ?)", (MIA, EVE)))
        db.execute(
            "INSERT INTO profiles (user_id, department, level_band, time_zone, availability,"
            " manager_email, updated_at) VALUES (?, '', '', 'America/New_York', '[]', '', ?)",
            (ids[EVE], now),
        )
        cursor = db.execute(
            "INSERT INTO pairs (mentor_id, executive_id, status, cadence_days, reasons,"
            " created_at, started_at) VALUES (?, ?, 'active', 14, '[]', ?, ?)",
            (ids[MIA], ids[EVE], now, now),
        )
        return cursor.lastrowid or 0


def backdate_sessions(database, hours: int) -> None:
    """Move every session into the past, as time would."""
    when = (datetime.now(UTC) - timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M:%S.%f")
    with closing(sqlite3.connect(database)) as db, db:
        db.execute("UPDATE meetings SET starts_at = ?", (when,))


def test_booking_marking_held_and_checking_in(site, axe, screenshot) -> None:
    mia, eve = site.context().new_page(), site.context().new_page()
    site.register(mia, "Mia Mentor", MIA, "mentor")
    site.register(eve, "Eve Executive", EVE, "executive")
    pair_id = arrange_pair(site.server.database)
    sessions = f"/pairs/{pair_id}/sessions/"

    eve.goto(sessions)
    expect(eve.get_by_role("heading", name="Sessions with Mia Mentor")).to_be_visible()
    assert axe.violations(eve) == []
    day = (datetime.now(UTC) + timedelta(days=9)).date()
    form = eve.locator("form", has=eve.get_by_role("button", name="Book this session"))
    form.get_by_label("Date").fill(day.isoformat())
    form.get_by_label("Start time").fill("09:30")
    form.get_by_label("Where").fill("https://meet.example.com/mia-eve")
    form.get_by_label("Where").press("Enter")  # the keyboard books it
    expect(eve.get_by_text(re.compile(r"^Booked for "))).to_be_visible()
    expect(eve.get_by_text("09:30–10:15")).to_be_visible()

    mia.goto(sessions)  # Mia has no profile: she reads it in UTC, with Eve's time beside it
    expect(mia.get_by_text("09:30 for Eve Executive (America/New_York)")).to_be_visible()
    expect(mia.get_by_role("link", name=re.compile("^Join the call"))).to_be_visible()
    screenshot(mia, "sessions")

    backdate_sessions(site.server.database, hours=2)
    mia.goto(sessions)
    mia.get_by_role("button", name=re.compile("^We met")).click()
    expect(
        mia.get_by_role("heading", name=re.compile("^Your check-in after the session"))
    ).to_be_visible()
    assert axe.violations(mia) == []
    mia.get_by_label("What I learned in the last two weeks").fill("Eve reads every comment.")
    mia.get_by_role("button", name="Save", exact=True).click()
    expect(mia.get_by_text("Check-in saved.")).to_be_visible()

    eve.goto(sessions)
    expect(eve.get_by_text("Marked held by Mia Mentor")).to_be_visible()
    expect(eve.get_by_text("Mia Mentor has written theirs")).to_be_visible()
    expect(eve.get_by_text("Eve reads every comment.")).to_have_count(0)
    screenshot(eve, "sessions-after-check-in")


def test_the_calendar_page_gives_an_address_and_replaces_it(site, axe, screenshot) -> None:
    page = site.context().new_page()
    site.register(page, "Cal Endar", "cal.sessions@example.com", "mentor")
    page.goto("/calendar/")
    assert axe.violations(page) == []
    page.get_by_role("button", name="Make my calendar address").click()
    screenshot(page, "calendar-address")
    address = page.get_by_label(re.compile("^Copy this address")).input_value()
    assert re.search(r"/calendar/[\w-]{40,}\.ics$", address)
    assert axe.violations(page) == []
    page.get_by_role("button", name="Make a new address").click()
    expect(page.get_by_text("The old one has stopped working")).to_be_visible()
    assert page.get_by_label(re.compile("^Copy this address")).input_value() != address
