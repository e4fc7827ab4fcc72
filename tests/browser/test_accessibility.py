"""Every page type passes axe-core at WCAG 2.1 A and AA, in light and dark; focus basics hold."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.helpers import DRAFT_STEP, arrange_cohort

pytestmark = pytest.mark.browser

STEP = "mentor-why-reverse-mentoring"
STEP_URL = f"/pathways/mentor/steps/{STEP}"
WRONG, RIGHT = 0, 2  # the first check's options as the author wrote them (shown shuffled)
RESOURCE = "radical-candor"
MENTOR_EMAIL = "maya.a11y@example.com"
EXECUTIVE_EMAIL = "graham.a11y@example.com"
AUTHOR_EMAIL = "ada.a11y@example.com"
WAITING_EMAIL = "wes.a11y@example.com"


@dataclass
class People:
    """An author (also a program lead and admin) with some history, and a visitor."""

    author: Page
    visitor: Page
    entry_url: str
    mentor: Page
    """Maya, with a match proposed to her."""
    matching_url: str


def arrange_history(page: Page, database: Path) -> tuple[str, str]:
    """Answer, reflect, complete, fill in a template, match people; return two URLs.

    The URLs are the filled-in entry's and the cohort's matching page.
    """
    page.goto(STEP_URL)
    check = page.locator("section.check")
    check.locator(f"input[value='{RIGHT}']").check()
    check.get_by_role("button").click()
    expect(check.locator(".feedback")).to_be_visible()
    page.get_by_label("Your private note").fill("Sounding junior.")
    page.get_by_role("button", name="Save note").click()
    expect(page.locator(".flash")).to_be_visible()
    page.get_by_role("button", name="Mark complete and continue").click()
    expect(page).not_to_have_url(re.compile(STEP))

    page.goto("/templates/biweekly-checkin")
    page.get_by_label("Date", exact=True).fill("2026-11-21")
    page.get_by_role("radio", name="Mentor", exact=True).check()
    page.get_by_label("What I learned").fill("Short videos beat long decks.")
    page.get_by_label("What I would change").fill("Start with the loop list.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash")).to_have_text("Saved.")
    entry_url = page.url

    page.goto(f"/resources/{RESOURCE}")
    page.get_by_role("radio").nth(3).check()
    page.get_by_role("button", name="Rate").click()
    expect(page.locator(".flash")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Bookmark")).click()
    expect(page.get_by_role("button", name=re.compile("^Remove bookmark"))).to_be_visible()

    cohort_id = arrange_cohort(
        database,
        "Accessible cohort",
        [
            (MENTOR_EMAIL, "mentor", ["TikTok for B2C"]),
            (EXECUTIVE_EMAIL, "executive", ["TikTok for B2C", "podcasting"]),
            (WAITING_EMAIL, "executive", ["data"]),
        ],
    )
    matching_url = f"/program/cohorts/{cohort_id}/matching"
    page.goto(matching_url)
    page.get_by_label("Mentor for Wes Waiting").select_option("Not now")
    page.get_by_role("button", name="Propose these pairs").click()
    expect(page.locator(".flash")).to_contain_text("Proposed 1 pair.")
    return entry_url, matching_url


def pretend_step_changed(database: Path, email: str, step_id: str) -> None:
    """Record the person's completion against an older text of the step, as after an edit."""
    with closing(sqlite3.connect(database)) as db, db:
        (text,) = db.execute(
            "SELECT text FROM step_versions WHERE step_id = ? ORDER BY first_seen DESC LIMIT 1",
            (step_id,),
        ).fetchone()
        lines = text.splitlines()
        older = "\n".join(lines[:3] + ["A paragraph the authors have since removed."] + lines[4:])
        db.execute(
            "INSERT INTO step_versions (step_id, version, text, first_seen) VALUES (?, ?, ?, ?)",
            (step_id, "older", older, "2025-01-01 00:00:00.000000"),
        )
        db.execute(
            "UPDATE completions SET version = 'older' WHERE step_id = ? "
            "AND user_id = (SELECT id FROM users WHERE email = ?)",
            (step_id, email),
        )


@pytest.fixture(scope="module")
def people(site) -> People:
    mentor = site.context().new_page()
    site.register(mentor, "Maya Mentor", MENTOR_EMAIL, "mentor")
    site.register(site.context().new_page(), "Graham Exec", EXECUTIVE_EMAIL, "executive")
    site.register(site.context().new_page(), "Wes Waiting", WAITING_EMAIL, "executive")
    site.create_author(AUTHOR_EMAIL, "Ada Author")
    author = site.context().new_page()
    site.login(author, AUTHOR_EMAIL)
    entry_url, matching_url = arrange_history(author, site.server.database)
    pretend_step_changed(site.server.database, AUTHOR_EMAIL, STEP)
    return People(
        author=author,
        visitor=site.context().new_page(),
        entry_url=entry_url,
        mentor=mentor,
        matching_url=matching_url,
    )


def register_with_errors(page: Page) -> None:
    page.goto("/account/register")
    page.get_by_label("Work email").fill("not an email")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".error").first).to_be_visible()


def login_with_errors(page: Page) -> None:
    page.goto("/account/login")
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".error")).to_be_visible()


def step_answered_wrongly(page: Page) -> None:
    page.goto(STEP_URL)
    check = page.locator("section.check")
    check.locator(f"input[value='{WRONG}']").check()
    check.get_by_role("button").click()
    expect(check.locator(".feedback-wrong")).to_be_visible()


def step_answered_and_reflected(page: Page) -> None:
    page.goto(STEP_URL)
    check = page.locator("section.check")
    check.locator(f"input[value='{RIGHT}']").check()
    check.get_by_role("button").click()
    expect(check.locator(".feedback-right")).to_be_visible()
    page.get_by_role("button", name="Save note").click()
    expect(page.locator(".flash-success")).to_be_visible()


def template_with_errors(page: Page) -> None:
    page.goto("/templates/biweekly-checkin")
    # Skip the browser's own checks, as an older browser would, to see the server's messages.
    page.locator("form.entry-form").evaluate("form => { form.noValidate = true; }")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()


# Each page type: who looks at it, and how to get there (a URL, or steps to take).
def end_confirmation(page: Page) -> None:
    page.goto("/program/pairs")
    page.get_by_role("link", name=re.compile("^Withdraw…")).first.click()
    expect(page.get_by_role("heading", name="Withdraw this proposal?")).to_be_visible()


def decline_confirmation(page: Page) -> None:
    page.goto("/pairs/proposals")
    page.get_by_role("link", name=re.compile("^Decline…")).first.click()
    expect(page.get_by_role("heading", name=re.compile("^Decline the match"))).to_be_visible()


PAGES: dict[str, tuple[str, str | Callable[[Page], None]]] = {
    "home": ("visitor", "/"),
    "register": ("visitor", "/account/register"),
    "register with errors": ("visitor", register_with_errors),
    "login": ("visitor", "/account/login"),
    "login with errors": ("visitor", login_with_errors),
    "step, logged out": ("visitor", STEP_URL),
    "404": ("visitor", "/no/such/page"),
    "home, logged in": ("author", "/"),
    "dashboard": ("author", "/dashboard"),
    "pathway": ("author", "/pathways/mentor"),
    "pathway with a draft": ("author", "/pathways/program"),
    "step, answered wrongly": ("author", step_answered_wrongly),
    "step, answered and reflected": ("author", step_answered_and_reflected),
    "draft step": ("author", f"/pathways/program/steps/{DRAFT_STEP}"),
    "check results": ("author", "/pathways/mentor/checks"),
    "changes": ("author", f"/steps/{STEP}/changes?pathway=mentor"),
    "reset confirmation": ("author", "/pathways/mentor/reset"),
    "account": ("author", "/account/"),
    "authors": ("author", "/authors/"),
    "templates": ("author", "/templates/"),
    "template form": ("author", "/templates/biweekly-checkin"),
    "template form with errors": ("author", template_with_errors),
    "filled-in entry": ("author", "{entry}"),
    "entry edit": ("author", "{entry}/edit"),
    "entry delete confirmation": ("author", "{entry}/delete"),
    "resources": ("author", "/resources/"),
    "resources, bookmarked only": ("author", "/resources/?bookmarked=y"),
    "resource detail": ("author", f"/resources/{RESOURCE}"),
    "search results": ("author", "/search?q=feedback"),
    "search, no results": ("author", "/search?q=zzzqqq"),
    "program pairs": ("author", "/program/pairs"),
    "cohort matching": ("author", "{matching}"),
    "pair end confirmation": ("author", end_confirmation),
    "proposed matches": ("mentor", "/pairs/proposals"),
    "dashboard with a proposed match": ("mentor", "/dashboard"),
    "decline confirmation": ("mentor", decline_confirmation),
    "program dashboard": ("author", "/reports/"),
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_axe_violations(axe, people: People, name: str, scheme: str) -> None:
    who, target = PAGES[name]
    page = {"author": people.author, "mentor": people.mentor}.get(who, people.visitor)
    page.emulate_media(color_scheme=scheme)
    if callable(target):
        target(page)
    else:
        response = page.goto(target.format(entry=people.entry_url, matching=people.matching_url))
        assert response is not None
        assert response.status == (404 if name == "404" else 200), page.url
    axe.assert_clean(page, f"{name} ({scheme})")


def test_changes_page_shows_a_diff(people: People) -> None:
    page = people.author
    page.goto(STEP_URL)
    page.get_by_role("link", name="See what changed").click()
    expect(page.locator(".diff .diff-removed")).to_contain_text(
        "A paragraph the authors have since removed."
    )


def test_first_tab_reaches_the_skip_link_and_it_moves_focus_to_main(people: People) -> None:
    page = people.visitor
    for url in ("/", STEP_URL, "/resources/"):
        page.goto(url)
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Skip to content")
        expect(skip).to_be_focused()
        expect(skip).to_be_in_viewport()
        page.keyboard.press("Enter")
        expect(page.locator("main#main")).to_be_focused()
        # The next Tab lands inside the main content, not back in the header.
        page.keyboard.press("Tab")
        assert page.evaluate(
            "() => document.querySelector('main').contains(document.activeElement)"
        )


def test_every_tab_stop_shows_where_focus_is(people: People) -> None:
    page = people.visitor
    page.goto("/account/login")
    for _ in range(14):
        page.keyboard.press("Tab")
        focus = page.evaluate(
            """() => {
                const e = document.activeElement, style = getComputedStyle(e);
                return {what: e.outerHTML.slice(0, 80), style: style.outlineStyle,
                        width: parseFloat(style.outlineWidth)};
            }"""
        )
        assert focus["style"] != "none" and focus["width"] >= 2, f"no visible focus: {focus}"
