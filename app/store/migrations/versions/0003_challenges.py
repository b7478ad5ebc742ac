"""A class's challenge and its students' results.

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "challenges",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("class_id", sa.String(32), sa.ForeignKey("classes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("spec", sa.Text, nullable=False),
        sa.Column("revealed", sa.Integer, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index("ix_challenges_class_id", "challenges", ["class_id"])
    op.create_table(
        "challenge_results",
        sa.Column("challenge_id", sa.String(32), sa.ForeignKey("challenges.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("student_id", sa.String(32), primary_key=True),
        sa.Column("test_loss", sa.Float, nullable=True),
        sa.Column("test_accuracy", sa.Float, nullable=True),
        sa.Column("n_params", sa.Integer, nullable=False),
        sa.Column("passed", sa.Integer, nullable=False),
        sa.Column("first_passed_at", sa.Float, nullable=True),
        sa.Column("checked_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("challenge_results")
    op.drop_table("challenges")
