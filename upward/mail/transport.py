"""Hand a message to the SMTP server, or, with none configured, to the outbox folder and the log."""

from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    """The server could not take the message now (down, busy, 4xx): try again later."""


class PermanentFailure(Exception):
    """The server refused the address or the message (5xx): sending again would not help."""


def send(message: EmailMessage, *, name: str = "") -> str:
    """Deliver one message and return where it went; raise Temporary/PermanentFailure."""
    if not current_app.config["UPWARD_SMTP_HOST"]:
        return write_to_outbox(message, name or "message")
    try:
        with connect() as smtp:
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        raise PermanentFailure(describe(error.recipients)) from error
    except smtplib.SMTPResponseException as error:
        text = f"{error.smtp_code} {error.smtp_error!r}"
        if 500 <= error.smtp_code < 600 and not isinstance(error, smtplib.SMTPSenderRefused):
            raise PermanentFailure(text) from error
        raise TemporaryFailure(text) from error
    except (OSError, smtplib.SMTPException) as error:
        raise TemporaryFailure(f"{type(error).__name__}: {error}") from error
    return "smtp"


def connect() -> smtplib.SMTP:
    """Open an SMTP connection as configured: TLS or STARTTLS, and a login when set."""
    config = current_app.config
    host, port, timeout = (
        config["UPWARD_SMTP_HOST"],
        config["UPWARD_SMTP_PORT"],
        config["UPWARD_SMTP_TIMEOUT"],
    )
    smtp: smtplib.SMTP
    if config["UPWARD_SMTP_TLS"] == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if config["UPWARD_SMTP_TLS"] == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if config["UPWARD_SMTP_USER"]:
            smtp.login(config["UPWARD_SMTP_USER"], config["UPWARD_SMTP_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


def describe(recipients: dict[str, tuple[int, bytes]]) -> str:
    """Summarise refused recipients for the log: address, code and the server's words."""
    return "; ".join(
        f"{address}: {code} {text.decode(errors='replace')}"
        for address, (code, text) in recipients.items()
    )


def write_to_outbox(message: EmailMessage, name: str) -> str:
    """Keep a message as an .eml file in the outbox folder and log it, for development."""
    folder = Path(current_app.config["UPWARD_OUTBOX_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{name}.eml"
    path.write_bytes(message.as_bytes())
    log.info(
        "No SMTP server is set (UPWARD_SMTP_HOST): mail to %s, %r, written to %s",
        message["To"],
        message["Subject"],
        path,
    )
    return str(path)
