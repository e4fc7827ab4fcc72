"""Unsaved text in Chromium: the leave-page warning, "Mark complete" saving a reflection, and
text typed after the session ended elsewhere coming back after logging in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.helpers import ROOT
from upward.content import Reflection, load_library

pytestmark = pytest.mark.browser


def step_with_reflection() -> tuple[str, str]:
    """Return the URL of a shipped step with a reflection that has a next step, and its id."""
    library = load_library(ROOT / "content", ROOT / "pathways")
    for pathway in library.visible_pathways():
        steps = library.steps(pathway)
        for page in steps[:-1]:
            for block in page.blocks:
                if isinstance(block, Reflection):
                    return f"/pathways/{pathway.id}/steps/{page.id}", block.id
    raise AssertionError("no shipped step has a reflection and a next step")


def test_leaving_with_unsaved_text_warns_and_mark_complete_saves_it(site) -> None:
    url, prompt = step_with_reflection()
    page = site.context().new_page()
    site.register(page, "Una Saved", "una@example.com", "executive")
    page.goto(url)
    box = page.locator(f"#{prompt}-text")
    box.fill("What I would have lost")
    dialogs: list[str] = []

    def stay(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    expect(page).to_have_url(site.url + url)
    page.remove_listener("dialog", stay)
    page.get_by_role("button", name="Mark complete").click()
    expect(page).not_to_have_url(site.url + url)
    page.goto(url)
    expect(page.locator(f"#{prompt}-text")).to_have_value("What I would have lost")


def test_text_typed_after_being_logged_out_elsewhere_is_kept(site) -> None:
    url, prompt = step_with_reflection()
    laptop = site.context().new_page()
    site.register(laptop, "Kim Kept", "kim@example.com", "executive")
    laptop.goto(url)
    phone = site.context(phone=True).new_page()
    site.login(phone, "kim@example.com")
    phone.get_by_role("button", name="Log out").click()  # ends every session
    laptop.locator(f"#{prompt}-text").fill("Typed after the phone logged out")
    laptop.locator(f"#{prompt}").get_by_role("button", name="Save note").click()
    expect(laptop.get_by_text("what you typed will be back on the page")).to_be_visible()
    laptop.get_by_label("Email").fill("kim@example.com")
    laptop.get_by_label("Password").fill(site.password)
    laptop.get_by_role("button", name="Log in").click()
    expect(laptop).to_have_url(f"{site.url}{url}#{prompt}")
    expect(laptop.locator(f"#{prompt}-text")).to_have_value("Typed after the phone logged out")
    expect(laptop.get_by_text("Here is what you typed")).to_be_visible()
    laptop.locator(f"#{prompt}").get_by_role("button", name="Save note").click()
    expect(laptop.get_by_text("Your note is saved")).to_be_visible()
