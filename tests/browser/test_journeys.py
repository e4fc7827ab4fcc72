"""Journeys in Chromium: a mentor (keyboard only), an executive (on a phone), an author."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.helpers import DRAFT_PATH, DRAFT_STEP

pytestmark = pytest.mark.browser

MENTOR_STEPS = 11
EXECUTIVE_STEPS = 11


def is_focused(target: Locator) -> bool:
    return target.evaluate("element => element === document.activeElement")


def tab_to(page: Page, target: Locator, limit: int = 120) -> None:
    """Press Tab until the target has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(target):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {target}")


def skip_to_main(page: Page) -> None:
    """Use the skip link: the first Tab stop on every page."""
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert is_focused(skip), "the first Tab stop should be the skip link"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def register_with_keyboard(page: Page, name: str, email: str, password: str) -> None:
    """Fill in the registration form as a mentor without touching the mouse."""
    page.goto("/account/register")
    skip_to_main(page)
    for label, text in (
        ("Your name", name),
        ("Work email", email),
        ("Password", password),
        ("Repeat the password", password),
    ):
        tab_to(page, page.get_by_label(label, exact=True))
        page.keyboard.type(text)
    mentor = page.get_by_role("radio", name=re.compile("^Mentor"))
    tab_to(page, mentor)
    page.keyboard.press("Space")
    expect(mentor).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Create account"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/dashboard(#main)?$"))


def answer_check_with_keyboard(page: Page, check: Locator, wrong: int, right: int) -> None:
    """Answer wrongly, read the feedback, then answer rightly: radios move with the arrow keys.

    wrong and right are options as the author wrote them (the radios' values); the site shows
    them in a shuffled order, so their positions on the page are looked up first.
    """
    for value, verdict in ((wrong, "Not quite"), (right, "That’s the strongest answer")):
        radios = check.get_by_role("radio")
        shown = radios.evaluate_all("radios => radios.map(r => r.value)")
        choice = shown.index(str(value))
        checked = check.locator("input:checked")
        tab_to(page, checked if checked.count() else radios.first)
        current = shown.index(page.evaluate("() => document.activeElement.value"))
        key = "ArrowDown" if choice > current else "ArrowUp"
        for _ in range(abs(choice - current)):
            page.keyboard.press(key)
        if choice == current:
            page.keyboard.press("Space")
        expect(radios.nth(choice)).to_be_checked()
        tab_to(page, check.get_by_role("button"))
        page.keyboard.press("Enter")
        expect(check.locator(".feedback-verdict")).to_contain_text(verdict)
        expect(check.locator(f"input[value='{value}']")).to_be_checked()


def test_mentor_follows_the_pathway_with_the_keyboard_alone(site, screenshot) -> None:
    page = site.context().new_page()
    register_with_keyboard(page, "Maya Mentor", "maya@example.com", site.password)
    expect(page.locator(".flash")).to_contain_text("Welcome to Upward, Maya Mentor")
    first_track = page.locator(".track").first
    expect(first_track.get_by_role("heading")).to_contain_text("Mentor")
    expect(first_track.locator(".progress-text")).to_have_text(f"0 of {MENTOR_STEPS} steps")

    # Redirects keep the #main the skip link added, so Tab starts inside the main content.
    tab_to(page, first_track.get_by_role("link", name=re.compile("^Start")))
    page.keyboard.press("Enter")
    expect(page).to_have_url(
        re.compile(r"/pathways/mentor/steps/mentor-why-reverse-mentoring(#main)?$")
    )

    # The first step has a knowledge check and a reflection prompt.
    answer_check_with_keyboard(page, page.locator("section.check"), wrong=0, right=2)
    note = page.get_by_label("Your private note")
    tab_to(page, note)
    page.keyboard.type("Sounding junior in front of someone who signs off on my team's budget.")
    tab_to(page, page.get_by_role("button", name="Save note"))
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_contain_text("Your note is saved")
    expect(page.get_by_label("Your private note")).to_have_value(re.compile("^Sounding junior"))

    for number in range(1, MENTOR_STEPS + 1):
        expect(page.locator(".step .eyebrow")).to_contain_text(f"Step {number} of {MENTOR_STEPS}")
        expect(page.locator(".outline .progress-text")).to_have_text(
            f"{number - 1} of {MENTOR_STEPS} steps"
        )
        last = number == MENTOR_STEPS
        button = page.get_by_role(
            "button", name="Mark complete" if last else "Mark complete and continue"
        )
        tab_to(page, button)
        # Buttons answer to both keys; use each on alternate steps.
        page.keyboard.press("Enter" if number % 2 else "Space")
        if not last:
            expect(page.locator(".step .eyebrow")).to_contain_text(f"Step {number + 1} of")

    expect(page).to_have_url(re.compile(r"/pathways/mentor(#main)?$"))
    expect(page.locator(".flash")).to_contain_text("You finished")
    expect(page.locator(".page-header .progress-text")).to_have_text(
        f"{MENTOR_STEPS} of {MENTOR_STEPS} steps"
    )
    expect(page.locator("progress").first).to_have_attribute("value", str(MENTOR_STEPS))
    expect(page.get_by_text("You have completed this pathway.")).to_be_visible()
    expect(page.locator(".step-item.is-done")).to_have_count(MENTOR_STEPS)
    screenshot(page, "pathway-completed-desktop")

    # A discussion template, filled in and kept.
    page.goto("/templates/")
    page.get_by_role("link", name="Bi-weekly check-in").click()
    page.get_by_label("Date", exact=True).fill("2026-11-21")
    page.get_by_role("radio", name="Mentor", exact=True).check()
    page.get_by_label("What I learned").fill("Graham reads every comment on his LinkedIn posts.")
    page.get_by_label("What I would change").fill("Open with the loop list, not small talk.")
    page.get_by_label("What I will try before the next session").fill("Draft one post together.")
    page.locator("fieldset", has_text="How useful were the last two weeks").get_by_role(
        "radio"
    ).nth(3).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash")).to_have_text("Saved.")
    expect(page.locator(".answers")).to_contain_text("Graham reads every comment")
    title = page.locator("h1").inner_text()

    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator(".track").first.locator(".progress-text")).to_have_text(
        f"{MENTOR_STEPS} of {MENTOR_STEPS} steps"
    )
    expect(page.locator(".track").first.locator(".done-mark")).to_have_text("Completed")
    entries = page.locator("section", has=page.locator("#my-entries"))
    expect(entries.get_by_role("link", name=title)).to_be_visible()
    notes = page.locator("section", has=page.locator("#my-notes"))
    expect(notes).to_contain_text("Sounding junior in front of someone")


def test_executive_learns_on_a_phone(site, screenshot) -> None:
    page = site.context(phone=True).new_page()
    site.register(page, "Graham Exec", "graham@example.com", "executive")
    first_track = page.locator(".track").first
    expect(first_track.get_by_role("heading")).to_contain_text("Executive mentee")
    expect(first_track.locator(".progress-text")).to_have_text(f"0 of {EXECUTIVE_STEPS} steps")
    first_track.get_by_role("link", name=re.compile("^Start")).click()
    expect(page).to_have_url(re.compile(r"/pathways/executive/steps/"))

    check = page.locator("section.check").first
    check.get_by_role("radio").first.check()
    check.get_by_role("button", name="Check my answer").click()
    expect(check.locator(".feedback-verdict")).to_have_text(
        re.compile("That’s the strongest answer|Not quite")
    )

    for number in (1, 2, 3):
        expect(page.locator(".step .eyebrow")).to_contain_text(
            f"Step {number} of {EXECUTIVE_STEPS}"
        )
        page.get_by_role("button", name="Mark complete and continue").click()
    expect(page.locator(".step .eyebrow")).to_contain_text(f"Step 4 of {EXECUTIVE_STEPS}")
    expect(page.locator(".outline .progress-text")).to_have_text(f"3 of {EXECUTIVE_STEPS} steps")
    screenshot(page, "executive-step-4-phone")

    page.goto("/templates/post-session-reflection")
    page.get_by_label("Session date").fill("2026-11-24")
    page.get_by_label("What I heard").fill(
        "My team reads my all-hands emails as orders, not ideas."
    )
    page.get_by_role("radio", name="Surprised").check()
    page.get_by_label("What I will do with it").fill("Ask a question at the end of each email.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash")).to_have_text("Saved.")
    expect(page.locator(".answers")).to_contain_text("orders, not ideas")
    title = page.locator("h1").inner_text()

    page.goto("/dashboard")
    first_track = page.locator(".track").first
    expect(first_track.locator(".progress-text")).to_have_text(f"3 of {EXECUTIVE_STEPS} steps")
    expect(first_track.get_by_role("link", name=re.compile("^Continue"))).to_be_visible()
    expect(page.get_by_role("link", name=title)).to_be_visible()


def test_only_authors_see_drafts(site) -> None:
    learner = site.context().new_page()
    learner.goto("/pathways/program")
    expect(learner.locator(".step-item")).to_have_count(9)
    expect(learner.get_by_text("Draft", exact=True)).to_have_count(0)
    response = learner.goto(f"/pathways/program/steps/{DRAFT_STEP}")
    assert response is not None and response.status == 404
    site.register(learner, "Pat Learner", "pat@example.com", "mentor")
    response = learner.goto("/authors/")
    assert response is not None and response.status == 404

    site.create_author("ada@example.com", "Ada Author")
    author = site.context().new_page()
    site.login(author, "ada@example.com")
    author.goto("/pathways/program")
    expect(author.locator(".step-item")).to_have_count(10)
    draft_item = author.locator(".step-item", has_text="Draft")
    expect(draft_item).to_have_count(1)
    draft_item.get_by_role("link").click()
    expect(author).to_have_url(re.compile(f"/steps/{DRAFT_STEP}$"))
    expect(author.locator("h1 .badge-draft")).to_have_text("Draft")
    expect(author.get_by_text("This step is a draft: only authors can see it.")).to_be_visible()
    draft_title = author.locator("h1#step-title").inner_text().removesuffix("Draft").strip()

    author.goto("/authors/")
    drafts = author.locator("section", has=author.locator("#drafts-heading"))
    expect(drafts.get_by_role("link", name=draft_title)).to_have_attribute(
        "href", f"/steps/{DRAFT_STEP}"
    )
    expect(drafts).to_contain_text(DRAFT_PATH)
