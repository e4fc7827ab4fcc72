"""A lead's first cohort in Chromium: invited by an admin, people in, a profile filled in.

Each page on the way is checked with axe-core (WCAG 2.1 AA).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

ADMIN = "ada.cohorts@example.com"
LEAD = "lee.cohorts@example.com"
MENTOR = "mo.cohorts@example.com"
EXECUTIVE = "dee.cohorts@example.com"


def path_of(link: str) -> str:
    """Return a link's path: links are written with UPWARD_BASE_URL, not the test server's."""
    return re.sub(r"^https?://[^/]+", "", link)


def join_from_invitation(page: Page, name: str, email: str) -> None:
    """Create an account on an open invitation page."""
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Work email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account and accept").click()


def test_a_lead_sets_up_a_cohort_and_people_join_it(site, axe) -> None:
    site.create_author(ADMIN, "Ada Admin")
    admin = site.context().new_page()
    site.login(admin, ADMIN)
    admin.goto("/admin/leads")
    admin.get_by_role("button", name="Create invitation").click()
    expect(admin.locator(".flash")).to_contain_text("Invitation link created")
    axe.assert_clean(admin, "admin leads")
    link = path_of(admin.get_by_role("textbox", name="Invitation link").first.input_value())

    lead = site.context().new_page()
    lead.goto(link)
    expect(lead.get_by_role("heading", name="Become a program lead")).to_be_visible()
    axe.assert_clean(lead, "lead invitation")
    join_from_invitation(lead, "Lee Lead", LEAD)
    expect(lead).to_have_url(re.compile("/program/$"))
    axe.assert_clean(lead, "lead home, no cohort yet")

    # The link again, in another browser: a clear page.
    stranger = site.context().new_page()
    response = stranger.goto(link)
    assert response is not None and response.status == 410
    expect(stranger.get_by_role("heading", name="This invitation was already used")).to_be_visible()
    axe.assert_clean(stranger, "used invitation")

    lead.get_by_role("link", name="New cohort").first.click()
    lead.get_by_label("Name").fill("Spring 2027")
    lead.get_by_label("Starts on").fill("2027-03-01")
    lead.get_by_label("Ends on").fill("2027-02-01")
    lead.get_by_label("Your own themes").fill("AI at work")
    lead.get_by_role("button", name="Create cohort").click()
    expect(lead.get_by_text("The cohort must end after it starts.")).to_be_visible()
    expect(lead.get_by_label("Name")).to_have_value("Spring 2027")
    axe.assert_clean(lead, "cohort form with errors")
    lead.get_by_label("Ends on").fill("2027-08-31")
    lead.get_by_role("button", name="Create cohort").click()
    expect(lead.get_by_role("heading", name="Spring 2027")).to_be_visible()

    mentor = site.context().new_page()
    site.register(mentor, "Mo Mentor", MENTOR, "mentor")
    lead.get_by_label("Work email", exact=True).fill(MENTOR)
    lead.get_by_role("button", name="Add to Spring 2027").click()
    expect(lead.locator(".flash")).to_contain_text("Mo Mentor is now in Spring 2027.")
    lead.get_by_label("Link for").select_option("executive")
    lead.get_by_role("button", name="Create link").click()
    axe.assert_clean(lead, "cohort page")
    invitation = path_of(
        lead.get_by_role("textbox", name=re.compile("Invitation link")).first.input_value()
    )

    executive = site.context().new_page()
    executive.goto(invitation)
    expect(executive.get_by_role("heading", name="Join Spring 2027")).to_be_visible()
    join_from_invitation(executive, "Dee Exec", EXECUTIVE)
    expect(executive).to_have_url(re.compile("/profile/$"))
    executive.get_by_label("Department").fill("Finance")
    executive.get_by_label("Level").select_option("executive")
    executive.get_by_label("Time zone").fill("Mars/Olympus")
    executive.get_by_label("Tuesday morning").check()
    executive.get_by_role("button", name="Save profile").click()
    expect(executive.get_by_text("isn't a time zone we know")).to_be_visible()
    expect(executive.get_by_label("Department")).to_have_value("Finance")
    axe.assert_clean(executive, "profile with errors")
    executive.get_by_label("Time zone").fill("Europe/London")
    executive.get_by_role("button", name="Save profile").click()
    expect(executive.locator(".flash")).to_have_text("Your profile is saved.")
    executive.get_by_label("AI at work").check()
    executive.get_by_label("What you hope to get from the program").fill(
        "See our brand as a 22-year-old does."
    )
    executive.get_by_role("button", name="Save for Spring 2027").click()
    expect(executive.locator(".flash")).to_contain_text("Saved what you bring to Spring 2027")

    lead.reload()
    lead.get_by_role("link", name="Dee Exec").click()
    expect(lead.get_by_text("See our brand as a 22-year-old does.")).to_be_visible()
    expect(lead.get_by_text("Tuesday morning")).to_be_visible()
    axe.assert_clean(lead, "participant profile for the lead")

    lead.go_back()
    lead.get_by_role("link", name="Import many people from a CSV file").click()
    axe.assert_clean(lead, "import form")
    lead.get_by_label("CSV file from your HR system").set_input_files(
        files=[
            {
                "name": "people.csv",
                "mimeType": "text/csv",
                "buffer": b"name;email;role\nAna Lima;ana.cohorts@example.com;mentor\n"
                b"Bad;not-an-address;mentor\n",
            }
        ]
    )
    lead.get_by_role("button", name="Import").click()
    expect(lead.get_by_text("1 invited by email")).to_be_visible()
    expect(lead.get_by_role("cell", name="3", exact=True)).to_be_visible()  # the bad line
    axe.assert_clean(lead, "import report")
