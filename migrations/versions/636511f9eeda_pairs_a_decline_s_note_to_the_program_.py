"""pairs: a decline's note to the program lead

Revision ID: 636511f9eeda
Revises: 73c7ca962c4e
Create Date: 2026-12-01 16:53:32.491928

"""
from contextlib import contextmanager

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '636511f9eeda'
down_revision = '73c7ca962c4e'
branch_labels = None
depends_on = None


@contextmanager
def foreign_keys_off():
    """Rebuild SQLite tables without cascading deletes (the pragma only changes outside a transaction)."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    raw = bind.connection.dbapi_connection
    raw.commit()
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    try:
        yield
        problems = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise RuntimeError(f"foreign keys broken by rebuilding tables: {problems}")
        raw.commit()
    finally:
        bind.exec_driver_sql("PRAGMA foreign_keys=ON")


def upgrade():
    # Existing declines had no note: they keep none.
    with op.batch_alter_table('pairs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decline_note', sa.String(length=1000), nullable=True))


def downgrade():
    # SQLite rebuilds the pairs table to drop a column: without foreign keys, so the rebuild
    # does not cascade into the pairs' sessions, agreements and shares.
    with foreign_keys_off():
        with op.batch_alter_table('pairs', schema=None) as batch_op:
            batch_op.drop_column('decline_note')
