"""The queue of mail: claim each message once, send it, retry what the server could not take."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta
from typing import Any, cast

from email_validator import EmailNotValidError, validate_email
from flask import Flask, Response, after_this_request, current_app
from sqlalchemy import CursorResult, exists, select, update

from upward.database import insert_ignoring_duplicates
from upward.extensions import db
from upward.mail import transport
from upward.mail.compose import build_message
from upward.mail.kinds import KINDS, Kind
from upward.mail.preferences import is_opted_out
from upward.models import SentMessage, User
from upward.models.types import utcnow

log = logging.getLogger(__name__)

RETRY_DELAYS = (
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=4),
    timedelta(hours=12),
)
"""Waits after each temporary failure; after the last one the message is given up ('failed')."""
STALE_CLAIM = timedelta(minutes=15)
"""A message claimed this long ago by a run that never finished is tried again."""


def queue(
    kind: str,
    key: str,
    *,
    to: str,
    user_id: int | None = None,
    params: dict[str, Any] | None = None,
) -> int | None:
    """Claim a message by its kind and key; return its id, or None if it was claimed before."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of mail {kind!r}")
    now = utcnow()
    message_id = db.session.scalar(
        insert_ignoring_duplicates(
            SentMessage,
            kind=kind,
            key=key,
            user_id=user_id,
            to_address=to,
            params=params or {},
            status="pending",
            attempts=0,
            created_at=now,
            next_attempt_at=now,
        ).returning(SentMessage.id)
    )
    db.session.commit()
    return message_id


def send_after_response(message_id: int | None) -> None:
    """Send a queued message once this response has gone out (a slow server delays no page)."""
    if message_id is None:
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    @after_this_request
    def hook(response: Response) -> Response:
        response.call_on_close(lambda: deliver_quietly(app, message_id))
        return response


def deliver_quietly(app: Flask, message_id: int) -> None:
    """Try to send one message now; whatever happens, the next run of the command retries."""
    with app.app_context():
        try:
            deliver(message_id)
        except Exception:
            log.exception(
                "Mail %s could not be sent now; `flask mail send` will retry it", message_id
            )
        finally:
            db.session.remove()


def queue_due(now: datetime) -> int:
    """Run every reminder's finder and claim the messages due; return how many were new."""
    new = 0
    for kind in KINDS.values():
        if kind.find_due is None:
            continue
        try:
            new += queue_kind_due(kind, now)
        except Exception:  # one broken finder must not keep every other reminder back
            db.session.rollback()
            log.exception("Reminders of kind %s not looked for this run", kind.name)
    return new


def queue_kind_due(kind: Kind, now: datetime) -> int:
    """Claim the messages of one kind that are due now; return how many were new."""
    assert kind.find_due is not None
    new = 0
    for due in kind.find_due(now):
        # Claimed even for someone who opted out (and then skipped), so switching a kind
        # back on later does not send what happened while it was off.
        user = db.session.get(User, due.user_id)
        if user is None:
            continue
        if queue(kind.name, due.key, to=user.email, user_id=user.id, params=due.params):
            new += 1
    return new


def deliver_due(now: datetime, limit: int = 1000) -> Counter[str]:
    """Send every message whose time has come; return how many ended in each status."""
    release_stale_claims(now)
    ids = db.session.scalars(
        select(SentMessage.id)
        .where(SentMessage.status == "pending", SentMessage.next_attempt_at <= now)
        .order_by(SentMessage.id)
        .limit(limit)
    ).all()
    counts: Counter[str] = Counter()
    for message_id in ids:
        try:
            status = deliver(message_id)
        except Exception as error:  # one message that can't be rendered must not stop the run
            db.session.rollback()
            log.exception("Mail %s could not be sent", message_id)
            status = put_back(message_id, f"{type(error).__name__}: {error}")
        if status:
            counts[status] += 1
    return counts


def release_stale_claims(now: datetime) -> None:
    """Put back messages whose run died mid-send, counting that as a failed attempt."""
    db.session.execute(
        update(SentMessage)
        .where(SentMessage.status == "sending", SentMessage.claimed_at < now - STALE_CLAIM)
        .values(status="pending", attempts=SentMessage.attempts + 1, next_attempt_at=now)
    )
    db.session.commit()


def claim(message_id: int) -> bool:
    """Take a pending message for this process; False when another run took it first."""
    now = utcnow()
    result = db.session.execute(
        update(SentMessage)
        .where(
            SentMessage.id == message_id,
            SentMessage.status == "pending",
            SentMessage.next_attempt_at <= now,
        )
        .values(status="sending", claimed_at=now)
    )
    db.session.commit()
    return cast(CursorResult[Any], result).rowcount == 1


def deliver(message_id: int) -> str | None:
    """Send one pending message and record how it went; None if another run has it."""
    if not claim(message_id):
        return None
    message = db.session.get(SentMessage, message_id)
    assert message is not None
    user = db.session.get(User, message.user_id) if message.user_id else None
    kind = KINDS.get(message.kind)
    if kind is None:
        return finish(message, "skipped", "unknown kind of mail")
    reason = reason_not_to_send(message, user, kind)
    if reason:
        return finish(message, "skipped", reason)
    if user is not None and not kind.to_stored_address:
        message.to_address = user.email
    try:
        validate_email(message.to_address, check_deliverability=False)
    except EmailNotValidError as error:
        log.warning(
            "Mail %s not sent: %r is not an address (%s)", message.id, message.to_address, error
        )
        return finish(message, "invalid", str(error))
    mail = kind.render(message, user)
    if mail is None:
        return finish(message, "skipped", "no longer applies")
    email = build_message(
        mail,
        to=message.to_address,
        name=user.name if user else str(message.params.get("name", "")),
        unsubscribe=(user.id, kind.category) if user and kind.category else None,
    )
    try:
        transport.send(email, name=f"{message.kind}-{message.id}")
    except transport.PermanentFailure as error:
        log.warning("Mail %s to %s refused: %s", message.id, message.to_address, error)
        return finish(message, "refused", str(error))
    except transport.TemporaryFailure as error:
        return retry_later(message, str(error))
    return finish(message, "sent")


def reason_not_to_send(message: SentMessage, user: User | None, kind: Kind) -> str:
    """Return why a message must not go out now, or '' when it may."""
    if user is not None and not user.is_active:
        return "account deactivated"
    if user is not None and kind.category and is_opted_out(user.id, kind.category):
        return "unsubscribed"
    if kind.category and was_refused(message.to_address if user is None else user.email):
        # A nudge is not worth another bounce; a reset the person asked for is always tried.
        return "address refused before"
    return ""


def was_refused(address: str) -> bool:
    """Tell whether a server has refused this address for good before."""
    return bool(
        db.session.scalar(
            select(
                exists().where(SentMessage.to_address == address, SentMessage.status == "refused")
            )
        )
    )


def finish(message: SentMessage, status: str, error: str | None = None) -> str:
    """Record the end of a message's life: sent, refused, invalid, failed or skipped."""
    message.status = status
    message.last_error = error[:500] if error else None
    if status == "sent":
        message.sent_at = utcnow()
    if status not in ("sent", "skipped"):
        message.attempts += 1
    db.session.commit()
    if status == "skipped":
        log.info("Mail %s (%s) not sent: %s", message.id, message.kind, error)
    return status


def put_back(message_id: int, error: str) -> str | None:
    """Return a message that broke while sending to the queue, to be tried a few more times."""
    message = db.session.get(SentMessage, message_id)
    if message is None:
        return None
    return retry_later(message, error)


def retry_later(message: SentMessage, error: str) -> str:
    """Put a message back for a later run, or give up after the last retry."""
    message.attempts += 1
    message.last_error = error[:500]
    if message.attempts > len(RETRY_DELAYS):
        message.status = "failed"
        log.error(
            "Mail %s to %s given up after %s tries: %s",
            message.id,
            message.to_address,
            message.attempts,
            error,
        )
    else:
        message.status = "pending"
        message.next_attempt_at = utcnow() + RETRY_DELAYS[message.attempts - 1]
        log.warning(
            "Mail %s to %s delayed (%s); retrying later", message.id, message.to_address, error
        )
    db.session.commit()
    return message.status
