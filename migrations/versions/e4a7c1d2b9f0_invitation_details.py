"""invitation details: what an HR import said of a person not yet registered

Revision ID: e4a7c1d2b9f0
Revises: a7e41c02d9b5
Create Date: 2026-12-01 14:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e4a7c1d2b9f0"
down_revision = "a7e41c02d9b5"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN on both databases (no table rebuild): existing invitations get {}.
    op.add_column(
        "invitations", sa.Column("details", sa.JSON(), nullable=False, server_default="{}")
    )


def downgrade():
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_column("details")
