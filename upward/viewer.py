"""Who is looking, and the library as they may see it: one view per request.

Authors see drafts; everyone else sees only what is published, and a hidden pathway or page
is simply not there (404). Services take a `LibraryView` rather than a library and a flag.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import abort, g
from flask_login import current_user

from upward.content import Hit, Library, Page, Pathway
from upward.publishing import get_library


@dataclass(frozen=True, slots=True)
class LibraryView:
    """The pathways, steps, templates and resources one person may see."""

    library: Library
    drafts: bool = False
    """Whether drafts are visible (authors only)."""

    def pathways(self) -> list[Pathway]:
        """Return the visible pathways in display order."""
        return self.library.visible_pathways(include_drafts=self.drafts)

    def pathway(self, pathway_id: str) -> Pathway | None:
        """Return a visible pathway, or None."""
        pathway = self.library.pathway(pathway_id)
        return pathway if pathway is not None and (self.drafts or not pathway.draft) else None

    def steps(self, pathway: Pathway) -> list[Page]:
        """Return a pathway's visible steps, in order."""
        return self.library.steps(pathway, include_drafts=self.drafts)

    def page(self, page_id: str, kind: str) -> Page | None:
        """Return a visible page of this kind, or None."""
        page = self.library.page(page_id)
        if page is None or page.kind != kind or (page.draft and not self.drafts):
            return None
        return page

    def pathways_with(self, step_id: str) -> list[Pathway]:
        """Return the visible pathways that list a step, in display order."""
        return self.library.pathways_with(step_id, include_drafts=self.drafts)

    def linked(self, ids: Iterable[str], kind: str) -> list[Page]:
        """Return the visible pages of one kind among these ids, in order."""
        return self.library.linked(ids, kind, self.drafts)

    def templates(self) -> list[Page]:
        """Return the visible templates, sorted by title."""
        return self.library.templates(include_drafts=self.drafts)

    def resources(self) -> list[Page]:
        """Return the visible resources, sorted by title."""
        return self.library.resources(include_drafts=self.drafts)

    def search(
        self,
        query: str,
        *,
        audiences: Iterable[str] | None = None,
        kinds: Iterable[str] | None = None,
        limit: int = 20,
    ) -> list[Hit]:
        """Search the visible pages, best first."""
        return self.library.search(
            query, include_drafts=self.drafts, audiences=audiences, kinds=kinds, limit=limit
        )

    def get_pathway(self, pathway_id: str) -> Pathway:
        """Return a visible pathway, or 404."""
        pathway = self.pathway(pathway_id)
        if pathway is None:
            abort(404)
        return pathway

    def get_page(self, page_id: str, kind: str) -> Page:
        """Return a visible page of this kind, or 404."""
        page = self.page(page_id, kind)
        if page is None:
            abort(404)
        return page


def published(library: Library) -> LibraryView:
    """Return the library as learners see it (reports count only what is published)."""
    return LibraryView(library, drafts=False)


def get_view() -> LibraryView:
    """Return what the current person may see; one view (and one library) per request."""
    view = g.get("library_view")
    if view is None:
        view = g.library_view = LibraryView(get_library(), drafts=sees_drafts())
    return view


def sees_drafts() -> bool:
    """Tell whether the current person may see draft content (authors only)."""
    return current_user.is_authenticated and current_user.is_author


def current_user_id() -> int | None:
    """Return the signed-in person's id, or None."""
    return current_user.id if current_user.is_authenticated else None
