"""Learning records as xAPI 1.0.3 statements, for a learning record store (LRS).

Three verbs from ADL's registry: `completed` a step, `answered` a knowledge check (success is
whether the latest answer is right; the answer itself is never sent), `experienced` a held
mentoring session. The actor is an account on this site (its id, never an email address),
every step and check has its own IRI, and `context.registration` is a UUID per pair, so an LRS
can group a pair's sessions and learning. Statement ids are UUIDs derived from the record, so
importing the same export twice gives the LRS the same statements, not copies.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, or_, select

from upward.models import CheckAnswer, Completion, Meeting, Pair, User
from upward.reports.exports import stream
from upward.reports.scope import Scope
from upward.viewer import LibraryView

VERSION = "1.0.3"
VERBS = {
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "experienced": "http://adlnet.gov/expapi/verbs/experienced",
}
ACTIVITY_TYPES = {
    "step": "http://adlnet.gov/expapi/activities/lesson",
    "check": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "session": "http://adlnet.gov/expapi/activities/meeting",
}


def base_url() -> str:
    """Return the site's public address, the home of every IRI in the statements."""
    return str(current_app.config["UPWARD_BASE_URL"]).rstrip("/")


def namespace() -> uuid.UUID:
    """Return the namespace of this site's statement and registration UUIDs.

    Keyed with the secret key, so nobody outside can turn a pair's registration back into
    its id, while the same pair gets the same UUID in every export.
    """
    key = current_app.config["SECRET_KEY"]
    digest = hmac.new(str(key).encode(), b"upward.xapi", hashlib.sha256).digest()
    return uuid.UUID(bytes=digest[:16])


def registration(pair_id: int, space: uuid.UUID) -> str:
    """Return the UUID of a pair's registration."""
    return str(uuid.uuid5(space, f"pair:{pair_id}"))


def timestamp(moment: datetime) -> str:
    """Return an ISO 8601 timestamp with its offset (the database's are UTC), as xAPI asks."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def actor(user_id: int, name: str, home: str) -> dict[str, Any]:
    """Return an Agent identified by their account on this site."""
    return {
        "objectType": "Agent",
        "name": name,
        "account": {"homePage": home, "name": str(user_id)},
    }


def verb(name: str) -> dict[str, Any]:
    """Return a verb with its ADL IRI and an English display name."""
    return {"id": VERBS[name], "display": {"en-US": name}}


def activity(iri: str, kind: str, title: str) -> dict[str, Any]:
    """Return an Activity with its type and name."""
    return {
        "objectType": "Activity",
        "id": iri,
        "definition": {"type": ACTIVITY_TYPES[kind], "name": {"en-US": title}},
    }


def step_iri(home: str, step_id: str) -> str:
    """Return a step's IRI (the same for a step in every pathway that uses it)."""
    return f"{home}/xapi/activities/steps/{step_id}"


def statements(scope: Scope, view: LibraryView) -> Iterator[dict[str, Any]]:
    """Yield the statements of everyone in scope, three streamed queries in all."""
    home, space = base_url(), namespace()
    titles = {s.id: s.title for p in view.pathways() for s in view.steps(p)}
    steps = sorted(titles)
    people = scope.members().subquery()
    # A person's registration is their latest pair in scope, if they have one.
    latest_pair = (
        select(func.max(Pair.id))
        .where(
            scope.pair_filter(),
            or_(Pair.mentor_id == people.c.user_id, Pair.executive_id == people.c.user_id),
        )
        .correlate(people)
        .scalar_subquery()
    )
    completions = (
        select(
            Completion.id,
            Completion.user_id,
            User.name,
            Completion.step_id,
            Completion.completed_at,
            latest_pair,
        )
        .join(people, people.c.user_id == Completion.user_id)
        .join(User, User.id == Completion.user_id)
        .where(Completion.step_id.in_(steps))
        .order_by(Completion.id)
    )
    for row_id, user_id, name, step_id, at, pair_id in stream(completions):
        yield statement(
            f"completion:{row_id}:{at.isoformat()}",
            space,
            actor(user_id, name, home),
            verb("completed"),
            activity(step_iri(home, step_id), "step", titles[step_id]),
            {"completion": True},
            at,
            pair_id,
            parent=None,
        )
    answers = (
        select(
            CheckAnswer.id,
            CheckAnswer.user_id,
            User.name,
            CheckAnswer.step_id,
            CheckAnswer.check_id,
            CheckAnswer.correct,
            CheckAnswer.answered_at,
            latest_pair,
        )
        .join(people, people.c.user_id == CheckAnswer.user_id)
        .join(User, User.id == CheckAnswer.user_id)
        .where(CheckAnswer.step_id.in_(steps))
        .order_by(CheckAnswer.id)
    )
    for row_id, user_id, name, step_id, check_id, correct, at, pair_id in stream(answers):
        parent = step_iri(home, step_id)
        yield statement(
            f"answer:{row_id}:{at.isoformat()}",
            space,
            actor(user_id, name, home),
            verb("answered"),
            activity(f"{parent}/checks/{check_id}", "check", f"{titles[step_id]}: {check_id}"),
            {"success": bool(correct)},
            at,
            pair_id,
            parent=parent,
        )
    yield from session_statements(scope, people, home, space)


def session_statements(
    scope: Scope, people: Any, home: str, space: uuid.UUID
) -> Iterator[dict[str, Any]]:
    """Yield an `experienced` statement for each partner in scope of each held session."""
    sessions = (
        select(
            Meeting.id, Meeting.uid, Meeting.starts_at, Meeting.minutes, Pair.id, User.id, User.name
        )
        .join(Pair, Pair.id == Meeting.pair_id)
        .join(User, or_(User.id == Pair.mentor_id, User.id == Pair.executive_id))
        .join(people, people.c.user_id == User.id)
        .where(scope.pair_filter(), Meeting.status == "held")
        .order_by(Meeting.id, User.id)
    )
    for meeting_id, uid, at, minutes, pair_id, user_id, name in stream(sessions):
        yield statement(
            f"session:{meeting_id}:{user_id}",
            space,
            actor(user_id, name, home),
            verb("experienced"),
            activity(f"{home}/xapi/activities/sessions/{uid}", "session", "Mentoring session"),
            {"completion": True, "duration": f"PT{int(minutes)}M"},
            at,
            pair_id,
            parent=None,
        )


def statement(
    key: str,
    space: uuid.UUID,
    who: dict[str, Any],
    did: dict[str, Any],
    what: dict[str, Any],
    result: dict[str, Any],
    at: datetime,
    pair_id: int | None,
    parent: str | None,
) -> dict[str, Any]:
    """Return one statement; its id is derived from `key`, so it is the same in every export."""
    found: dict[str, Any] = {
        "id": str(uuid.uuid5(space, key)),
        "actor": who,
        "verb": did,
        "object": what,
        "result": result,
        "timestamp": timestamp(at),
    }
    context: dict[str, Any] = {"platform": "Upward", "language": "en-US"}
    if pair_id is not None:
        context["registration"] = registration(pair_id, space)
    if parent:
        context["contextActivities"] = {"parent": [{"objectType": "Activity", "id": parent}]}
    found["context"] = context
    return found


BATCH = 500
"""Statements sent to the client at a time (one piece each would cost more than the JSON)."""
encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def to_json(items: Iterator[dict[str, Any]]) -> Iterator[str]:
    """Yield a StatementResult document ({"statements": [...], "more": ""}) in pieces."""
    yield '{"statements": ['
    batch: list[str] = []
    for n, item in enumerate(items):
        batch.append(("," if n else "") + "\n" + encode(item))
        if len(batch) == BATCH:
            yield "".join(batch)
            batch.clear()
    yield "".join(batch) + '\n], "more": ""}\n'
