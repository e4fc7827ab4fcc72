"""The rules of accounts: who may register, how a login is checked, what a person owns."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError

from upward import sharing
from upward.auth import tokens
from upward.extensions import db
from upward.mail import outbox
from upward.models import (
    AccountToken,
    Bookmark,
    CheckAnswer,
    CohortLead,
    Completion,
    MailOptOut,
    Pair,
    PairShare,
    Rating,
    ReflectionNote,
    SentMessage,
    TemplateEntry,
    User,
)
from upward.models.types import utcnow
from upward.models.user import new_session_version
from upward.program import access
from upward.security import hash_password, needs_rehash, verify_password

OWNED = (
    Completion,
    CheckAnswer,
    ReflectionNote,
    TemplateEntry,
    Bookmark,
    Rating,
    MailOptOut,
    SentMessage,
)


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
    data["pair_shares"] = [
        {
            "entry_id": share.entry_id,
            "entry_title": title,
            "shared_with": partner.name,
            "shared_at": share.shared_at.isoformat(),
            "read_at": share.read_at.isoformat() if share.read_at else None,
            "pair_active": pair.status == "active",
        }
        for share, title, pair, partner in db.session.execute(
            select(PairShare, TemplateEntry.title, Pair, User)
            .join(TemplateEntry, TemplateEntry.id == PairShare.entry_id)
            .join(Pair, Pair.id == PairShare.pair_id)
            .join(User, User.id == sharing.partner_column(user.id))
            .where(TemplateEntry.user_id == user.id)
            .order_by(PairShare.shared_at)
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
    # Shares first: they name the person's entries and the pairs they are in.
    own_entries = select(TemplateEntry.id).where(TemplateEntry.user_id == user.id)
    pairs = select(Pair.id).where(or_(Pair.mentor_id == user.id, Pair.executive_id == user.id))
    db.session.execute(
        delete(PairShare).where(
            or_(PairShare.entry_id.in_(own_entries), PairShare.pair_id.in_(pairs))
        )
    )
    for model in OWNED:
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.execute(
        delete(Pair).where(or_(Pair.mentor_id == user.id, Pair.executive_id == user.id))
    )
    db.session.delete(user)
    db.session.commit()


class AccountError(ValueError):
    """A change to an account that can't be made, with the reason to show."""


def request_password_reset(email: str) -> int | None:
    """Queue a reset link for an active account with this address; None when none was sent."""
    user = get_user_by_email(email)
    if user is None or not user.is_active:
        return None
    token = tokens.issue(user, "password")
    if token is None:
        return None
    return outbox.queue(
        "password_reset",
        f"token {token.id}",
        to=user.email,
        user_id=user.id,
        params={"token_id": token.id},
    )


def reset_password(token: AccountToken, password: str) -> User | None:
    """Set a new password with a reset link, once; end every session. None if already spent."""
    user = db.session.get(User, token.user_id)
    if user is None or not tokens.use(token):
        return None
    set_password(user, password)
    return user


def set_password(user: User, password: str) -> None:
    """Store a new password and end every session of the account, on every device."""
    user.password_hash = hash_password(password)
    end_all_sessions(user)


def change_name(user: User, name: str) -> None:
    """Change the name others see."""
    user.name = name.strip()
    db.session.commit()


def request_email_change(user: User, new_email: str) -> int | None:
    """Queue a confirmation to a new address; the account keeps the old one until it is used."""
    address = normalize_email(new_email)
    if address == user.email:
        raise AccountError("That is already your address.")
    if get_user_by_email(address) is not None:
        raise AccountError("An account with this email already exists.")
    token = tokens.issue(user, "email", new_email=address)
    if token is None:
        raise AccountError("We sent you several links in the last hour. Wait a little, then try.")
    return outbox.queue(
        "email_confirm",
        f"token {token.id}",
        to=address,
        user_id=user.id,
        params={"token_id": token.id},
    )


def confirm_email_change(token: AccountToken) -> tuple[User, int | None]:
    """Replace a person's address with the confirmed new one, once; tell the old address.

    Returns the user and the queued notice to the old address (so a change the owner did not
    make is noticed where they still read mail).
    """
    user = db.session.get(User, token.user_id)
    if user is None or token.new_email is None or not tokens.use(token):
        raise AccountError("This link was already used.")
    old = user.email
    user.email = token.new_email
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AccountError("Another account took this address in the meantime.") from None
    notice = outbox.queue(
        "email_changed",
        f"token {token.id}",
        to=old,
        user_id=user.id,
        params={"old": old, "new": user.email},
    )
    return user, notice


def can_deactivate(actor: User, target: User) -> bool:
    """Tell whether one person may close another's account.

    Admins: anyone but themselves. Leads: mentors and executives in the cohorts they lead.
    """
    if not actor.is_authenticated or actor.id == target.id:
        return False
    if actor.is_admin:
        return True
    if not actor.is_lead or target.is_lead or target.is_admin:
        return False
    return access.can_see_person(actor, target.id)


def set_lead(user: User, is_lead: bool) -> None:
    """Appoint or stand down a program lead; a lead reads the program lead's pathway first.

    Standing down also takes them off every cohort they led, so appointing them again later
    (from the admin page or the command line) starts them with no cohorts.
    """
    user.is_lead = is_lead
    if is_lead:
        user.role = "program"
    else:
        db.session.execute(delete(CohortLead).where(CohortLead.user_id == user.id))
    db.session.commit()


def set_active(user: User, active: bool) -> None:
    """Close or reopen an account; closing it ends its sessions and keeps all its history."""
    if active:
        user.deactivated_at = None
    elif user.deactivated_at is None:
        user.deactivated_at = utcnow()
        end_all_sessions(user)
    db.session.commit()


def list_accounts(viewer: User) -> list[User]:
    """Return the accounts a person may see on the people page, by name.

    Admins see every account; a program lead sees the people in the cohorts they lead.
    """
    query = select(User)
    seen = access.visible_people(viewer)
    if seen is not None:
        query = query.where(User.id.in_(seen))
    return list(db.session.scalars(query.order_by(User.name, User.email)))
