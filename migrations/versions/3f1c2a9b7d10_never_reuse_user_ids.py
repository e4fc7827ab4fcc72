"""never reuse user ids on SQLite

SQLite hands out max(id) + 1, so deleting the newest account gave its id to the next one
(and with it anything still keyed on that id). AUTOINCREMENT makes SQLite remember the
highest id ever used. PostgreSQL sequences never reuse an id, so it has nothing to do.

Revision ID: 3f1c2a9b7d10
Revises: 89caa680d014
Create Date: 2026-12-01 11:40:00

"""

from alembic import op

revision = "3f1c2a9b7d10"
down_revision = "89caa680d014"
branch_labels = None
depends_on = None


def upgrade():
    rebuild_users(autoincrement=True)


def downgrade():
    rebuild_users(autoincrement=False)


def rebuild_users(*, autoincrement: bool) -> None:
    """Recreate the SQLite users table with or without AUTOINCREMENT, keeping every row.

    SQLite can't add AUTOINCREMENT to a table, so the table is copied. Foreign keys must be off
    meanwhile: dropping the old table would otherwise cascade-delete everything people own.
    The pragma only changes outside a transaction, hence the commits around it.
    """
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    raw = bind.connection.dbapi_connection
    raw.commit()
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    try:
        with op.batch_alter_table(
            "users", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass
        problems = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise RuntimeError(f"foreign keys broken by rebuilding users: {problems}")
        raw.commit()
    finally:
        bind.exec_driver_sql("PRAGMA foreign_keys=ON")
