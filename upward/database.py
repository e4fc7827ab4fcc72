"""Database wiring: engine settings per dialect, migrations, dialect-aware inserts."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from sqlalchemy import Insert, event
from sqlalchemy.dialects import postgresql, sqlite

from upward.extensions import db, migrate

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
            f" -c idle_in_transaction_session_timeout={STATEMENT_TIMEOUT_MS * 3}",
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


def upsert(model: type, keys: list[str], **values: Any) -> Insert:
    """Return INSERT ... ON CONFLICT (keys) DO UPDATE for the session's dialect."""
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    stmt = module.insert(model).values(**values)
    changes = {k: stmt.excluded[k] for k in values if k not in keys}
    return stmt.on_conflict_do_update(index_elements=keys, set_=changes)
