"""reports: keep whether a knowledge check's first answer was right

Revision ID: a7e41c02d9b5
Revises: bc68e36d89a6
Create Date: 2026-12-01 14:15:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a7e41c02d9b5"
down_revision = "bc68e36d89a6"
branch_labels = None
depends_on = None


def upgrade():
    # Answers given before this column existed stay NULL: only the latest answer was kept, so
    # nobody knows whether the first one was right, and the reports leave them out.
    with op.batch_alter_table("check_answers") as batch:
        batch.add_column(sa.Column("first_correct", sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table("check_answers") as batch:
        batch.drop_column("first_correct")
