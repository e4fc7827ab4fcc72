"""Build a message: plain text and HTML parts, the person's name, one action, unsubscribe."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template
from itsdangerous import BadSignature, URLSafeSerializer


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message (a calendar invitation, say)."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Mail:
    """What one message says: paragraphs around a single clear action."""

    subject: str
    intro: tuple[str, ...]
    """Paragraphs before the action button."""
    action_label: str
    action_url: str
    after: tuple[str, ...] = ()
    """Paragraphs after the button: expiry, "if this wasn't you"."""
    attachments: tuple[Attachment, ...] = ()


def external_url(endpoint: str, **values: Any) -> str:
    """Return an absolute link into the site, from UPWARD_BASE_URL (never the request's Host)."""
    base = urlsplit(current_app.config["UPWARD_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def serializer(salt: str) -> URLSafeSerializer:
    """Return a signer for links in mail, keyed by the app's secret."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"upward.{salt}")


def unsubscribe_token(user_id: int, category: str) -> str:
    """Return the signed token of a one-click unsubscribe link."""
    return serializer("unsubscribe").dumps([user_id, category])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """Return (user id, category) from an unsubscribe token, or None if it was tampered with."""
    try:
        user_id, category = serializer("unsubscribe").loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or not isinstance(category, str):
        return None
    return user_id, category


def build_message(
    mail: Mail, *, to: str, name: str, unsubscribe: tuple[int, str] | None = None
) -> EmailMessage:
    """Return the message for one person; mail they may opt out of carries List-Unsubscribe."""
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = config["UPWARD_MAIL_SENDER"]
    message["To"] = formataddr((name, to))
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=urlsplit(config["UPWARD_BASE_URL"]).hostname)
    message["Auto-Submitted"] = "auto-generated"
    links: dict[str, str] = {"preferences_url": external_url("mail.preferences")}
    if unsubscribe is not None:
        url = external_url("mail.unsubscribe", token=unsubscribe_token(*unsubscribe))
        links["unsubscribe_url"] = url
        message["List-Unsubscribe"] = f"<{url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    context = {"mail": mail, "name": name, **links}
    message.set_content(render_template("mail/message.txt", **context))
    message.add_alternative(render_template("mail/message.html", **context), subtype="html")
    for item in mail.attachments:
        maintype, _, subtype = item.content_type.partition("/")
        message.add_attachment(
            item.data, maintype=maintype, subtype=subtype, filename=item.filename
        )
    return message
