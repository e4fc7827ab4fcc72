"""The version history of steps: when each version was first published, kept in the database."""

from __future__ import annotations

import logging
import subprocess
import threading
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from upward.content import Library
from upward.database import insert_ignoring_duplicates
from upward.extensions import db
from upward.models import StepVersion

log = logging.getLogger(__name__)


class VersionHistory:
    """Records each library's step versions when it loads; answers 'last updated' from memory."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.updated: dict[str, datetime] = {}
        """Step id to when its current version was first seen (read by every step page)."""
        self.published: dict[str, datetime] = {}
        """Step id to when its oldest recorded version was first seen: when it was published."""
        self.recorded: Library | None = None
        self.lock = threading.Lock()

    def record(self, library: Library) -> None:
        """Insert the versions of a newly loaded library not seen before (on_load callback)."""
        with self.lock, self.app.app_context():
            try:
                content_dir = Path(self.app.config["UPWARD_CONTENT_DIR"])
                self.updated, self.published = record_versions(library, content_dir)
            except (OperationalError, ProgrammingError):
                # No tables yet (before the first `flask db upgrade`): the next load records them.
                db.session.rollback()
                log.warning("step versions not recorded: the database has no tables yet")
                return
            self.recorded = library


def record_versions(
    library: Library, content_dir: Path
) -> tuple[dict[str, datetime], dict[str, datetime]]:
    """Insert unseen step versions; return each step's 'last updated' and first published dates."""
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
                git_dates = get_git_dates(content_dir)
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
    updated: dict[str, datetime] = {}
    published: dict[str, datetime] = {}
    for step_id, version, seen in rows:
        if current.get(step_id) == version:
            updated[step_id] = seen
        if step_id not in published or seen < published[step_id]:
            published[step_id] = seen
    return updated, published


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
