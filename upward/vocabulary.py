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
