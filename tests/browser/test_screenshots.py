"""Screenshots of the key pages at phone and desktop widths, kept under artifacts/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

KEY_PAGES = {
    "home": "/",
    "dashboard": "/dashboard",
    "pathway": "/pathways/mentor",
    "step": "/pathways/mentor/steps/mentor-sbi",
    "template-form": "/templates/biweekly-checkin",
    "resources": "/resources/",
    "search": "/search?q=feedback",
    "check-results": "/pathways/mentor/checks",
}


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_key_pages_fit_and_are_captured(site, screenshot, width: str) -> None:
    page = site.context(phone=width == "phone").new_page()
    site.register(page, "Sam Screens", f"sam.{width}@example.com", "mentor")
    page.goto("/pathways/mentor")
    page.get_by_role("link", name="Start: ").click()
    page.get_by_role("button", name="Mark complete and continue").click()
    expect(page.locator(".outline .progress-text")).to_have_text("1 of 11 steps")

    for name, url in KEY_PAGES.items():
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        # Nothing may force sideways scrolling (WCAG 1.4.10, reflow).
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width} width"
        assert screenshot(page, f"{name}-{width}").stat().st_size > 0

    page.emulate_media(color_scheme="dark")
    for name in ("home", "step"):
        page.goto(KEY_PAGES[name])
        screenshot(page, f"{name}-{width}-dark")
