"""The pair space in a real browser: from the dashboard to an agreed agreement, accessibly."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

MENTOR_EMAIL = "tomas.pair@example.com"
EXECUTIVE_EMAIL = "diane.pair@example.com"


def make_pair(database: Path) -> int:
    """Pair the two people, as a lead's accepted match leaves them (no form reaches it here)."""
    with closing(sqlite3.connect(database)) as db, db:
        ids = dict(
            db.execute(
                "SELECT email, id FROM users WHERE email IN (?, ?)", (MENTOR_EMAIL, EXECUTIVE_EMAIL)
            ).fetchall()
        )
        cursor = db.execute(
            "INSERT INTO pairs (mentor_id, executive_id, status, cadence_days, reasons, "
            "created_at, started_at) VALUES (?, ?, 'active', 14, '[]', datetime('now'), "
            "datetime('now'))",
            (ids[MENTOR_EMAIL], ids[EXECUTIVE_EMAIL]),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid


def count_actions(database: Path) -> int:
    with closing(sqlite3.connect(database)) as db:
        return db.execute("SELECT count(*) FROM action_items").fetchone()[0]


@pytest.fixture(scope="module")
def partners(site) -> tuple[Page, Page]:
    mentor = site.context().new_page()
    site.register(mentor, "Tomás Mentor", MENTOR_EMAIL, "mentor")
    executive = site.context().new_page()
    site.register(executive, "Diane Exec", EXECUTIVE_EMAIL, "executive")
    make_pair(site.server.database)
    return mentor, executive


def test_partners_write_and_agree_an_agreement_and_share_action_items(site, partners, axe) -> None:
    mentor, executive = partners
    mentor.goto("/dashboard")
    mentor.get_by_role("link", name="You and Diane Exec").click()
    expect(mentor.get_by_role("heading", level=1)).to_have_text("You and Diane Exec")
    axe.assert_clean(mentor, "pair page, new")

    mentor.get_by_role("link", name="Write your agreement").click()
    axe.assert_clean(mentor, "agreement form")
    mentor.get_by_label("Our goals").fill("Diane posts weekly on LinkedIn by March.")
    mentor.get_by_label("Marketing and social media").check()
    mentor.get_by_label("How often we meet").select_option(label="Every two weeks")
    mentor.get_by_label("What stays between us").fill("Nothing leaves the room.")
    mentor.get_by_role("button", name="Save the agreement").click()
    expect(mentor.locator(".flash")).to_contain_text("Agreement saved")
    mentor.get_by_role("button", name="I agree").click()
    expect(mentor.locator(".flash")).to_contain_text("You agreed")

    # The executive opens the form, the mentor changes it meanwhile: a conflict, not a loss.
    executive.goto("/dashboard")
    executive.get_by_role("link", name="You and Tomás Mentor").click()
    executive.get_by_role("link", name="Change the agreement").click()
    executive.get_by_label("Our goals").fill("Diane's own goals, typed slowly.")
    mentor.get_by_role("link", name="Change the agreement").click()
    mentor.get_by_label("Scope: in and out of bounds").fill("Public posts only.")
    mentor.get_by_role("button", name="Save the agreement").click()
    executive.get_by_role("button", name="Save the agreement").click()
    expect(executive.get_by_role("alert")).to_contain_text("Tomás Mentor saved the agreement")
    expect(executive.get_by_label("Our goals")).to_have_value("Diane's own goals, typed slowly.")
    axe.assert_clean(executive, "agreement conflict")
    executive.get_by_role("button", name="Save the agreement").click()
    executive.get_by_role("button", name="I agree").click()
    expect(executive.locator(".agreement-status")).to_contain_text("You: agreed")

    # A double click on "Add action item" adds one.
    executive.get_by_label("What", exact=True).fill("Post one short video")
    before = count_actions(site.server.database)
    executive.get_by_role("button", name="Add action item").dblclick()
    expect(executive.locator(".action-items")).to_contain_text("Post one short video")
    assert count_actions(site.server.database) == before + 1
    executive.locator(".action-items").get_by_role(
        "button", name=re.compile(r"^Mark done.*Post one short video")
    ).click()
    expect(executive.locator(".action-items")).to_contain_text("Done")
    axe.assert_clean(executive, "pair page, in use")
    executive.emulate_media(color_scheme="dark")
    axe.assert_clean(executive, "pair page, in use (dark)")
