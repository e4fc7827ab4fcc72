"""`flask demo`: load the sample program and say how to log in."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from upward.demo.sample import EXECUTIVES, LEAD, MENTORS, load


@click.command("demo")
@with_appcontext
def demo() -> None:
    """Fill an empty database with a sample program to try Upward with."""
    password = load()
    click.echo("A sample program is ready: one cohort six weeks in, three pairs, one match")
    click.echo("waiting for an answer. Log in at /account/login as any of:")
    click.echo(f"  {LEAD[1]:<28} program lead ({LEAD[0]})")
    for person in (*MENTORS, *EXECUTIVES):
        click.echo(f"  {person.email:<28} {person.role} ({person.name})")
    click.echo(f"Every demo account's password: {password}")
