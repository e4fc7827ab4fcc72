"""`flask mail ...`: send due reminders and waiting mail (run by cron), list what failed."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from upward.extensions import db
from upward.mail import outbox
from upward.models import SentMessage
from upward.models.types import utcnow

mail_cli = AppGroup("mail", help="Send reminders and queued mail.")


@mail_cli.command("send")
def send() -> None:
    """Claim the reminders due now and send every waiting message (safe to run anywhere, often)."""
    queued = outbox.queue_due(utcnow())
    counts = outbox.deliver_due(utcnow())
    summary = (
        ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing to send"
    )
    click.echo(f"{queued} new reminders; {summary}.")


@mail_cli.command("status")
def status() -> None:
    """Count messages by status and list the ones that were refused, invalid or given up."""
    rows = db.session.execute(
        select(SentMessage.status, func.count()).group_by(SentMessage.status)
    ).all()
    for name, count in sorted(rows):
        click.echo(f"{name}\t{count}")
    problems = db.session.scalars(
        select(SentMessage)
        .where(SentMessage.status.in_(("refused", "invalid", "failed")))
        .order_by(SentMessage.id.desc())
        .limit(50)
    )
    for message in problems:
        click.echo(
            f"#{message.id}\t{message.status}\t{message.kind}\t{message.to_address}\t"
            f"{message.last_error or ''}"
        )
