"""Reports in a real browser: the certificate prints on one page; report pages pass axe."""

from __future__ import annotations

import re
import sqlite3

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

EMAIL = "cert-holder@example.com"
ADMIN = "reports-admin@example.com"


def finish_first_pathway(site, page: Page) -> str:
    """Complete every step of the person's first pathway (arranged in the database)."""
    page.goto("/dashboard")
    href = page.locator("a[href^='/pathways/']").first.get_attribute("href")
    assert href
    pathway = href.split("/")[2]
    page.goto(f"/pathways/{pathway}")
    steps = set(re.findall(rf"/pathways/{pathway}/steps/([\w-]+)", page.content()))
    assert steps
    with sqlite3.connect(site.server.database) as db:
        (user_id,) = db.execute("SELECT id FROM users WHERE email = ?", (EMAIL,)).fetchone()
        db.executemany(
            "INSERT INTO completions (user_id, step_id, version, completed_at) "
            "VALUES (?, ?, 'v', '2026-11-20 10:00:00')",
            [(user_id, step) for step in sorted(steps)],
        )
    return pathway


def test_a_certificate_prints_on_one_page_and_verifies(site, axe) -> None:
    page = site.context().new_page()
    site.register(page, "Cara Holder", EMAIL, "mentor")
    pathway = finish_first_pathway(site, page)
    page.goto(f"/pathways/{pathway}")
    page.get_by_role("link", name="Get your certificate").click()
    page.get_by_role("button", name="Get your certificate").click()
    expect(page.get_by_role("heading", name="Cara Holder")).to_be_visible()
    axe.assert_clean(page, "certificate")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1, f"the certificate printed on {pages} pages"
    link = page.locator(".certificate-verify a").get_attribute("href")
    assert link and "/verify/" in link
    stranger = site.context().new_page()
    # The link is built from UPWARD_BASE_URL; open its path on the live server.
    stranger.goto("/verify/" + link.split("/verify/", 1)[1])
    expect(stranger.get_by_text("Genuine.")).to_be_visible()
    axe.assert_clean(stranger, "certificate verification")


def test_report_pages_pass_axe(site, axe) -> None:
    site.create_author(ADMIN, "Rae Reports")
    page = site.context().new_page()
    site.login(page, ADMIN)
    for url in ("/reports/", "/reports/feedback", "/surveys/", "/certificates/"):
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        axe.assert_clean(page, url)
