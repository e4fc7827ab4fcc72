"""sharing per pair: each legacy shared entry becomes a share in its author's active pairs

Revision ID: 5e2b7c1d9a40
Revises: e4a7c1d2b9f0
Create Date: 2026-12-01 14:20:00

"""

from contextlib import contextmanager

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5e2b7c1d9a40"
down_revision = "e4a7c1d2b9f0"
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
    # A legacy share reached whoever the author was paired with at the time of reading. Keep
    # exactly what is visible today: a share in each pair the author is active in now. Drafts
    # were never readable, ended pairs read nothing: neither gets a share. Nobody new sees it.
    op.execute(
        """
        INSERT INTO pair_shares (pair_id, entry_id, shared_at)
        SELECT p.id, e.id, e.updated_at
        FROM template_entries e
        JOIN pairs p ON p.status = 'active'
            AND (p.mentor_id = e.user_id OR p.executive_id = e.user_id)
        WHERE e.shared = true AND e.is_draft = false
            AND NOT EXISTS (
                SELECT 1 FROM pair_shares s WHERE s.pair_id = p.id AND s.entry_id = e.id
            )
        """
    )
    with foreign_keys_off():
        with op.batch_alter_table("template_entries", schema=None) as batch_op:
            batch_op.drop_column("shared")


def downgrade():
    with foreign_keys_off():
        with op.batch_alter_table("template_entries", schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("shared", sa.Boolean(), nullable=False, server_default=sa.false())
            )
    # The old flag shares with every current partner: set it only where a share is live now.
    op.execute(
        """
        UPDATE template_entries SET shared = true
        WHERE id IN (
            SELECT s.entry_id FROM pair_shares s
            JOIN pairs p ON p.id = s.pair_id AND p.status = 'active'
        )
        """
    )
