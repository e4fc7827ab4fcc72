"""Database wiring: engine settings per dialect, migrations, dialect-aware inserts."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import Insert, event
from sqlalchemy.dialects import postgresql, sqlite

from upward.extensions import db, migrate


def init_app(app: Flask) -> None:
    """Bind SQLAlchemy and Alembic to the app and tune SQLite for several workers."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", set_sqlite_pragmas)


def set_sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """Use WAL and a busy timeout so concurrent workers wait instead of failing 'locked'."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
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
