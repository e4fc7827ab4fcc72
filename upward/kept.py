"""Work is never lost to an expired session.

When a form with typed text (a reflection, a template) is refused because the session ended
elsewhere or expired, the text is kept under a secret held by that browser's session, the person
logs in, lands back on the page they were on, and finds the text there, ready to save.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, flash, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_login.utils import login_url
from sqlalchemy import delete, or_, select
from werkzeug.datastructures import MultiDict

from upward.extensions import db, login_manager
from upward.models import KeptWork
from upward.models.types import utcnow
from upward.security import is_safe_redirect

SESSION_KEY = "kept_work"
LIFETIME = timedelta(hours=24)
"""Kept text for a known person (signed out elsewhere) waits this long for them."""
ANONYMOUS_LIFETIME = timedelta(hours=2)
"""Text whose session had expired altogether could be anyone's on a shared computer: not long."""
MAX_FIELDS_SIZE = 200_000


@dataclass(frozen=True, slots=True)
class Keeper:
    """How one kind of form is kept: where its text belongs and which page to come back to."""

    place: Callable[[dict[str, Any]], str]
    back: Callable[[dict[str, Any]], str]
    reshape: Callable[[dict[str, Any], dict[str, list[str]]], dict[str, list[str]]] | None = None
    """Turn the posted fields into the shape the page restores (a reflection's note-<id>)."""
    anchor: Callable[[dict[str, Any]], str] | None = None
    """The id on the page to come back to, when there is one."""


KEEPERS: dict[str, Keeper] = {}


def keeps(endpoint: str, keeper: Keeper) -> None:
    """Say that a POST endpoint carries typed work worth keeping."""
    KEEPERS[endpoint] = keeper


def on_its_page(kind: str, page: str, names: tuple[str, ...]) -> Keeper:
    """Keep a form's text under `kind:<values of names>`, for the page `page` shows it on again
    (with the POST's own view arguments)."""
    return Keeper(
        place=lambda a: ":".join((kind, *(str(a[name]) for name in names))),
        back=lambda a: url_for(page, **a),
    )


def init_app(app: Flask) -> None:
    """Keep the text of the site's writing forms, and answer refused POSTs without a 405."""
    step = Keeper(
        place=lambda a: f"step:{a['step_id']}",
        back=lambda a: url_for("learn.step_anywhere", step_id=a["step_id"]),
    )
    keeps("learn.complete", step)
    keeps(
        "learn.reflect",
        Keeper(
            place=step.place,
            back=step.back,
            reshape=lambda a, f: {f"note-{a['prompt_id']}": f.get("text", [])},
            anchor=lambda a: a["prompt_id"],
        ),
    )
    for endpoint, kind, page, names in (
        ("discussions.create", "template", "discussions.template", ("template_id",)),
        ("discussions.edit", "entry", "discussions.edit", ("entry_id",)),
        ("sessions.checkin", "checkin", "sessions.checkin", ("meeting_id",)),
        ("pairspace.edit_agreement", "agreement", "pairspace.edit_agreement", ("pair_id",)),
        ("surveys.answer", "survey", "surveys.answer", ("cohort_id", "point")),
        ("pairs.decline", "decline", "pairs.decline", ("pair_id",)),
    ):
        keeps(endpoint, on_its_page(kind, page, names))
    keeps(
        "profiles.edit",
        Keeper(place=lambda a: "profile", back=lambda a: url_for("profiles.edit")),
    )
    keeps(
        "profiles.save_cohort",
        Keeper(
            place=lambda a: f"profile:{a['cohort_id']}",
            back=lambda a: url_for("profiles.edit"),
            anchor=lambda a: f"cohort-{a['cohort_id']}",
        ),
    )
    login_manager.unauthorized_handler(ask_to_log_in)


def ask_to_log_in() -> ResponseReturnValue:
    """Send a signed-out person to log in, and back afterwards to a page that answers GET."""
    rescued = rescue_refused_post()
    if rescued is not None:
        return rescued
    flash(login_manager.login_message, login_manager.login_message_category)
    if request.method == "POST":
        # The POST's own URL may not answer GET: come back to the page the form was on.
        return redirect(url_for("auth.login", next=page_posted_from() or url_for("learn.home")))
    return redirect(login_url(login_manager.login_view, next_url=request.url))


def rescue_refused_post() -> ResponseReturnValue | None:
    """Keep the typed text of a refused POST and say what happens next; None if there is none."""
    if request.method != "POST" or request.endpoint not in KEEPERS:
        return None
    if not is_same_origin():
        return None  # another site's form must not plant text in someone's page
    target = keep(KEEPERS[request.endpoint])
    if target is None:
        return None
    if current_user.is_authenticated:
        return redirect(target)
    flash(
        "Your session ended before this was saved. Log in, and what you typed "
        "will be back on the page, ready to save.",
        "info",
    )
    return redirect(url_for("auth.login", next=target))


def is_same_origin() -> bool:
    """Tell whether a POST came from a page of this site (Origin, else Referer)."""
    source = request.headers.get("Origin") or request.referrer
    return bool(source) and urlsplit(source).netloc == request.host


def page_posted_from() -> str | None:
    """Return the path of the page the form was on, when it is one of ours."""
    if not request.referrer or not is_same_origin():
        return None
    parts = urlsplit(request.referrer)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if is_safe_redirect(path) else None


def keep(keeper: Keeper) -> str | None:
    """Store the posted fields for this browser and return the page to come back to."""
    args = dict(request.view_args or {})
    fields = {k: request.form.getlist(k) for k in request.form if k != "csrf_token"}
    if keeper.reshape is not None:
        fields = keeper.reshape(args, fields)
    if not any(v.strip() for values in fields.values() for v in values):
        return None
    if sum(len(v) for values in fields.values() for v in values) > MAX_FIELDS_SIZE:
        return None
    forget_kept()
    secret = secrets.token_urlsafe(32)
    db.session.add(
        KeptWork(
            secret_hash=digest(secret),
            place=keeper.place(args),
            owner_id=session_user_id(),
            fields=fields,
            created_at=utcnow(),
        )
    )
    purge_old()
    db.session.commit()
    session[SESSION_KEY] = secret
    back = page_posted_from() or keeper.back(args)
    return f"{back}#{keeper.anchor(args)}" if keeper.anchor else back


def session_user_id() -> int | None:
    """Return the id of the person this session last belonged to, if it says."""
    value = str(session.get("_user_id", ""))
    user_id = value.partition(":")[0]
    return int(user_id) if user_id.isdigit() else None


def digest(secret: str) -> str:
    """Return the hash a secret is stored under."""
    return hashlib.sha256(secret.encode()).hexdigest()


def purge_old() -> None:
    """Drop kept text nobody came back for."""
    now = utcnow()
    db.session.execute(
        delete(KeptWork).where(
            or_(
                KeptWork.created_at < now - LIFETIME,
                (KeptWork.owner_id.is_(None)) & (KeptWork.created_at < now - ANONYMOUS_LIFETIME),
            )
        )
    )


def forget_kept() -> None:
    """Drop this browser's kept text, if any."""
    secret = session.pop(SESSION_KEY, None)
    if secret:
        db.session.execute(delete(KeptWork).where(KeptWork.secret_hash == digest(secret)))


def carry_over() -> str | None:
    """Return this browser's kept-text secret, to put back in the new session after login."""
    return session.get(SESSION_KEY)


def restore(secret: str | None) -> None:
    """Put the kept-text secret into a fresh session."""
    if secret:
        session[SESSION_KEY] = secret


def take(place: str) -> MultiDict[str, str] | None:
    """Give the signed-in person back the text kept for this place, once; None if there is none."""
    secret = session.get(SESSION_KEY)
    if not secret or not current_user.is_authenticated:
        return None
    kept = db.session.scalar(
        select(KeptWork).where(KeptWork.secret_hash == digest(secret), KeptWork.place == place)
    )
    if kept is None:
        return None
    session.pop(SESSION_KEY, None)
    db.session.delete(kept)
    db.session.commit()
    age = utcnow() - kept.created_at
    if kept.owner_id not in (None, current_user.id):
        return None
    if age > (LIFETIME if kept.owner_id else ANONYMOUS_LIFETIME):
        return None
    g.kept_restored = True
    flash(
        "You were logged out before this was saved. Here is what you typed: check it, then save.",
        "info",
    )
    return MultiDict([(name, value) for name, values in kept.fields.items() for value in values])
