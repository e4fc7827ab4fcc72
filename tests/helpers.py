"""Helpers for the app tests: settings, an app with its own database, people, forms, edits.

Fixtures live in conftest.py; tests import helpers from here and never from each other.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from pathlib import Path

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select, text
from sqlalchemy.pool import NullPool

from upward import create_app
from upward.extensions import db
from upward.models import Pair, TemplateEntry, User
from upward.models.types import utcnow

HERE = Path(__file__).parent
SITE = HERE / "fixtures" / "site"
ROOT = HERE.parent
PASSWORD = "correct horse battery staple"


def make_config(tmp_path: Path, **overrides: object) -> dict[str, object]:
    """Return test settings: fixture library, private database, cheap password hashing."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    config: dict[str, object] = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": url,
        "UPWARD_CONTENT_DIR": str(SITE / "content"),
        "UPWARD_PATHWAYS_DIR": str(SITE / "pathways"),
        "UPWARD_WATCH": False,
        "UPWARD_PARSE_CACHE": False,
        "UPWARD_ARGON2_MEMORY_KIB": 64,
        "UPWARD_ARGON2_TIME_COST": 1,
        "RATELIMIT_ENABLED": False,
        # Each test builds its own app; closing connections at once keeps engines from
        # leaving idle PostgreSQL connections behind for the garbage collector.
        "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": NullPool},
    }
    config.update(overrides)
    return config


def build_app(tmp_path: Path, **overrides: object) -> Iterator[Flask]:
    """Create an app with a fresh schema, and clean the database up afterwards."""
    app = create_app(make_config(tmp_path, **overrides))
    with app.app_context():
        db.drop_all()
        db.create_all()
    # The app recorded no step versions nor summary at start (no tables): record them now,
    # as the next load would in production after `flask db upgrade`.
    app.extensions["upward.versions"].record(app.extensions["upward.library"].library)
    app.extensions["upward.summary"].sync(app.extensions["upward.library"].library)
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()
    store = app.extensions["upward.library"]
    store.stop()


@contextmanager
def migrated_to(tmp_path: Path, revision: str = "head") -> Iterator[Flask]:
    """Yield an app, inside its app context, whose empty database Alembic took to revision."""
    gen = build_app(tmp_path)
    app = next(gen)
    try:
        with app.app_context():
            db.drop_all()
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
            flask_migrate.upgrade(revision=revision)
            yield app
    finally:
        gen.close()


SITE_SCRIPT = '<script src="/static/js/unsaved.js" defer></script>'
"""The site's one script, a static file (CSP allows no inline script)."""


def without_site_script(html: str) -> str:
    """Return a page without the site's own script tag, to check nothing else adds one."""
    return html.replace(SITE_SCRIPT, "", 1)


CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(client: FlaskClient, url: str = "/account/login") -> str:
    """Fetch a page and return the CSRF token in its first form."""
    html = client.get(url).get_data(as_text=True)
    match = CSRF.search(html)
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


class AuthActions:
    """Register, log in and log out through the real forms."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def register(
        self,
        email: str = "mentor@example.com",
        name: str = "Maya Mentor",
        role: str = "mentor",
        password: str = PASSWORD,
    ):
        """Register through the form; a program lead registers, then is appointed by an admin."""
        token = csrf_token(self.client, "/account/register")
        response = self.client.post(
            "/account/register",
            data={
                "csrf_token": token,
                "name": name,
                "email": email,
                "password": password,
                "confirm": password,
                "role": "mentor" if role == "program" else role,
            },
        )
        if role == "program" and response.status_code == 302:
            appoint_lead(self.client.application, email)
        return response

    def login(self, email: str = "mentor@example.com", password: str = PASSWORD, **extra):
        token = csrf_token(self.client, "/account/login")
        data = {"csrf_token": token, "email": email, "password": password, **extra}
        return self.client.post("/account/login", data=data)

    def logout(self):
        token = csrf_token(self.client, "/")
        return self.client.post("/account/logout", data={"csrf_token": token})

    def post(self, url: str, data: dict | None = None, page: str = "/", **kwargs):
        """POST to a URL with a valid CSRF token taken from `page`."""
        token = csrf_token(self.client, page)
        return self.client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


CHECKIN = {
    "title": "",
    "f_session_date": "2026-11-21",
    "f_learned": "Short videos beat long posts.",
    "f_change": "Bring examples.",
    "f_format": "Video call",
    "f_rating": "4",
    "action": "save",
}


def entries(app) -> list[TemplateEntry]:
    with app.app_context():
        return list(db.session.scalars(select(TemplateEntry).order_by(TemplateEntry.id)))


def fill_in(user: AuthActions, data: dict | None = None, template: str = "checkin"):
    return user.post(
        f"/templates/{template}", {**CHECKIN, **(data or {})}, page=f"/templates/{template}"
    )


def person(app, email: str, name: str, role: str) -> AuthActions:
    """Register someone in their own browser (test client)."""
    actions = AuthActions(app.test_client())
    assert actions.register(email=email, name=name, role=role).status_code == 302
    return actions


def appoint_lead(app, email: str) -> None:
    """Make someone a program lead, as `flask users grant-lead` does."""
    from upward.auth.services import set_lead

    with app.app_context():
        set_lead(db.session.scalars(select(User).where(User.email == email)).one(), True)


def user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def cohort(app, lead_email: str | None, members: dict[str, str], name: str = "Spring") -> int:
    """Make a cohort led by `lead_email` with people in it ({email: role}); return its id."""
    cohort_id = make_cohort(app, name, (lead_email,) if lead_email else ())
    for email, role in members.items():
        enrol(app, cohort_id, email, role)
    return cohort_id


def pair(app, mentor_email: str, executive_email: str) -> int:
    """Make an active pair of two registered people; return its id."""
    with app.app_context():
        made = Pair(
            mentor_id=user_id(app, mentor_email),
            executive_id=user_id(app, executive_email),
            status="active",
            started_at=utcnow(),
        )
        db.session.add(made)
        db.session.commit()
        return made.id


def share_with(app, email: str) -> dict[str, list[str]]:
    """Return the form field that shares a template with every active partner of a person."""
    person_id = user_id(app, email)
    with app.app_context():
        ids = db.session.scalars(
            select(Pair.id).where(
                Pair.status == "active",
                (Pair.mentor_id == person_id) | (Pair.executive_id == person_id),
            )
        )
        return {"share_with": [str(i) for i in ids]}


def write_library(root: Path, pathways: int, steps: int) -> tuple[Path, Path]:
    """Write a library of `pathways` pathways with `steps` steps each."""
    content, manifests = root / "content", root / "pathways"
    for p in range(pathways):
        (content / f"p{p}").mkdir(parents=True)
        for s in range(steps):
            (content / f"p{p}" / f"s{s}.md").write_text(
                f"---\ntitle: Step {s} of pathway {p}\nid: p{p}-s{s}\nminutes: 5\n---\n"
                f"Some text.\n\n```check\nquestion: Pick one\noptions:\n"
                f"  - text: A\n    correct: true\n    feedback: Right.\n"
                f"  - text: B\n    feedback: Wrong.\n```\n\n"
                f"```reflection\nprompt: Think about it\n```\n"
            )
        manifests.mkdir(exist_ok=True)
        step_list = "".join(f"  - p{p}/s{s}.md\n" for s in range(steps))
        audience = ("mentor", "executive", "program")[p % 3]
        (manifests / f"path{p}.yml").write_text(
            f"title: Pathway {p}\naudience: {audience}\nsummary: Generated.\nsteps:\n{step_list}"
        )
    return content, manifests


@contextmanager
def count_queries(app):
    """Count the SQL statements the app sends while the block runs."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def edit(path: Path, old: str, new: str) -> None:
    """Change a file and make sure its stamp changes even within one clock tick."""
    body = path.read_text()
    assert old in body
    path.write_text(body.replace(old, new))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


class MailRecorder:
    """An aiosmtpd handler that keeps every message and can refuse chosen addresses."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=email_policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """Return the messages received for one address."""
        return [m for m in self.messages if address in m["To"]]


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PHONE = {"width": 390, "height": 844}
"""A phone's viewport for the browser tests."""


def require(ok: bool, reason: str) -> None:
    """Skip when a browser prerequisite is missing; in CI fail instead, never skip silently."""
    if ok:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run the browser tests)", pytrace=False)
    pytest.skip(reason)


DRAFT_STEP = "program-draft-for-authors"
"""The id of the draft step the browser tests' live server adds for authors."""
DRAFT_PATH = "program/08-draft-for-authors.md"
"""Where that draft step's file lives in the live server's copy of the content."""


# The mentoring program's rows, made directly (reports read what other pages create).


def make_cohort(app, name: str = "Spring cohort", leads: tuple[str, ...] = ()) -> int:
    """Create a cohort led by these people (by email) and return its id."""
    from datetime import date

    from upward.models import Cohort, CohortLead

    with app.app_context():
        cohort = Cohort(name=name, starts_on=date(2026, 9, 1), ends_on=date(2027, 6, 30))
        db.session.add(cohort)
        db.session.flush()
        for email in leads:
            db.session.add(CohortLead(cohort_id=cohort.id, user_id=user_id(app, email)))
        db.session.commit()
        return cohort.id


def enrol(app, cohort_id: int, email: str, role: str, department: str = "") -> None:
    """Put a person in a cohort in a role, with a department on their profile."""
    from upward.models import Membership, Profile

    with app.app_context():
        uid = user_id(app, email)
        db.session.add(Membership(cohort_id=cohort_id, user_id=uid, role=role))
        if db.session.get(Profile, uid) is None:
            db.session.add(Profile(user_id=uid, department=department))
        db.session.commit()


def cohort_pair(
    app,
    cohort_id: int | None,
    mentor_email: str,
    executive_email: str,
    started_days_ago: float = 30,
    status: str = "active",
) -> int:
    """Make a pair of a cohort that started some days ago; return its id."""
    from datetime import timedelta

    with app.app_context():
        started = utcnow() - timedelta(days=started_days_ago)
        found = Pair(
            mentor_id=user_id(app, mentor_email),
            executive_id=user_id(app, executive_email),
            cohort_id=cohort_id,
            status=status,
            created_at=started,
            started_at=started if status in ("active", "ended") else None,
            ended_at=utcnow() if status == "ended" else None,
        )
        db.session.add(found)
        db.session.commit()
        return found.id


def add_meeting(
    app,
    pair_id: int,
    days_from_now: float,
    status: str = "planned",
    by_email: str | None = None,
    moved: int = 0,
) -> int:
    """Add a session to a pair, marked by someone (by email) when held or cancelled."""
    import uuid
    from datetime import timedelta

    from upward.models import Meeting

    with app.app_context():
        meeting = Meeting(
            pair_id=pair_id,
            uid=f"{uuid.uuid4()}@test",
            starts_at=utcnow() + timedelta(days=days_from_now),
            status=status,
            status_by_id=user_id(app, by_email) if by_email else None,
            moved_count=moved,
        )
        db.session.add(meeting)
        db.session.commit()
        return meeting.id


def add_checkin(app, meeting_id: int, email: str, text: str) -> None:
    """Save a person's check-in after a session, with their private words in it."""
    with app.app_context():
        db.session.add(
            TemplateEntry(
                user_id=user_id(app, email),
                template_id="checkin",
                title="Check-in",
                values={"learned": text},
                is_draft=False,
                meeting_id=meeting_id,
            )
        )
        db.session.commit()


def complete_steps(app, email: str, step_ids: list[str], days_ago: float = 0) -> None:
    """Record a person's completion of steps, the first one `days_ago` and a day apart."""
    from datetime import timedelta

    from upward import progress
    from upward.models import Completion

    with app.app_context():
        uid = user_id(app, email)
        for n, step_id in enumerate(step_ids):
            when = utcnow() - timedelta(days=days_ago) + timedelta(days=n)
            db.session.add(Completion(user_id=uid, step_id=step_id, version="v", completed_at=when))
        db.session.flush()
        progress.summarize(progress.pathways_with(step_ids), uid)  # as progress's writes do
        db.session.commit()


def answer_check(
    app, email: str, step_id: str, check_id: str, first_correct: bool | None, correct: bool = True
) -> None:
    """Record a person's answer to a knowledge check and whether their first try was right."""
    from upward.models import CheckAnswer

    with app.app_context():
        db.session.add(
            CheckAnswer(
                user_id=user_id(app, email),
                step_id=step_id,
                check_id=check_id,
                choice=0,
                correct=correct,
                first_correct=first_correct,
            )
        )
        db.session.commit()


PRIVATE_MARKER = "PRIVATE-MARKER-the-CFO-froze-when-I-said-TikTok"
"""Planted in a note, a check-in and an unshared template: no report may ever show it."""
MENTORING_STEPS = ["why-upward", "sbi", "keep-going"]
"""The fixture site's mentor pathway, in order."""


def build_program(app) -> dict:
    """Two cohorts with a lead each; cohort A has a pair on track and a pair at risk.

    People (each in their own test client) by first name, and the cohorts' ids as 'a' and 'b'.
    Private words (PRIVATE_MARKER) sit in a check-in, a reflection note and an unshared template.
    """
    from upward.models import ReflectionNote

    people = {
        "lead": person(app, "lead@example.com", "Lee Lead", "program"),
        "other_lead": person(app, "olga@example.com", "Olga Other", "program"),
        "mo": person(app, "mo@example.com", "Mo Mentor", "mentor"),
        "eve": person(app, "eve@example.com", "Eve Exec", "executive"),
        "max": person(app, "max@example.com", "Max Mentor", "mentor"),
        "ed": person(app, "ed@example.com", "Ed Exec", "executive"),
        "bo": person(app, "bo@example.com", "Bo Beta", "mentor"),
        "bea": person(app, "bea@example.com", "Bea Beta", "executive"),
    }
    a = make_cohort(app, "Alpha cohort", leads=("lead@example.com",))
    b = make_cohort(app, "Beta cohort", leads=("olga@example.com",))
    enrol(app, a, "mo@example.com", "mentor", "Marketing")
    enrol(app, a, "eve@example.com", "executive", "Finance")
    enrol(app, a, "max@example.com", "mentor", "Marketing")
    enrol(app, a, "ed@example.com", "executive", "Operations")
    enrol(app, b, "bo@example.com", "mentor", "Sales")
    enrol(app, b, "bea@example.com", "executive", "Sales")
    on_track = cohort_pair(app, a, "mo@example.com", "eve@example.com", started_days_ago=30)
    cohort_pair(app, a, "max@example.com", "ed@example.com", started_days_ago=40)
    beta = cohort_pair(app, b, "bo@example.com", "bea@example.com", started_days_ago=30)
    held = add_meeting(app, on_track, -20, "held", "mo@example.com")
    add_meeting(app, on_track, -6, "held", "eve@example.com", moved=1)
    add_meeting(app, on_track, -5, "cancelled", "eve@example.com")
    add_meeting(app, on_track, 3, "planned")
    add_meeting(app, beta, -10, "cancelled", "bo@example.com")
    add_checkin(app, held, "eve@example.com", PRIVATE_MARKER)
    complete_steps(app, "mo@example.com", MENTORING_STEPS, days_ago=10)
    complete_steps(app, "max@example.com", ["why-upward"], days_ago=60)
    answer_check(app, "mo@example.com", "why-upward", "power", first_correct=False)
    answer_check(app, "max@example.com", "why-upward", "power", first_correct=None)
    with app.app_context():
        db.session.add(
            ReflectionNote(
                user_id=user_id(app, "mo@example.com"),
                step_id="why-upward",
                prompt_id="fear",
                text=PRIVATE_MARKER,
            )
        )
        db.session.add(
            TemplateEntry(
                user_id=user_id(app, "max@example.com"),
                template_id="agenda",
                title=PRIVATE_MARKER,
                values={"x": PRIVATE_MARKER},
                is_draft=False,
            )
        )
        db.session.commit()
    return {**people, "a": a, "b": b}


# The mentoring program: cohorts, members and pairs built straight in the database ------------


def cohort_with(app, name: str = "Spring cohort", leads: tuple[str, ...] = (), **values) -> int:
    """Create a cohort led by the people with these emails (made leads if they aren't)."""
    from datetime import date

    from upward.models import Cohort, CohortLead

    for email in leads:
        appoint_lead(app, email)
    with app.app_context():
        row = Cohort(
            name=name,
            starts_on=values.pop("starts_on", date(2026, 12, 1)),
            ends_on=values.pop("ends_on", date(2027, 6, 1)),
            **values,
        )
        db.session.add(row)
        db.session.flush()
        for email in leads:
            db.session.add(CohortLead(cohort_id=row.id, user_id=user_id(app, email)))
        db.session.commit()
        return row.id


def member(
    app,
    cohort_id: int,
    email: str,
    role: str,
    *,
    themes: tuple[str, ...] = (),
    skills: tuple[str, ...] = (),
    capacity: int | None = None,
    **profile,
) -> int:
    """Put a registered person in a cohort with a matching profile; return their user id."""
    from upward.models import Membership, Profile

    person_id = user_id(app, email)
    with app.app_context():
        db.session.add(
            Membership(
                cohort_id=cohort_id,
                user_id=person_id,
                role=role,
                themes=list(themes),
                skills=list(skills),
                capacity=capacity,
            )
        )
        if profile and db.session.get(Profile, person_id) is None:
            db.session.add(Profile(user_id=person_id, **profile))
        db.session.commit()
    return person_id


def pairs_in(app, cohort_id: int | None = None) -> list[Pair]:
    """Return the pairs (of one cohort, or all), oldest first, detached for reading."""
    with app.app_context():
        query = select(Pair).order_by(Pair.id)
        if cohort_id is not None:
            query = query.where(Pair.cohort_id == cohort_id)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        return rows


def arrange_cohort(
    database: Path,
    name: str,
    members: list[tuple[str, str, list[str]]],
    leads: tuple[str, ...] = (),
) -> int:
    """Put a cohort straight into a live server's SQLite file; return its id.

    `members` are (email, role, skills) of registered people. For browser tests, until cohorts
    and memberships have pages of their own.
    """
    import json
    import sqlite3
    from contextlib import closing

    now = "2026-12-01 09:00:00.000000"
    with closing(sqlite3.connect(database)) as conn, conn:
        cursor = conn.execute(
            "INSERT INTO cohorts (name, starts_on, ends_on, themes, mentor_capacity,"
            " avoid_same_department, cadence_days, created_at)"
            " VALUES (?, '2026-12-01', '2027-06-01', '[]', 1, 1, 14, ?)",
            (name, now),
        )
        cohort_id = cursor.lastrowid
        for email in leads:
            conn.execute(
                "INSERT INTO cohort_leads (cohort_id, user_id, created_at)"
                " SELECT ?, id, ? FROM users WHERE email = ?",
                (cohort_id, now, email),
            )
        for email, role, skills in members:
            conn.execute(
                "INSERT INTO memberships (cohort_id, user_id, role, themes, skills, goal,"
                " joined_at) SELECT ?, id, ?, '[]', ?, '', ? FROM users WHERE email = ?",
                (cohort_id, role, json.dumps(skills), now, email),
            )
    assert cohort_id is not None
    return cohort_id
