"""Invitation links as the site reads them: signed, found, and in which state.

Kept apart from `invitations` (which creates, accepts and mails them) so the invitation mail
can read a link's state without importing the outbox that sends it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from itsdangerous import BadSignature

from upward.extensions import db
from upward.mail.compose import external_url, serializer
from upward.models import Cohort, Invitation, User
from upward.models.types import utcnow

LIFETIMES = {"lead": timedelta(days=7), "cohort": timedelta(days=14)}
"""How long a link works: a week to take up a lead's role, two weeks to join a cohort."""

STATES = {
    "open": "Waiting",
    "used": "Accepted",
    "expired": "Expired",
    "revoked": "Withdrawn",
}


def describe_lifetime(purpose: str) -> str:
    """Return how long a link of this purpose works, as people say it ('7 days')."""
    return f"{LIFETIMES[purpose].days} days"


def sign(invitation: Invitation) -> str:
    """Return the token of an invitation's link."""
    return serializer("invitation").dumps(invitation.id)


def link(invitation: Invitation) -> str:
    """Return the full address of an invitation, as it is mailed and shown to copy."""
    return external_url("invitations.show", token=sign(invitation))


def find(token: str) -> Invitation | None:
    """Return the invitation a link names, in whatever state, or None for a forged link."""
    try:
        invitation_id = serializer("invitation").loads(token)
    except BadSignature:
        return None
    if not isinstance(invitation_id, int):
        return None
    return db.session.get(Invitation, invitation_id)


def state(invitation: Invitation, now: datetime | None = None) -> str:
    """Return 'open', 'used', 'revoked' or 'expired' (a used link says so even once expired)."""
    if invitation.used_at is not None:
        return "used"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= (now or utcnow()):
        return "expired"
    cohort = get_cohort(invitation)
    if invitation.purpose == "cohort" and (cohort is None or cohort.archived_at is not None):
        return "revoked"
    return "open"


def get_cohort(invitation: Invitation) -> Cohort | None:
    """Return the cohort an invitation is for, if it is for one."""
    return db.session.get(Cohort, invitation.cohort_id) if invitation.cohort_id else None


def get_sender(invitation: Invitation) -> User | None:
    """Return who created the invitation, if their account still exists."""
    return db.session.get(User, invitation.created_by_id) if invitation.created_by_id else None
