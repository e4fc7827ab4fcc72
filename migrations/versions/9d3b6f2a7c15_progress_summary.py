"""reports: a progress summary per person and pathway, and the indexes the reports group by

Revision ID: 9d3b6f2a7c15
Revises: 636511f9eeda
Create Date: 2026-12-01 17:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "9d3b6f2a7c15"
down_revision = "636511f9eeda"
branch_labels = None
depends_on = None


def upgrade():
    steps = op.create_table(
        "pathway_steps",
        sa.Column("pathway_id", sa.String(length=200), nullable=False),
        sa.Column("step_id", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("pathway_id", "step_id", name=op.f("pk_pathway_steps")),
    )
    op.create_index(op.f("ix_pathway_steps_step_id"), "pathway_steps", ["step_id"])
    op.create_table(
        "pathway_summaries",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("pathway_id", sa.String(length=200), nullable=False),
        sa.Column("steps_done", sa.Integer(), nullable=False),
        sa.Column("first_completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_pathway_summaries_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "pathway_id", name=op.f("pk_pathway_summaries")),
    )
    op.create_index("ix_completions_step_user", "completions", ["step_id", "user_id"])
    op.create_index("ix_completions_completed_at", "completions", ["completed_at"])
    op.create_index(
        "ix_check_answers_step",
        "check_answers",
        ["step_id", "check_id", "user_id", "first_correct"],
    )
    # Backfill from the completions, with the pathways of the library the app loaded. Without
    # one (a bare `alembic upgrade`) the tables start empty and the app's next library load
    # finds every pathway changed and rebuilds them the same way.
    rows = [
        {"pathway_id": pathway_id, "step_id": step_id}
        for pathway_id, step_ids in published_steps().items()
        for step_id in step_ids
    ]
    if rows:
        op.bulk_insert(steps, rows)
        op.execute(
            "INSERT INTO pathway_summaries (user_id, pathway_id, steps_done, first_completed_at,"
            " last_completed_at) SELECT c.user_id, s.pathway_id, count(*), min(c.completed_at),"
            " max(c.completed_at) FROM completions c JOIN pathway_steps s"
            " ON s.step_id = c.step_id GROUP BY c.user_id, s.pathway_id"
        )


def published_steps():
    """Return each published pathway's published step ids, from the app's library if any."""
    from flask import current_app

    try:
        store = current_app.extensions["upward.library"]
    except (RuntimeError, KeyError):
        return {}
    from upward.viewer import published

    view = published(store.library)
    return {p.id: sorted({s.id for s in view.steps(p)}) for p in view.pathways()}


def downgrade():
    op.drop_index("ix_check_answers_step", table_name="check_answers")
    op.drop_index("ix_completions_completed_at", table_name="completions")
    op.drop_index("ix_completions_step_user", table_name="completions")
    op.drop_table("pathway_summaries")
    op.drop_index(op.f("ix_pathway_steps_step_id"), table_name="pathway_steps")
    op.drop_table("pathway_steps")
