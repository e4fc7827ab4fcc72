"""On a phone between meetings (390 px) and at a desk (1280 px): fit, jumps, header, print, lists.

Screenshots of every page type at both widths go to artifacts/screenshots/ (phone-*.png).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.helpers import PHONE, arrange_cohort, require

pytestmark = pytest.mark.browser

LEAD_EMAIL = "alexandra.phone@example.com"
LEAD_NAME = "Alexandra Konstantinopoulou-Whitfield"
MENTOR_EMAIL = "mo.phone@example.com"
EXECUTIVE_EMAIL = "eve.phone@example.com"
WAITING_EMAIL = "ria.phone@example.com"
TABLE_STEP = "/pathways/executive/steps/exec-first-session"
LONG_STEP = "/pathways/mentor/steps/mentor-sbi"
TEMPLATE = "/templates/biweekly-checkin"
WIDTHS = {"phone": PHONE, "desktop": {"width": 1280, "height": 800}}

# Elements that may clip on purpose: the header's account link shortens a long name with an
# ellipsis (its title has the whole name), the skip link, visually hidden text, and the heading
# row of a table stacked on a phone (hidden the same way: each cell shows its heading instead).
ALLOWED_CLIPS = ".account-link, .visually-hidden, .skip-link, .prose thead tr"
CLIPPING = """(allowed) => {
    const width = document.documentElement.clientWidth;
    const found = [];
    for (const e of document.querySelectorAll('body *')) {
        if (e.closest(allowed)) continue;
        const box = e.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) continue;
        const style = getComputedStyle(e);
        if (style.position === 'fixed' || style.visibility === 'hidden') continue;
        // Off the right (or left) edge of the screen, outside any scrolling box of its own.
        let scroller = e.parentElement;
        while (scroller && !['auto', 'scroll'].includes(getComputedStyle(scroller).overflowX)) {
            scroller = scroller.parentElement;
        }
        if (!scroller && (box.right > width + 1 || box.left < -1)) {
            const where = `${Math.round(box.left)}..${Math.round(box.right)} of ${width}`;
            found.push(`${e.tagName.toLowerCase()}.${e.className} sticks out: ${where}`);
        }
        // Text cut off inside its own box.
        if (['hidden', 'clip'].includes(style.overflowX) && e.scrollWidth > e.clientWidth + 1) {
            found.push(`${e.tagName.toLowerCase()}.${e.className} clips its text`);
        }
    }
    return found.slice(0, 10);
}"""


@dataclass
class People:
    lead: dict[str, Page]
    """A program lead who is also an author and admin, with a long name, at each width."""
    visitor: dict[str, Page]
    entry_url: str
    pair_url: str
    matching_url: str


def fill_checkin(page: Page, learned: str, *, save: str = "Save") -> None:
    page.goto(TEMPLATE)
    page.get_by_label("Date", exact=True).fill("2026-11-21")
    page.get_by_role("radio", name="Mentor", exact=True).check()
    page.get_by_label("What I learned").fill(learned)
    page.get_by_role("button", name=save, exact=True).click()
    expect(page.locator(".flash")).to_contain_text("aved")


@pytest.fixture(scope="module")
def people(site) -> People:
    site.register(site.context().new_page(), "Mo Mentor", MENTOR_EMAIL, "mentor")
    site.register(site.context().new_page(), "Eve Exec", EXECUTIVE_EMAIL, "executive")
    site.create_author(LEAD_EMAIL, LEAD_NAME)
    lead = {}
    for width in WIDTHS:
        page = site.context(phone=width == "phone").new_page()
        site.login(page, LEAD_EMAIL)
        lead[width] = page
    desk = lead["desktop"]
    fill_checkin(desk, "Short videos beat long decks.")
    entry_url = desk.url
    site.register(site.context().new_page(), "Ria Waiting", WAITING_EMAIL, "executive")
    cohort_id = arrange_cohort(
        site.server.database,
        "Phone cohort",
        [
            (MENTOR_EMAIL, "mentor", ["social media for B2C"]),
            (EXECUTIVE_EMAIL, "executive", ["social media for B2C"]),
            (WAITING_EMAIL, "executive", ["podcasting"]),
        ],
    )
    matching_url = f"/program/cohorts/{cohort_id}/matching"
    desk.goto(matching_url)
    desk.get_by_label("Mentor for Ria Waiting").select_option("Not now")
    desk.get_by_role("button", name="Propose these pairs").click()
    expect(desk.locator(".flash")).to_contain_text("Proposed 1 pair.")
    pair_url = desk.get_by_role("link", name=re.compile("^Withdraw…")).first.get_attribute("href")
    visitor = {width: site.context(phone=width == "phone").new_page() for width in WIDTHS}
    return People(lead, visitor, entry_url, pair_url or "", matching_url)


# Every page type, and who looks at it.
PAGE_TYPES = {
    "home": ("visitor", "/"),
    "register": ("visitor", "/account/register"),
    "login": ("visitor", "/account/login"),
    "step-logged-out": ("visitor", TABLE_STEP),
    "not-found": ("visitor", "/no/such/page"),
    "dashboard": ("lead", "/dashboard"),
    "pathway": ("lead", "/pathways/executive"),
    "step-with-table": ("lead", TABLE_STEP),
    "step-long": ("lead", LONG_STEP),
    "step-with-four-columns": ("lead", "/pathways/executive/steps/exec-why-reverse-mentoring"),
    "draft-step": ("lead", "/pathways/program/steps/program-measuring-impact"),
    "reset": ("lead", "/pathways/mentor/reset"),
    "templates": ("lead", "/templates/"),
    "template-form": ("lead", TEMPLATE),
    "entry": ("lead", "{entry}"),
    "entry-edit": ("lead", "{entry}/edit"),
    "entry-delete": ("lead", "{entry}/delete"),
    "resources": ("lead", "/resources/"),
    "resources-page-2": ("lead", "/resources/?page=2"),
    "resource": ("lead", "/resources/radical-candor"),
    "search": ("lead", "/search?q=feedback"),
    "pairs": ("lead", "/program/pairs"),
    "matching": ("lead", "{matching}"),
    "pair-end": ("lead", "{pair}"),
    "report": ("lead", "/reports/"),
    "authors": ("lead", "/authors/"),
    "account": ("lead", "/account/"),
}


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_page_fits_without_clipping_and_passes_axe(
    people: People, axe, screenshot, name: str, width: str
) -> None:
    who, url = PAGE_TYPES[name]
    page = (people.lead if who == "lead" else people.visitor)[width]
    page.emulate_media(color_scheme="light")
    response = page.goto(
        url.format(entry=people.entry_url, pair=people.pair_url, matching=people.matching_url)
    )
    assert response is not None and response.status == (404 if name == "not-found" else 200)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}"
    assert page.evaluate(CLIPPING, ALLOWED_CLIPS) == []
    screenshot(page, f"phone-{name}-{width}")
    axe.assert_clean(page, f"{name} at {width}")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_table_cells_are_whole_and_labelled(people: People, screenshot, width: str) -> None:
    page = people.lead[width]
    page.goto(TABLE_STEP)
    table = page.locator(".prose table").first
    table.scroll_into_view_if_needed()
    screenshot(page, f"phone-table-{width}")
    cells = page.locator(".prose td")
    assert cells.count() >= 12
    for index in range(cells.count()):
        cell = cells.nth(index)
        box = cell.bounding_box()
        assert box is not None and box["x"] + box["width"] <= WIDTHS[width]["width"]
        assert cell.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), cell.inner_text()
    label = page.locator(".prose td .cell-label").first
    if width == "phone":
        expect(label).to_be_visible()
        expect(label).to_have_text("Decision")
        expect(page.locator(".prose thead")).not_to_be_in_viewport()
    else:
        expect(label).to_be_hidden()
        expect(page.locator(".prose thead th").nth(1)).to_be_visible()


def press_tab_until(page: Page, selector: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_fill_it_in_jump_works_with_the_keyboard_on_a_phone(people: People, screenshot) -> None:
    page = people.lead["phone"]
    page.goto(TEMPLATE)
    guidance = page.locator("details.guidance-details")
    expect(guidance).not_to_have_attribute("open", "")  # folded on a phone
    form_top = page.locator("#form-heading").bounding_box()
    assert form_top is not None and form_top["y"] < 900, "the form should start near the top"
    press_tab_until(page, 'a[href="#form-heading"]')
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#form-heading$"))
    expect(page.locator("#form-heading")).to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Title of this copy")).to_be_focused()
    screenshot(page, "phone-jump-fill-it-in")
    # The guidance opens with the keyboard too.
    page.locator("details.guidance-details > summary").focus()
    page.keyboard.press("Enter")
    expect(guidance).to_have_attribute("open", "")


def test_guidance_is_open_beside_the_form_on_a_desktop(people: People) -> None:
    page = people.lead["desktop"]
    page.goto(TEMPLATE)
    expect(page.locator("details.guidance-details")).to_have_attribute("open", "")
    expect(page.get_by_role("link", name="Fill it in")).to_be_hidden()


def test_step_jumps_to_the_outline_and_progress_with_the_keyboard(people: People) -> None:
    page = people.lead["phone"]
    page.goto(LONG_STEP)
    header = page.locator(".step-progress")
    expect(header.locator(".progress-text")).to_have_text(re.compile(r"\d+ of 11 steps"))
    expect(header).to_be_in_viewport()
    press_tab_until(page, 'a[href="#outline"]')
    page.keyboard.press("Enter")
    expect(page.locator("#outline")).to_be_in_viewport()
    page.keyboard.press("Tab")
    assert page.evaluate(
        "() => document.querySelector('#outline').contains(document.activeElement)"
    )
    page.goto(LONG_STEP)
    press_tab_until(page, 'a[href="#step-actions"]')
    page.keyboard.press("Enter")
    expect(page.locator("#step-actions")).to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=re.compile("^Mark"))).to_be_focused()


@pytest.mark.parametrize("who", ["lead", "mentor"])
def test_header_is_one_line_at_desktop_width(site, people: People, who: str) -> None:
    if who == "lead":
        page = people.lead["desktop"]
    else:
        page = site.context().new_page()
        site.login(page, MENTOR_EMAIL)
    page.goto("/dashboard")
    tops = page.evaluate(
        "() => [...document.querySelectorAll('.site-header .brand, .site-nav > ul > li')]"
        ".map(e => { const b = e.getBoundingClientRect(); return b.top + b.height / 2; })"
    )
    assert max(tops) - min(tops) < 6, f"the header wraps: {tops}"
    assert page.locator(".site-header").bounding_box()["height"] < 80
    if who == "lead":
        account = page.locator(".account-link")
        expect(account).to_have_attribute("title", f"Your account: {LEAD_NAME}")
        expect(page.get_by_role("link", name="Authors", exact=True)).to_be_visible()
        expect(page.get_by_role("link", name="Program", exact=True)).to_be_visible()


def test_bookmarking_the_eleventh_resource_keeps_the_place(people: People) -> None:
    page = people.lead["desktop"]
    page.goto("/resources/?sort=title")
    expect(page.locator("li.resource")).to_have_count(10)
    page.get_by_role("link", name=re.compile("^Next")).click()
    expect(page).to_have_url(re.compile(r"page=2"))
    card = page.locator("li.resource").nth(4)
    card_id = card.get_attribute("id")
    card.get_by_role("button", name=re.compile("^Bookmark")).click()
    expect(page).to_have_url(re.compile(rf"sort=title&page=2#{card_id}$"))
    card = page.locator(f"#{card_id}")
    expect(card.get_by_role("button", name=re.compile("^Remove bookmark"))).to_be_visible()
    expect(card).to_be_in_viewport()
    assert page.evaluate("() => window.scrollY") > 200
    card.get_by_role("button", name=re.compile("^Remove bookmark")).click()
    expect(
        page.locator(f"#{card_id}").get_by_role("button", name=re.compile("^Bookmark"))
    ).to_be_visible()


def test_back_then_save_keeps_one_copy(people: People) -> None:
    page = people.lead["desktop"]
    page.goto(TEMPLATE)
    before = page.locator("section", has=page.locator("#copies-heading")).locator("li").count()
    page.get_by_label("Title of this copy").fill("Check-in after the offsite")
    page.get_by_label("Date", exact=True).fill("2026-11-28")
    page.get_by_role("radio", name="Mentor", exact=True).check()
    page.get_by_label("What I learned").fill("First version.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash")).to_have_text("Saved.")
    entry = page.url
    page.go_back()
    expect(page).to_have_url(re.compile(f"{TEMPLATE}$"))
    page.get_by_label("What I learned").fill("Second version.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(entry)
    expect(page.locator(".answers")).to_contain_text("Second version.")
    expect(page.locator(".entry .meta").first).to_contain_text(re.compile(r"\d{2}:\d{2} UTC"))
    page.goto(TEMPLATE)
    copies = page.locator("section", has=page.locator("#copies-heading")).locator("li")
    expect(copies).to_have_count(before + 1)
    expect(copies.filter(has_text="Check-in after the offsite")).to_have_count(1)


def test_ending_a_pair_asks_first_and_cancel_keeps_it(people: People) -> None:
    page = people.lead["desktop"]
    page.goto("/program/pairs")
    pairs = page.get_by_role("link", name=re.compile("^Withdraw…"))
    before = pairs.count()
    assert before >= 1
    pairs.first.click()
    expect(page.get_by_role("heading", name="Withdraw this proposal?")).to_be_visible()
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(re.compile(r"/program/(cohorts/\d+/)?pairs$"))
    expect(pairs).to_have_count(before)


def test_printing_keeps_each_label_with_its_answer(site, people: People, tmp_path) -> None:
    require(shutil.which("pdftotext") is not None, "pdftotext is missing: install poppler-utils")
    page = site.context().new_page()
    site.login(page, LEAD_EMAIL)
    filler = "This sentence pads the answer so the next label moves down the page. "
    for lines in range(0, 60, 6):
        page.goto(TEMPLATE)
        page.get_by_label("Date", exact=True).fill("2026-11-21")
        page.get_by_role("radio", name="Mentor", exact=True).check()
        page.get_by_label("What I learned").fill("LEARNEDSTART " + filler * (lines * 3))
        page.get_by_label("Loop list").fill("TRIEDSTART " + filler * 40)
        page.get_by_label("What I would change").fill("CHANGESTART " + filler * 30)
        page.get_by_label("What I will try before the next session").fill("WILLTRYSTART")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".flash")).to_have_text("Saved.")
        page.emulate_media(media="print")
        pdf = tmp_path / f"entry-{lines}.pdf"
        page.pdf(path=str(pdf), format="A4")
        page.emulate_media(media="screen")
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        pages = text.split("\f")
        for label, start in (
            ("What I learned", "LEARNEDSTART"),
            ("Loop list", "TRIEDSTART"),
            ("What I would change", "CHANGESTART"),
            ("What I will try before the next session", "WILLTRYSTART"),
        ):
            label_page = next(i for i, p in enumerate(pages) if label in p)
            answer_page = next(i for i, p in enumerate(pages) if start in p)
            assert label_page == answer_page, f"“{label}” is stranded (padding {lines})"
