"""Invitation links: to become a program lead, or to join a cohort in a role. Each works once.

A link carries the invitation's row id, signed with the site's secret (the database holds no
usable link). It is spent by one conditional update, so a double click or two people racing
for one link records one acceptance; the loser is told the link was used, and by whom if it was
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from upward.auth import services as accounts
from upward.database import insert_ignoring_duplicates
from upward.extensions import db
from upward.mail import outbox
from upward.models import Cohort, Invitation, Membership, User
from upward.models.types import utcnow
from upward.program import profiles
from upward.program.invitations_links import LIFETIMES, get_cohort, state
from upward.vocabulary import PARTICIPANT_ROLES


class InvitationError(ValueError):
    """An invitation that can't be accepted, with the state that stops it."""

    def __init__(self, state: str) -> None:
        super().__init__(state)
        self.state = state


@dataclass(frozen=True, slots=True)
class Accepted:
    """What accepting an invitation did: made a lead, or put someone in a cohort."""

    purpose: str
    cohort: Cohort | None
    role: str | None
    already: bool = False
    """They were in the cohort already: nothing changed and the link stays unspent."""


def create(
    by: User,
    purpose: str,
    *,
    cohort_id: int | None = None,
    role: str | None = None,
    email: str | None = None,
    name: str | None = None,
    details: dict[str, str] | None = None,
    now: datetime | None = None,
) -> Invitation:
    """Create an invitation link (not yet mailed)."""
    if purpose not in LIFETIMES:
        raise ValueError(f"unknown invitation purpose {purpose!r}")
    if purpose == "cohort" and (cohort_id is None or role not in PARTICIPANT_ROLES):
        raise ValueError("a cohort invitation needs a cohort and a participant role")
    now = now or utcnow()
    email = accounts.normalize_email(email) if email else None
    twin = find_twin(by, purpose, cohort_id, role, email, now)
    if twin is not None:
        return twin
    invitation = Invitation(
        purpose=purpose,
        cohort_id=cohort_id,
        role=role,
        email=email,
        name=name or None,
        details=details or {},
        created_by_id=by.id,
        created_at=now,
        expires_at=now + LIFETIMES[purpose],
    )
    db.session.add(invitation)
    db.session.commit()
    return invitation


TWIN_WINDOW = timedelta(seconds=30)
"""An identical link asked for again this soon is a double click: the first one is returned."""


def find_twin(
    by: User,
    purpose: str,
    cohort_id: int | None,
    role: str | None,
    email: str | None,
    now: datetime,
) -> Invitation | None:
    """Return the open invitation this request repeats, if any.

    One open invitation per address (a re-import or a second click reuses it); a link for
    nobody in particular repeats only when the same person asked for it seconds ago.
    """
    query = select(Invitation).where(
        Invitation.purpose == purpose,
        Invitation.used_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > now,
    )
    query = query.where(
        Invitation.cohort_id == cohort_id if cohort_id else Invitation.cohort_id.is_(None)
    )
    if email:
        query = query.where(Invitation.email == email)
    else:
        query = query.where(
            Invitation.email.is_(None),
            Invitation.role == role if role else Invitation.role.is_(None),
            Invitation.created_by_id == by.id,
            Invitation.created_at > now - TWIN_WINDOW,
        )
    return db.session.scalars(query.order_by(Invitation.id.desc()).limit(1)).first()


def is_member(cohort_id: int, user_id: int) -> Membership | None:
    """Return a person's current membership of a cohort, if they are in it."""
    return db.session.scalar(
        select(Membership).where(
            Membership.cohort_id == cohort_id,
            Membership.user_id == user_id,
            Membership.left_at.is_(None),
        )
    )


def accept(invitation: Invitation, user: User, now: datetime | None = None) -> Accepted:
    """Spend an invitation for a person: make them a lead, or put them in the cohort.

    Raises InvitationError when the link is used, expired or withdrawn. Someone already in the
    cohort is told so and the link stays unspent, so it is not wasted on them.
    """
    now = now or utcnow()
    current = state(invitation, now)
    if current != "open":
        raise InvitationError(current)
    cohort = get_cohort(invitation)
    if cohort is not None:
        existing = is_member(cohort.id, user.id)
        if existing is not None:
            return Accepted("cohort", cohort, existing.role, already=True)
    result = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(used_at=now, used_by_id=user.id)
    )
    if cast(CursorResult[Any], result).rowcount != 1:
        db.session.rollback()
        db.session.refresh(invitation)
        raise InvitationError(state(invitation, now))
    if invitation.purpose == "lead":
        user.is_lead = True
        user.role = "program"
        db.session.commit()
        return Accepted("lead", None, None)
    assert cohort is not None and invitation.role is not None
    join(cohort.id, user.id, invitation.role, added_by_id=invitation.created_by_id, now=now)
    details = invitation.details or {}
    profiles.fill_in(user.id, details.get("department", ""), details.get("manager_email", ""))
    db.session.commit()
    return Accepted("cohort", cohort, invitation.role)


def join(
    cohort_id: int, user_id: int, role: str, *, added_by_id: int | None, now: datetime
) -> bool:
    """Put a person in a cohort (back in, if they had left); tell whether anything changed."""
    inserted = db.session.scalar(
        insert_ignoring_duplicates(
            Membership,
            cohort_id=cohort_id,
            user_id=user_id,
            role=role,
            themes=[],
            skills=[],
            goal="",
            added_by_id=added_by_id,
            joined_at=now,
        ).returning(Membership.id)
    )
    if inserted is not None:
        return True
    result = db.session.execute(
        update(Membership)
        .where(
            Membership.cohort_id == cohort_id,
            Membership.user_id == user_id,
            Membership.left_at.is_not(None),
        )
        .values(left_at=None, role=role, joined_at=now, added_by_id=added_by_id)
    )
    return cast(CursorResult[Any], result).rowcount == 1


def revoke(invitation: Invitation, now: datetime | None = None) -> bool:
    """Withdraw an unused invitation; tell whether it was still open."""
    result = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=now or utcnow())
    )
    db.session.commit()
    return cast(CursorResult[Any], result).rowcount == 1


def list_for(
    purpose: str, cohort_id: int | None = None, now: datetime | None = None
) -> list[tuple[Invitation, str]]:
    """Return a purpose's invitations, newest first, each with its state."""
    query = select(Invitation).where(Invitation.purpose == purpose)
    if cohort_id is not None:
        query = query.where(Invitation.cohort_id == cohort_id)
    found = db.session.scalars(query.order_by(Invitation.created_at.desc(), Invitation.id.desc()))
    return [(invitation, state(invitation, now)) for invitation in found]


def mail(invitation: Invitation) -> int | None:
    """Queue the invitation's mail to its address; None if it was queued before or has none."""
    if not invitation.email:
        return None
    return outbox.queue(
        "invitation",
        f"invitation {invitation.id}",
        to=invitation.email,
        params={"invitation_id": invitation.id, "name": invitation.name or ""},
    )
