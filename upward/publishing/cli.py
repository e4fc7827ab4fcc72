"""`flask content check`: the checker authors run before they push (needs no database)."""

from __future__ import annotations

import click

from upward.config import ROOT
from upward.content import check_library


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
    problems = check_library(content_dir or ROOT / "content", pathways_dir or ROOT / "pathways")
    for problem in problems:
        click.echo(str(problem))
    errors = sum(problem.severity == "error" for problem in problems)
    warnings = len(problems) - errors
    click.echo(f"{errors} error(s), {warnings} warning(s)")
    raise SystemExit(1 if errors else 0)
