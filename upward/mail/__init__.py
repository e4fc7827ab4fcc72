"""Mail: SMTP or a local outbox, the queue of messages, reminders, and people's choices."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the `flask mail` commands (the pages are mounted with the other blueprints)."""
    from upward.mail.cli import mail_cli

    app.cli.add_command(mail_cli)
