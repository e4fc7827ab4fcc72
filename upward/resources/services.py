"""The rules of curated resources: filtering, sorting, bookmarks and one rating per person."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, case, delete, func, select

from upward.content import Page
from upward.database import insert_ignoring_duplicates, upsert
from upward.extensions import db
from upward.models import Bookmark, Rating
from upward.models.types import utcnow
from upward.viewer import LibraryView

SORTS = {
    "title": "Title",
    "newest": "Newest",
    "shortest": "Shortest",
    "rated": "Highest rated",
    "popular": "Most rated",
}


@dataclass(frozen=True, slots=True)
class RatingSummary:
    """The average of a resource's ratings and how many there are."""

    average: float = 0.0
    count: int = 0


@dataclass(frozen=True, slots=True)
class ResourceItem:
    """A resource as one person sees it: the page, its ratings, their bookmark and stars."""

    page: Page
    rating: RatingSummary
    bookmarked: bool = False
    my_stars: int | None = None


@dataclass(frozen=True, slots=True)
class Filters:
    """What the person asked the list for; empty strings mean 'any'."""

    audience: str = ""
    theme: str = ""
    format: str = ""
    sort: str = "title"
    bookmarked: bool = False


RATINGS = (
    select(
        Rating.resource_id,
        func.avg(Rating.stars).label("average"),
        func.count().label("ratings"),
        func.max(case((Rating.user_id == bindparam("user_id"), Rating.stars))).label("mine"),
    )
    .where(Rating.resource_id.in_(bindparam("resource_ids", expanding=True)))
    .group_by(Rating.resource_id)
)
"""Every rating of some resources and the person's own stars among them, in one statement."""

BOOKMARKS = select(Bookmark.resource_id).where(Bookmark.user_id == bindparam("user_id"))


def get_ratings(
    resource_ids: Iterable[str], user_id: int | None
) -> tuple[dict[str, RatingSummary], dict[str, int]]:
    """Return the average and count per resource, and the person's own stars by resource."""
    ids = list(resource_ids)
    if not ids:
        return {}, {}
    rows = db.session.execute(RATINGS, {"resource_ids": ids, "user_id": user_id}).all()
    summaries = {row.resource_id: RatingSummary(float(row.average), row.ratings) for row in rows}
    return summaries, {row.resource_id: row.mine for row in rows if row.mine is not None}


def get_bookmarks(user_id: int | None) -> set[str]:
    """Return the ids of the resources a person bookmarked."""
    if user_id is None:
        return set()
    return set(db.session.scalars(BOOKMARKS, {"user_id": user_id}))


def matches(page: Page, filters: Filters, bookmarks: set[str]) -> bool:
    """Tell whether a resource passes the filters."""
    if filters.audience and not {filters.audience, "all"} & set(page.audience):
        return False
    if filters.theme and filters.theme not in page.themes:
        return False
    if filters.format and page.format != filters.format:
        return False
    return not filters.bookmarked or page.id in bookmarks


def sort_key(sort: str) -> Callable[[ResourceItem], tuple]:
    """Return the sort key for a sort name (ties always fall back to the title)."""
    keys: dict[str, Callable[[ResourceItem], tuple]] = {
        "newest": lambda i: (i.page.year is None, -(i.page.year or 0)),
        "shortest": lambda i: (i.page.minutes is None, i.page.minutes or 0),
        "rated": lambda i: (-i.rating.average, -i.rating.count),
        "popular": lambda i: (-i.rating.count, -i.rating.average),
    }
    first = keys.get(sort, lambda i: ())
    return lambda item: (*first(item), item.page.title.casefold())


def list_resources(view: LibraryView, filters: Filters, user_id: int | None) -> list[ResourceItem]:
    """Return the resources that pass the filters, sorted, with ratings and bookmarks."""
    bookmarks = get_bookmarks(user_id)
    pages = [page for page in view.resources() if matches(page, filters, bookmarks)]
    ratings, mine = get_ratings((page.id for page in pages), user_id)
    items = [
        ResourceItem(
            page, ratings.get(page.id, RatingSummary()), page.id in bookmarks, mine.get(page.id)
        )
        for page in pages
    ]
    return sorted(items, key=sort_key(filters.sort))


PER_PAGE = 10
"""Resources on one page of the list: a phone scrolls about ten cards comfortably."""


@dataclass(frozen=True, slots=True)
class Listing:
    """One page of a list: its items, which page, how many pages and items in all."""

    items: list[ResourceItem]
    page: int
    pages: int
    total: int

    @property
    def first(self) -> int:
        return (self.page - 1) * PER_PAGE + 1

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1


def paginate(items: list[ResourceItem], page: str) -> Listing:
    """Return one page of the list (page numbers from 1; nonsense reads as 1)."""
    number = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    pages = max(1, -(-len(items) // PER_PAGE))
    start = (number - 1) * PER_PAGE
    return Listing(items[start : start + PER_PAGE], number, pages, len(items))


def get_item(page: Page, user_id: int | None) -> ResourceItem:
    """Return one resource with its ratings and the person's bookmark and stars."""
    ratings, mine = get_ratings([page.id], user_id)
    return ResourceItem(
        page,
        ratings.get(page.id, RatingSummary()),
        page.id in get_bookmarks(user_id),
        mine.get(page.id),
    )


def bookmark(user_id: int, resource_id: str) -> None:
    """Bookmark a resource; doing it twice keeps one bookmark."""
    db.session.execute(
        insert_ignoring_duplicates(Bookmark, user_id=user_id, resource_id=resource_id)
    )
    db.session.commit()


def unbookmark(user_id: int, resource_id: str) -> None:
    """Remove a bookmark, if there is one."""
    db.session.execute(
        delete(Bookmark).where(Bookmark.user_id == user_id, Bookmark.resource_id == resource_id)
    )
    db.session.commit()


def rate(user_id: int, resource_id: str, stars: int) -> None:
    """Record a person's rating of a resource; rating again replaces it."""
    if not 1 <= stars <= 5:
        raise ValueError(f"stars must be 1 to 5, got {stars}")
    db.session.execute(
        upsert(
            Rating,
            ["user_id", "resource_id"],
            user_id=user_id,
            resource_id=resource_id,
            stars=stars,
            updated_at=utcnow(),
        )
    )
    db.session.commit()
