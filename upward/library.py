"""The content library inside the app: loading, live reload, and the version history."""

from __future__ import annotations

import logging
import subprocess
import threading
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask, abort, current_app, send_from_directory
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from upward.content import Library, LibraryError, LibraryStore, UrlScheme
from upward.content.files import is_media_file
from upward.database import insert_ignoring_duplicates
from upward.extensions import db
from upward.models import StepVersion

log = logging.getLogger(__name__)

URLS = UrlScheme(
    step="/steps/{id}",
    template="/templates/{id}",
    resource="/resources/{id}",
    media="/media/{path}",
)


class VersionHistory:
    """When each step's current version was first published, synced to the database."""

    def __init__(self) -> None:
        self.synced: Library | None = None
        self.updated: dict[str, datetime] = {}
        self.lock = threading.Lock()

    def sync(self, library: Library) -> None:
        """Record versions of the library not seen before; cheap when nothing changed."""
        if self.synced is library:
            return
        with self.lock:
            if self.synced is library:
                return
            try:
                self.updated = record_versions(library)
            except (OperationalError, ProgrammingError):
                # Tables not created yet (first `flask db upgrade`): try on the next request.
                db.session.rollback()
                return
            self.synced = library


def record_versions(library: Library) -> dict[str, datetime]:
    """Insert unseen step versions and return each step's 'last updated' date."""
    steps = [page for page in library.pages.values() if page.kind == "step"]
    known = set(db.session.execute(select(StepVersion.step_id, StepVersion.version)).all())
    with_history = {step_id for step_id, _ in known}
    git_dates: dict[str, datetime] | None = None
    for page in steps:
        if (page.id, page.version) in known:
            continue
        first_seen = datetime.now(UTC)
        if page.id not in with_history:
            if git_dates is None:
                git_dates = get_git_dates(Path(current_app.config["UPWARD_CONTENT_DIR"]))
            first_seen = git_dates.get(page.path, first_seen)
        db.session.execute(
            insert_ignoring_duplicates(
                StepVersion,
                step_id=page.id,
                version=page.version,
                text=page.text,
                first_seen=first_seen,
            )
        )
    db.session.commit()
    rows = db.session.execute(
        select(StepVersion.step_id, StepVersion.version, StepVersion.first_seen)
    )
    current = {page.id: page.version for page in steps}
    return {step_id: seen for step_id, version, seen in rows if current.get(step_id) == version}


def get_git_dates(content_dir: Path) -> dict[str, datetime]:
    """Return the last commit date of each file under content_dir, keyed like Page.path."""
    try:
        out = subprocess.run(
            ["git", "log", "--format=%x00%cI", "--name-only", "--relative", "--", "."],  # noqa: S607
            cwd=content_dir,
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    dates: dict[str, datetime] = {}
    prefix = content_dir.name
    for chunk in out.split("\x00")[1:]:
        stamp, *names = chunk.strip().splitlines()
        when = datetime.fromisoformat(stamp)
        for name in filter(None, names):
            dates.setdefault(f"{prefix}/{name}", when)
    return dates


def init_app(app: Flask) -> None:
    """Load the library (refusing to start on a broken one) and keep it fresh."""
    try:
        store = LibraryStore(
            app.config["UPWARD_CONTENT_DIR"], app.config["UPWARD_PATHWAYS_DIR"], URLS
        )
    except LibraryError as error:
        lines = "\n".join(f"  {problem}" for problem in error.problems)
        raise SystemExit(
            f"Upward cannot start: the content library has problems:\n{lines}"
        ) from None
    if app.config["UPWARD_WATCH"]:
        store.watch()
    app.extensions["upward.library"] = store
    app.extensions["upward.versions"] = VersionHistory()
    app.add_url_rule("/media/<path:path>", "media", send_media)


def get_store() -> LibraryStore:
    """Return the app's library store."""
    return current_app.extensions["upward.library"]


def get_library() -> Library:
    """Return the last good library, making sure its versions are recorded."""
    library = get_store().library
    current_app.extensions["upward.versions"].sync(library)
    return library


def get_last_updated(step_id: str) -> datetime | None:
    """Return when the current version of a step was published."""
    return current_app.extensions["upward.versions"].updated.get(step_id)


def send_media(path: str) -> ResponseReturnValue:
    """Serve an image from the content folder."""
    if not is_media_file(path):
        abort(404)
    return send_from_directory(current_app.config["UPWARD_CONTENT_DIR"], path, max_age=3600)


@click.group("content")
def content_cli() -> None:
    """Check the content library."""


@content_cli.command("check")
@click.option("--content-dir", envvar="UPWARD_CONTENT_DIR", default=None, help="Markdown folder.")
@click.option(
    "--pathways-dir", envvar="UPWARD_PATHWAYS_DIR", default=None, help="Manifests folder."
)
def check_command(content_dir: str | None, pathways_dir: str | None) -> None:
    """Validate every content file and manifest; exit 1 if there is any error."""
    from upward.config import ROOT
    from upward.content import check_library

    problems = check_library(content_dir or ROOT / "content", pathways_dir or ROOT / "pathways")
    for problem in problems:
        click.echo(str(problem))
    errors = sum(problem.severity == "error" for problem in problems)
    warnings = len(problems) - errors
    click.echo(f"{errors} error(s), {warnings} warning(s)")
    raise SystemExit(1 if errors else 0)
