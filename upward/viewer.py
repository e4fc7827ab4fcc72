"""Who is looking: what the current person may see, for every blueprint's views."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from upward.content import Page
from upward.publishing import get_library


def sees_drafts() -> bool:
    """Tell whether the current person may see draft content (authors only)."""
    return current_user.is_authenticated and current_user.is_author


def current_user_id() -> int | None:
    """Return the signed-in person's id, or None."""
    return current_user.id if current_user.is_authenticated else None


def get_visible_page(page_id: str, kind: str) -> Page:
    """Return a page of this kind that the current person may see, or 404."""
    page = get_library().page(page_id)
    if page is None or page.kind != kind or (page.draft and not sees_drafts()):
        abort(404)
    return page
