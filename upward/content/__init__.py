"""The content core: Markdown files and pathway manifests -> an immutable, checked Library.

Pure Python: it imports neither Flask nor SQLAlchemy nor the rest of `upward`.
"""

from __future__ import annotations

from .library import FormField, Library, Page, Pathway, check_library, load_library
from .problems import LibraryError, Problem
from .render import Block, Check, Heading, Html, Option, Reflection, UrlScheme
from .search import Found, Hit, SearchRow
from .store import LibraryStore

__all__ = [
    "Block",
    "Check",
    "FormField",
    "Found",
    "Heading",
    "Hit",
    "Html",
    "Library",
    "LibraryError",
    "LibraryStore",
    "Option",
    "Page",
    "Pathway",
    "Problem",
    "Reflection",
    "SearchRow",
    "UrlScheme",
    "check_library",
    "load_library",
]
