"""Keeping the progress summary in step with the library: on each load, and on demand.

`upward.progress` keeps the summary current on every completion; when a pathway's published
steps change, its rows are rebuilt as the library loads (`SummaryKeeper.sync`, an on_load
callback), and `flask progress rebuild` recounts every pathway from the completions.
"""

from __future__ import annotations

import logging
import threading

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy.exc import OperationalError, ProgrammingError

from upward import progress
from upward.content import Library
from upward.extensions import db
from upward.publishing import get_library, get_store
from upward.viewer import published

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Sync the summary with the library now and on every later load; add the command."""
    keeper = SummaryKeeper(app)
    with app.app_context():
        store = get_store()
    keeper.sync(store.library)
    store.on_load.append(keeper.sync)
    app.extensions["upward.summary"] = keeper
    app.cli.add_command(progress_cli)


class SummaryKeeper:
    """Rebuilds the summary of the pathways whose steps changed when a library loads."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.lock = threading.Lock()

    def sync(self, library: Library) -> None:
        """Rebuild the pathways whose published steps differ from the summary's (on_load)."""
        with self.lock, self.app.app_context():
            try:
                changed = progress.sync_summary(published(library))
            except (OperationalError, ProgrammingError):
                # No tables yet (before the first `flask db upgrade`): the next load syncs.
                db.session.rollback()
                log.warning("progress summary not synced: the database has no tables yet")
                return
            if changed:
                log.info("progress summary rebuilt for %d pathway(s)", len(changed))


progress_cli = AppGroup("progress", help="Keep the progress summary the reports read.")


@progress_cli.command("rebuild")
def rebuild_command() -> None:
    """Recount every pathway's progress summary from the completions."""

    rebuilt = progress.rebuild_all_summaries(published(get_library()))
    click.echo(f"Progress summary rebuilt for {len(rebuilt)} pathway(s).")
