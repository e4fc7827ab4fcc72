"""The site's words for the ids in content and accounts: each id once, with its label.

The content schema (`upward/content/schema.py`) lists the same ids as types, because the content
core imports nothing of the app; `tests/test_vocabulary.py` holds the two together.
"""

from __future__ import annotations

ROLES = {
    "mentor": "Mentor",
    "executive": "Executive mentee",
    "program": "Program lead",
}
"""The roles people register with; each names the pathway audience of the same id."""

ROLE_BLURBS = {
    "mentor": "I'm the junior colleague sharing what I know",
    "executive": "I'm the senior leader learning",
    "program": "I run the program",
}
"""What each role means, in the words of the person choosing it at registration."""

AUDIENCES = {**ROLES, "all": "Everyone"}
"""Who a pathway or page is for: one of the roles, or everyone."""

THEMES = {
    "new-technology": "New technology",
    "marketing-social-media": "Marketing and social media",
    "workplace-culture": "Workplace culture",
    "diversity-inclusion": "Diversity and inclusion",
    "feedback-skills": "Feedback skills",
    "psychological-safety": "Psychological safety",
    "leadership": "Leadership",
    "program-design": "Program design",
}
"""The themes a resource can be filed under."""

FORMATS = {
    "article": "Article",
    "book": "Book",
    "talk": "Talk",
    "video": "Video",
    "podcast": "Podcast",
    "tool": "Tool",
    "research": "Research",
    "guide": "Guide",
}
"""What kind of thing a resource is."""

KINDS = {
    "step": "Step",
    "template": "Template",
    "resource": "Resource",
}
"""The kinds of content page."""

# The mentoring program ----------------------------------------------------------------------

PARTICIPANT_ROLES = {role: ROLES[role] for role in ("mentor", "executive")}
"""The roles a person may choose at registration and hold in a cohort (leads are appointed)."""

PROGRAM_THEMES = (
    "New technology",
    "Marketing and social media",
    "Workplace culture",
    "Diversity and inclusion",
)
"""The themes a new cohort offers until its lead writes their own list."""

LEVEL_BANDS = {
    "early-career": "Early career (0–3 years)",
    "mid-career": "Mid-career",
    "manager": "Manager",
    "director": "Director",
    "executive": "Executive",
}
"""How senior a person is: matching keeps a mentor well below their mentee's band."""

SLOTS = {
    f"{day}-{part}": f"{day_label} {part_label}"
    for day, day_label in (
        ("mon", "Monday"),
        ("tue", "Tuesday"),
        ("wed", "Wednesday"),
        ("thu", "Thursday"),
        ("fri", "Friday"),
    )
    for part, part_label in (("am", "morning"), ("pm", "afternoon"))
}
"""The times a person can meet, in their own time zone."""

SESSION_FORMATS = {
    "video": "Video call",
    "in-person": "In person",
    "mixed": "Mixed",
}
"""How a pair's sessions run."""

MEETING_STATUSES = {
    "planned": "Planned",
    "held": "Held",
    "cancelled": "Cancelled",
}
"""Where a session stands; a moved session stays planned at its new time."""

PAIR_STATUSES = {
    "proposed": "Proposed",
    "active": "Active",
    "declined": "Declined",
    "ended": "Ended",
}
"""Where a pair stands: proposed until both accept, then active until it ends."""

HEALTH = {
    "on-track": "On track",
    "at-risk": "At risk",
    "waiting": "Waiting to start",
    "ended": "Ended",
}
"""A pair's health as `upward.health` works it out from its sessions."""
