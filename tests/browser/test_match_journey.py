"""Matching in Chromium, by keyboard: the lead proposes, one partner accepts, one declines."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.helpers import arrange_cohort

pytestmark = pytest.mark.browser

LEAD = "lena.match@example.com"
MENTOR = "tomas.match@example.com"
EXECUTIVE = "diane.match@example.com"


def is_focused(target: Locator) -> bool:
    return target.evaluate("element => element === document.activeElement")


def press_enter_on(page: Page, target: Locator, limit: int = 150) -> None:
    """Tab to a control, as a keyboard user would, and press Enter on it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(target):
            page.keyboard.press("Enter")
            return
    raise AssertionError(f"{limit} presses of Tab never reached {target}")


def test_a_match_proposed_accepted_by_one_and_declined_by_the_other(site) -> None:
    mentor, executive = site.context().new_page(), site.context().new_page()
    site.register(mentor, "Tomás Ruiz", MENTOR, "mentor")
    site.register(executive, "Diane Okafor", EXECUTIVE, "executive")
    site.create_author(LEAD, "Lena Lead")
    lead = site.context().new_page()
    site.login(lead, LEAD)
    cohort_id = arrange_cohort(
        site.server.database,
        "Keyboard cohort",
        [
            (MENTOR, "mentor", ["social media for B2C"]),
            (EXECUTIVE, "executive", ["social media for B2C"]),
        ],
    )

    lead.goto(f"/program/cohorts/{cohort_id}/matching")
    expect(lead.get_by_text("Diane wants social media for B2C; Tomás coaches it.")).to_be_visible()
    press_enter_on(lead, lead.get_by_role("button", name="Propose these pairs"))
    expect(lead.locator(".flash")).to_contain_text("Proposed 1 pair.")
    expect(lead.get_by_text("Waiting for Tomás Ruiz and Diane Okafor to accept.")).to_be_visible()

    mentor.goto("/dashboard")
    press_enter_on(mentor, mentor.get_by_role("link", name="See why, and accept or decline"))
    expect(mentor).to_have_url(re.compile("/pairs/proposals$"))
    press_enter_on(mentor, mentor.get_by_role("button", name=re.compile("^Accept")))
    expect(mentor.locator(".flash")).to_contain_text("Now it's Diane Okafor's turn to answer.")

    executive.goto("/pairs/proposals")
    expect(executive.get_by_text("Tomás Ruiz has accepted already.")).to_be_visible()
    press_enter_on(executive, executive.get_by_role("link", name=re.compile("^Decline")))
    expect(
        executive.get_by_role("heading", name="Decline the match with Tomás Ruiz?")
    ).to_be_visible()
    press_enter_on(executive, executive.get_by_role("button", name="Yes, decline"))
    expect(executive.locator(".flash")).to_contain_text("You declined the match with Tomás Ruiz.")

    lead.goto(f"/program/cohorts/{cohort_id}/pairs")
    expect(lead.get_by_text(re.compile("^Declined by Diane Okafor"))).to_be_visible()
