"""Which optional mail each person gets."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select

from upward.database import insert_ignoring_duplicates
from upward.extensions import db
from upward.models import MailOptOut


def get_opt_outs(user_id: int) -> set[str]:
    """Return the categories of mail a person switched off."""
    return set(db.session.scalars(select(MailOptOut.category).where(MailOptOut.user_id == user_id)))


def is_opted_out(user_id: int, category: str) -> bool:
    """Tell whether a person switched off a category of mail."""
    return category in get_opt_outs(user_id)


def opt_out(user_id: int, category: str) -> None:
    """Switch off one category of mail (twice is the same as once)."""
    db.session.execute(insert_ignoring_duplicates(MailOptOut, user_id=user_id, category=category))
    db.session.commit()


def set_opt_outs(user_id: int, categories: Iterable[str]) -> None:
    """Keep exactly these categories switched off for a person."""
    wanted_off = set(categories)
    db.session.execute(
        delete(MailOptOut).where(
            MailOptOut.user_id == user_id, MailOptOut.category.not_in(wanted_off)
        )
    )
    for category in wanted_off:
        db.session.execute(
            insert_ignoring_duplicates(MailOptOut, user_id=user_id, category=category)
        )
    db.session.commit()
