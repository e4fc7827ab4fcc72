"""Learner pages make at most 3 round trips to PostgreSQL, BEGIN and pings included.

The count is taken from libpq's own trace of the wire protocol: every exchange with the server
ends in a ReadyForQuery message, whatever SQLAlchemy or psycopg send (BEGIN, a ping, ROLLBACK).
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, select

from tests.helpers import AuthActions, build_app, count_queries, write_library
from upward.config import get_config
from upward.extensions import db

MAX_ROUND_TRIPS = 3
PAGES = ["/", "/dashboard", "/pathways/path0", "/pathways/path0/steps/p0-s1", "/steps/p0-s1"]

on_postgresql = pytest.mark.skipif(
    "postgresql" not in os.environ.get("DATABASE_URL", ""), reason="counts PostgreSQL's protocol"
)


@contextmanager
def traced(app):
    """Yield a function returning the messages each connection exchanged with the server."""
    from psycopg import pq

    files: dict[int, object] = {}

    def trace(dbapi_connection, connection_record, *args):
        """Trace a connection from checkout (before any ping) to checkin."""
        file = files.get(id(connection_record))
        if file is None:
            file = files[id(connection_record)] = tempfile.TemporaryFile()  # noqa: SIM115
        dbapi_connection.pgconn.trace(file.fileno())
        dbapi_connection.pgconn.set_trace_flags(
            pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE
        )

    def untrace(dbapi_connection, connection_record):
        """Stop tracing, which also flushes what libpq buffered."""
        if not dbapi_connection.closed:
            dbapi_connection.pgconn.untrace()

    with app.app_context():
        engine = db.engine
    event.listen(engine, "checkout", trace, insert=True)
    event.listen(engine, "checkin", untrace)

    read: dict[int, int] = {}

    def messages() -> list[str]:
        """Return the messages traced since the last call."""
        lines = []
        for file in files.values():
            size = os.fstat(file.fileno()).st_size
            start = read.get(file.fileno(), 0)
            text = os.pread(file.fileno(), size - start, start).decode(errors="replace")
            lines += text.split("\n")
            read[file.fileno()] = size
        return [line for line in lines if line.count("\t") >= 2]

    try:
        yield messages
    finally:
        event.remove(engine, "checkout", trace)
        event.remove(engine, "checkin", untrace)
        for file in files.values():
            file.close()


def round_trips(lines: list[str]) -> list[str]:
    """Return what the client sent in each exchange that the server ended with ReadyForQuery."""
    exchanges, sent = [], []
    for line in lines:
        direction, _, kind_and_rest = line.split("\t", 2)
        kind = kind_and_rest.split("\t")[0]
        if direction == "F" and kind in ("Query", "Parse"):
            sent.append(kind_and_rest.split("\t", 1)[1][:80] if "\t" in kind_and_rest else kind)
        if direction == "B" and kind == "ReadyForQuery":
            exchanges.append(" | ".join(sent) or "(sync)")
            sent = []
    return exchanges


def production_pool(tmp_path: Path) -> dict:
    """Return the engine options production uses, with a pool of one connection."""
    options = get_config(str(tmp_path), {}, secret_key="x")["SQLALCHEMY_ENGINE_OPTIONS"]
    return {**options, "pool_size": 1}


def page_round_trips(tmp_path: Path, pathways: int, steps: int, history: int) -> dict[str, list]:
    """Return the exchanges each learner page makes with PostgreSQL, pooled as in production."""
    content, manifests = write_library(tmp_path / "lib", pathways, steps)
    gen = build_app(
        tmp_path,
        UPWARD_CONTENT_DIR=str(content),
        UPWARD_PATHWAYS_DIR=str(manifests),
        SQLALCHEMY_ENGINE_OPTIONS=production_pool(tmp_path),
    )
    app = next(gen)
    client = app.test_client()
    auth = AuthActions(client)
    auth.register()
    step = "/pathways/path0/steps/p0-s1"
    for s in range(min(history, steps)):
        page = f"/pathways/path0/steps/p0-s{s}"
        auth.post(f"/steps/p0-s{s}/complete", {"pathway": "path0"}, page=page)
    auth.post("/steps/p0-s1/reflections/reflection-1", {"text": "note"}, page=step)
    auth.post("/steps/p0-s1/checks/check-1", {"choice": "0"}, page=step)
    found = {}
    with traced(app) as messages:
        for url in PAGES:
            client.get(url)  # warm: the connection is pooled and traced from here on
            messages()
            response = client.get(url)
            assert response.status_code in (200, 302), url
            found[url] = round_trips(messages())
    next(gen, None)  # run the teardown: it disposes of the pooled connections
    return found


@on_postgresql
def test_learner_pages_make_few_round_trips_that_do_not_grow(tmp_path):
    small = page_round_trips(tmp_path / "small", pathways=1, steps=3, history=1)
    large = page_round_trips(tmp_path / "large", pathways=6, steps=30, history=25)
    for url, exchanges in large.items():
        assert len(exchanges) <= MAX_ROUND_TRIPS, f"{url}: {exchanges}"
        assert len(exchanges) == len(small[url]), f"{url}: {small[url]} then {exchanges}"
    # A busy site pings no connection and opens no transaction to read a page.
    sent = [e.strip() for exchanges in large.values() for e in exchanges]
    assert not [e for e in sent if e in ('";"', '"BEGIN"', '"ROLLBACK"')], sent


@on_postgresql
def test_an_idle_connection_is_pinged_first(tmp_path, monkeypatch):
    from upward import database

    content, manifests = write_library(tmp_path / "lib", 1, 3)
    gen = build_app(
        tmp_path,
        UPWARD_CONTENT_DIR=str(content),
        UPWARD_PATHWAYS_DIR=str(manifests),
        SQLALCHEMY_ENGINE_OPTIONS=production_pool(tmp_path),
    )
    app = next(gen)
    client = app.test_client()
    AuthActions(client).register()
    with traced(app) as messages:
        client.get("/dashboard")
        messages()
        monkeypatch.setattr(database, "IDLE_PING_SECONDS", 0.0)
        client.get("/dashboard")
        exchanges = round_trips(messages())
    next(gen, None)  # run the teardown: it disposes of the pooled connections
    assert len(exchanges) == 2, exchanges
    assert exchanges[0].strip() == '";"', exchanges  # SQLAlchemy's ping for psycopg


def test_a_step_the_page_did_not_read_is_looked_up_rather_than_guessed(app, client, auth):
    from sqlalchemy import select

    from upward import prefetch
    from upward.models import User

    auth.register()
    page = "/pathways/mentoring/steps/sbi"
    auth.post("/steps/sbi/complete", {"pathway": "mentoring"}, page=page)
    with app.test_request_context("/"):
        user_id = db.session.scalar(select(User.id))
        found = prefetch.PartialCompletions((), frozenset({"other"}), user_id)
        assert found.get("other") is None
        assert found.get("sbi").step_id == "sbi"  # read when asked, not reported as undone
        assert "sbi" in found and found["sbi"].version


def test_the_dashboard_knows_a_partner_from_the_same_statement(app, client, auth):
    from upward.models import Pair, User
    from upward.pairs import get_partner_ids

    auth.register()
    with app.app_context():
        me = db.session.scalar(select(User.id))
        other = User(email="exec@example.com", name="Ex", password_hash="x", role="executive")
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    with app.test_request_context("/dashboard"):
        assert get_partner_ids(me) == set()
    with app.app_context():
        db.session.add(Pair(mentor_id=me, executive_id=other_id, status="active"))
        db.session.commit()
    from upward import prefetch

    seen = {}
    original = prefetch.add_row

    def spy(found, row):
        original(found, row)
        seen["partners"] = set(found.partner_ids)

    prefetch.add_row = spy
    try:
        with count_queries(app) as statements:
            assert client.get("/dashboard").status_code == 200
    finally:
        prefetch.add_row = original
    assert len(statements) == 1
    assert seen["partners"] == {other_id}
