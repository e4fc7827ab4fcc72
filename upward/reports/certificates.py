"""Certificates: finishing a pathway earns one, with a signed link anyone can check.

The verification link carries a token signed with the site's secret key (itsdangerous): the
certificate's code, holder, pathway and date. The page that opens it checks the signature and
then the database, so a forged link, an edited name and a revoked certificate are all told apart
from a genuine one. Progress rules (is the pathway finished?) stay in `upward.progress`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from upward import progress
from upward.content import Pathway
from upward.database import insert_ignoring_duplicates
from upward.extensions import db
from upward.models import User
from upward.models.reports import Certificate
from upward.models.types import utcnow
from upward.viewer import LibraryView

SALT = "upward.certificate"


class NotFinished(ValueError):
    """The person has not completed every step of the pathway."""


def serializer() -> URLSafeSerializer:
    """Return the signer of verification tokens (its own salt: no other token verifies)."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token(certificate: Certificate) -> str:
    """Return the signed token of a certificate's verification link."""
    return serializer().dumps(claims(certificate))


def claims(certificate: Certificate) -> dict[str, str]:
    """Return what a certificate says, as its token carries it."""
    return {
        "c": certificate.code,
        "n": certificate.holder_name,
        "p": certificate.pathway_title,
        "d": certificate.finished_at.date().isoformat(),
    }


@dataclass(frozen=True, slots=True)
class Earned:
    """A finished pathway and its certificate, once the person has asked for it."""

    pathway: Pathway
    finished_at: datetime
    certificate: Certificate | None


def finished_at(view: LibraryView, pathway: Pathway, user_id: int) -> datetime | None:
    """Return when a person completed the last step of a pathway, or None if they have not."""
    found = progress.get_progress(view, pathway, progress.get_completions(user_id))
    if not found.is_complete:
        return None
    return max(step.completed_at for step in found.steps if step.completed_at is not None)


def list_earned(view: LibraryView, user: User) -> list[Earned]:
    """Return the pathways a person has finished, with the certificates they hold."""
    completions = progress.get_completions(user.id)
    held = {
        c.pathway_id: c
        for c in db.session.scalars(select(Certificate).where(Certificate.user_id == user.id))
    }
    earned = []
    for found in progress.get_all_progress(view, completions):
        if found.is_complete:
            last = max(s.completed_at for s in found.steps if s.completed_at is not None)
            earned.append(Earned(found.pathway, last, held.get(found.pathway.id)))
    return earned


def get_certificate(user_id: int, pathway_id: str) -> Certificate | None:
    """Return a person's certificate of a pathway, if they have one."""
    return db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == user_id, Certificate.pathway_id == pathway_id
        )
    )


def issue(view: LibraryView, user: User, pathway: Pathway) -> Certificate:
    """Give a person the certificate of a pathway they finished; asking twice gives one."""
    when = finished_at(view, pathway, user.id)
    if when is None:
        raise NotFinished(pathway.id)
    db.session.execute(
        insert_ignoring_duplicates(
            Certificate,
            code=str(uuid.uuid4()),
            user_id=user.id,
            pathway_id=pathway.id,
            pathway_title=pathway.title,
            holder_name=user.name,
            finished_at=when,
            issued_at=utcnow(),
        )
    )
    db.session.commit()
    found = get_certificate(user.id, pathway.id)
    assert found is not None
    return found


@dataclass(frozen=True, slots=True)
class Verification:
    """What the verification page says of a token."""

    status: str
    """'genuine', 'revoked' or 'unknown' (a forged, altered or mistyped link)."""
    certificate: Certificate | None = None


def verify(text: str) -> Verification:
    """Check a verification token's signature, then that the site still stands by it."""
    try:
        said = serializer().loads(text)
    except BadSignature:
        return Verification("unknown")
    if not isinstance(said, dict):
        return Verification("unknown")
    certificate = db.session.scalar(select(Certificate).where(Certificate.code == said.get("c")))
    if certificate is None or claims(certificate) != said:
        return Verification("unknown")
    if certificate.revoked_at is not None:
        return Verification("revoked", certificate)
    return Verification("genuine", certificate)


def revoke(certificate: Certificate, by: User) -> None:
    """Withdraw a certificate: its link then says it was revoked (revoking twice is once)."""
    if certificate.revoked_at is None:
        certificate.revoked_at = utcnow()
        certificate.revoked_by_id = by.id
        db.session.commit()
