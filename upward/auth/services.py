"""The rules of accounts: who may register, how a login is checked, what a person owns."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError

from upward.extensions import db
from upward.models import (
    Bookmark,
    CheckAnswer,
    Completion,
    Pair,
    Rating,
    ReflectionNote,
    TemplateEntry,
    User,
)
from upward.models.user import new_session_version
from upward.security import hash_password, needs_rehash, verify_password

OWNED = (Completion, CheckAnswer, ReflectionNote, TemplateEntry, Bookmark, Rating)


class EmailTaken(Exception):
    """An account with this email already exists."""


def normalize_email(email: str) -> str:
    """Return the form of an email address that accounts are keyed on."""
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    """Return the user with this email address, if any."""
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def register_user(name: str, email: str, password: str, role: str) -> User:
    """Create an account, raising EmailTaken when the address is already registered."""
    user = User(
        name=name.strip(),
        email=normalize_email(email),
        password_hash=hash_password(password),
        role=role,
    )
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise EmailTaken(email) from None
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the user these credentials belong to, taking as long for unknown addresses."""
    user = get_user_by_email(email)
    if user is None:
        # Hash anyway, so response time does not tell which addresses have accounts.
        verify_password(dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


_dummy: dict[str, str] = {}


def dummy_hash() -> str:
    """Return a hash made with today's settings, for timing-safe failed logins."""
    if "hash" not in _dummy:
        _dummy["hash"] = hash_password("not a real password, only for timing")
    return _dummy["hash"]


def end_all_sessions(user: User) -> None:
    """Invalidate every session and remember-me cookie of this user, on every device."""
    old = user.session_version
    while user.session_version == old:
        user.session_version = new_session_version()
    db.session.commit()


def export_user_data(user: User) -> dict[str, Any]:
    """Return everything the site keeps about a person, as plain JSON-ready data."""
    data: dict[str, Any] = {
        "account": {
            "name": user.name,
            "email": user.email,
            "role": user.role,
            "is_author": user.is_author,
            "created_at": user.created_at.isoformat(),
        }
    }
    for model in OWNED:
        rows = db.session.scalars(select(model).where(model.user_id == user.id))
        data[model.__tablename__] = [row_to_dict(row) for row in rows]
    data["pairs"] = [
        {
            "role": "mentor" if pair.mentor_id == user.id else "executive",
            "partner": partner.name,
            "since": pair.created_at.isoformat(),
        }
        for pair, partner in db.session.execute(
            select(Pair, User)
            .join(User, or_(User.id == Pair.mentor_id, User.id == Pair.executive_id))
            .where(or_(Pair.mentor_id == user.id, Pair.executive_id == user.id), User.id != user.id)
        )
    ]
    return data


def row_to_dict(row: Any) -> dict[str, Any]:
    """Return a model row's columns, without the owner's id, as JSON-ready values."""
    result = {}
    for column in row.__table__.columns:
        if column.name == "user_id":
            continue
        value = getattr(row, column.key)
        result[column.name] = value.isoformat() if hasattr(value, "isoformat") else value
    return result


def delete_account(user: User) -> None:
    """Delete a person and everything they own."""
    for model in OWNED:
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.execute(
        delete(Pair).where(or_(Pair.mentor_id == user.id, Pair.executive_id == user.id))
    )
    db.session.delete(user)
    db.session.commit()
