"""Database wiring: engine settings per dialect, migrations, dialect-aware inserts."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, partial
from typing import Any

from flask import Flask
from sqlalchemy import Insert, event, exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect, Engine

from upward.extensions import db, migrate

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5
STATEMENT_TIMEOUT_MS = 10_000
"""Well under gunicorn's 30 s worker timeout, so a slow database gets a 503, not a killed worker."""


def init_app(app: Flask) -> None:
    """Bind SQLAlchemy and Alembic with timeouts; keep SQLite private and fit for many workers."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    add_timeouts(url, options)
    if url.startswith("sqlite:///"):
        create_private_file(url.removeprefix("sqlite:///"))
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", set_sqlite_pragmas)
        else:
            if db.engine.dialect.driver == "psycopg":
                event.listen(db.engine, "do_connect", connect_watched)
            event.listen(db.engine, "checkin", note_checkin)
            event.listen(db.engine, "checkout", partial(ping_if_idle, db.engine.dialect))
        ENGINES.add(db.engine)


ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()
"""Every engine of this process, so that a forked worker opens connections of its own."""


def forget_after_fork() -> None:
    """In a forked worker, drop the pooled connections and watchdog state of the parent.

    A server that loads the app before forking (gunicorn --preload, `python -m upward.serve`)
    would otherwise have every worker talk over the same sockets.
    """
    for engine in list(ENGINES):
        engine.dispose(close=False)  # the parent still owns them: don't close them under it
    WATCHDOG.reset()


IDLE_PING_SECONDS = 10.0
"""A pooled connection idle longer than this is pinged before use. A busy site sends no pings
(a ping on every checkout would be one more round trip per page); a database restart shows up
as a disconnect, which makes SQLAlchemy drop the whole pool, so only requests under way fail."""


def note_checkin(dbapi_connection: Any, connection_record: Any) -> None:
    """Remember when a connection went back to the pool."""
    connection_record.info["checked_in"] = time.monotonic()


def ping_if_idle(
    dialect: Dialect, dbapi_connection: Any, connection_record: Any, connection_proxy: Any
) -> None:
    """Ping a connection that sat idle; a dead one makes the pool connect afresh."""
    idle_since = connection_record.info.get("checked_in")
    if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
        return
    try:
        dialect.do_ping(dbapi_connection)  # one statement, in autocommit
    except Exception as error:
        raise exc.DisconnectionError() from error


def add_timeouts(url: str, options: dict[str, Any]) -> None:
    """Never wait forever for the database: to connect, for a pooled connection, for a query."""
    if "poolclass" not in options:
        options.setdefault("pool_timeout", CONNECT_TIMEOUT_SECONDS)
    if url.startswith("postgresql"):
        connect_args = options.setdefault("connect_args", {})
        connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
        connect_args.setdefault(
            "options",
            f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c lock_timeout={STATEMENT_TIMEOUT_MS}"
            f" -c idle_in_transaction_session_timeout={STATEMENT_TIMEOUT_MS * 3}"
            # The report's grouped queries cost a few ms; JIT-compiling them costs about 10 ms.
            " -c jit=off",
        )


def create_private_file(path: str) -> None:
    """Create a SQLite database file readable by its owner only (WAL files inherit the mode)."""
    if not path or path == ":memory:" or os.path.exists(path):
        return
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def set_sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """Use WAL and a busy timeout so concurrent workers wait instead of failing 'locked'."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted notes and accounts are overwritten, not left readable in free pages of the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def insert_ignoring_duplicates(model: type, **values: Any) -> Insert:
    """Return INSERT ... ON CONFLICT DO NOTHING for the session's dialect."""
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(model).values(**values).on_conflict_do_nothing()


def upsert(model: type, keys: list[str], keep: tuple[str, ...] = (), **values: Any) -> Insert:
    """Return INSERT ... ON CONFLICT (keys) DO UPDATE for the session's dialect.

    Columns in `keep` are written by the insert only: a conflict leaves them as they were.
    """
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    stmt = module.insert(model).values(**values)
    changes = {k: stmt.excluded[k] for k in values if k not in keys and k not in keep}
    return stmt.on_conflict_do_update(index_elements=keys, set_=changes)


# A frozen PostgreSQL (stopped, or a network that drops packets) never answers, and
# statement_timeout can't help: the server that would enforce it is the one that is stuck.
# So every wait for the server is also watched here, and a connection that has waited past
# WATCHDOG_SECONDS is shut down from a watchdog thread: the waiting request gets an error
# (then a 503) instead of hanging until gunicorn kills the worker.
WATCHDOG_SECONDS = STATEMENT_TIMEOUT_MS / 1000 + 5


class Watchdog:
    """Shut down connections whose wait for the server has run past its deadline."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.waiting: dict[int, tuple[float, int]] = {}
        """id(connection) -> (deadline, socket file descriptor)."""
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def reset(self) -> None:
        """Forget the waits and the thread of a parent process (after a fork)."""
        self.lock = threading.Lock()
        self.waiting = {}
        self.thread = None

    @contextmanager
    def watch(self, connection: Any) -> Iterator[None]:
        """Watch one wait for the server on a psycopg connection."""
        key = id(connection)
        try:
            fd = connection.pgconn.socket
        except Exception:  # already broken: psycopg reports it when it is used
            yield
            return
        with self.lock:
            self.waiting[key] = (time.monotonic() + self.seconds, fd)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self.run, name="db-watchdog", daemon=True)
                self.thread.start()
        try:
            yield
        finally:
            with self.lock:
                self.waiting.pop(key, None)

    def run(self) -> None:
        """Check the deadlines a few times a second, forever (a daemon thread)."""
        while True:
            time.sleep(min(0.25, self.seconds / 4))
            now = time.monotonic()
            # Under the lock, so the connection can't finish and free its socket meanwhile.
            with self.lock:
                late = [(key, fd) for key, (deadline, fd) in self.waiting.items() if deadline < now]
                for key, fd in late:
                    del self.waiting[key]
                    log.error("the database has not answered for %.0f s: giving up", self.seconds)
                    shut_down(fd)


def shut_down(fd: int) -> None:
    """Shut a socket down under its owner, so a blocked read returns at once.

    The connection's owner then sees an error and closes the connection as broken.
    """
    try:
        with socket.socket(fileno=os.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        log.debug("could not shut down a database socket", exc_info=True)


WATCHDOG = Watchdog(WATCHDOG_SECONDS)
if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=forget_after_fork)


@cache
def get_watched_classes() -> tuple[Any, Any]:
    """Return a psycopg connection and cursor whose every wait for the server is watched."""
    import psycopg

    class WatchedCursor(psycopg.Cursor):
        def execute(self, *args: Any, **kwargs: Any) -> Any:
            with WATCHDOG.watch(self.connection):
                return super().execute(*args, **kwargs)

        def executemany(self, *args: Any, **kwargs: Any) -> Any:
            with WATCHDOG.watch(self.connection):
                return super().executemany(*args, **kwargs)

    class WatchedConnection(psycopg.Connection):
        def commit(self) -> None:
            with WATCHDOG.watch(self):
                super().commit()

        def rollback(self) -> None:
            with WATCHDOG.watch(self):
                super().rollback()

    return WatchedConnection, WatchedCursor


def connect_watched(dialect: Any, record: Any, cargs: Any, cparams: Any) -> Any:
    """Open a psycopg connection whose queries, commits and rollbacks are watched."""
    connection_class, cursor_class = get_watched_classes()
    connection = connection_class.connect(*cargs, **cparams)
    connection.cursor_factory = cursor_class
    return connection
