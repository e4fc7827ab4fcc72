"""Publishing: the content library inside the app, kept fresh, with its version history.

The getters only read. Whatever must happen when the library changes (recording new step
versions) happens when it loads, through the store's on_load hook.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import Flask, current_app

from upward.content import Library, LibraryError, LibraryStore, UrlScheme
from upward.content.cache import ParseCache, get_key
from upward.publishing.versions import VersionHistory

URLS = UrlScheme(
    step="/steps/{id}",
    template="/templates/{id}",
    resource="/resources/{id}",
    media="/media/{path}",
)
"""The site's URL for each kind of page: rendering and search both build links with it."""


def init_app(app: Flask) -> None:
    """Load the library (refusing to start on a broken one), record its versions, keep it fresh."""
    from upward.publishing.media import bp

    content, pathways = app.config["UPWARD_CONTENT_DIR"], app.config["UPWARD_PATHWAYS_DIR"]
    cache = None
    if app.config.get("UPWARD_PARSE_CACHE", True):
        key = get_key(Path(content).resolve(), Path(pathways).resolve(), URLS)
        cache = ParseCache(Path(app.instance_path) / "parse-cache", key)
    try:
        store = LibraryStore(content, pathways, URLS, cache)
    except LibraryError as error:
        lines = "\n".join(f"  {problem}" for problem in error.problems)
        raise SystemExit(
            f"Upward cannot start: the content library has problems:\n{lines}"
        ) from None
    history = VersionHistory(app)
    history.record(store.library)
    store.on_load.append(history.record)
    if app.config["UPWARD_WATCH"]:
        store.watch()
    app.extensions["upward.library"] = store
    app.extensions["upward.versions"] = history
    app.register_blueprint(bp)


def get_store() -> LibraryStore:
    """Return the app's library store."""
    return current_app.extensions["upward.library"]


def get_library() -> Library:
    """Return the last good library."""
    return get_store().library


def get_history() -> VersionHistory:
    """Return the app's version history."""
    return current_app.extensions["upward.versions"]


def get_last_updated(step_id: str) -> datetime | None:
    """Return when the current version of a step was published."""
    return get_history().updated.get(step_id)


def get_first_published(step_id: str) -> datetime | None:
    """Return when a step was first published (its oldest recorded version)."""
    return get_history().published.get(step_id)
