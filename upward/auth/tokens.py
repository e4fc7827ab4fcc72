"""Links sent by mail that work once and expire: password resets and new addresses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from itsdangerous import BadSignature
from sqlalchemy import CursorResult, func, select, update

from upward.extensions import db
from upward.mail.compose import serializer
from upward.models import AccountToken, User
from upward.models.types import utcnow

LIFETIMES = {"password": timedelta(hours=1), "email": timedelta(hours=24)}
MAX_PER_HOUR = 3
"""Links of one purpose a person can be sent in an hour, so nobody can flood their inbox."""


def describe_lifetime(purpose: str) -> str:
    """Return how long a link lasts, as people say it ('an hour', '24 hours')."""
    hours = int(LIFETIMES[purpose].total_seconds() // 3600)
    return "an hour" if hours == 1 else f"{hours} hours"


def issue(user: User, purpose: str, new_email: str | None = None) -> AccountToken | None:
    """Create a link for a person, or None when they were sent too many in the last hour."""
    now = utcnow()
    recent = db.session.scalar(
        select(func.count()).where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            AccountToken.created_at > now - timedelta(hours=1),
        )
    )
    if recent and recent >= MAX_PER_HOUR:
        return None
    token = AccountToken(
        user_id=user.id,
        purpose=purpose,
        new_email=new_email,
        created_at=now,
        expires_at=now + LIFETIMES[purpose],
    )
    db.session.add(token)
    db.session.commit()
    return token


def sign(token: AccountToken) -> str:
    """Return the text of a link's token: the row's id, signed (the database keeps no secret)."""
    return serializer(f"token.{token.purpose}").dumps(token.id)


def get_usable(token_id: Any, purpose: str) -> AccountToken | None:
    """Return a token that is unused, unexpired and of this purpose, else None."""
    if not isinstance(token_id, int):
        return None
    token = db.session.get(AccountToken, token_id)
    if token is None or token.purpose != purpose or token.used_at is not None:
        return None
    if token.expires_at <= utcnow():
        return None
    user = db.session.get(User, token.user_id)
    if user is None or not user.is_active:
        return None
    return token


def find(signed: str, purpose: str) -> AccountToken | None:
    """Return the usable token a link carries, else None (forged, used or expired)."""
    try:
        token_id = serializer(f"token.{purpose}").loads(signed)
    except BadSignature:
        return None
    return get_usable(token_id, purpose)


def use(token: AccountToken) -> bool:
    """Spend a token and the person's other links of its purpose; False if it was spent already."""
    now = utcnow()
    result = db.session.execute(
        update(AccountToken)
        .where(AccountToken.id == token.id, AccountToken.used_at.is_(None))
        .values(used_at=now)
    )
    if cast(CursorResult[Any], result).rowcount != 1:
        db.session.rollback()
        return False
    db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == token.user_id,
            AccountToken.purpose == token.purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    return True
