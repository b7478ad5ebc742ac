"""Classes and their students; a student's session names its class.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("class_id", sa.String(32), nullable=True))
        batch.create_index("ix_sessions_class_id", ["class_id"])
    op.create_table(
        "classes",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("start", sa.Text, nullable=False),
        sa.Column("locked", sa.Text, nullable=False),
        sa.Column("max_students", sa.Integer, nullable=False),
        sa.Column("teacher_token_hash", sa.String(64), nullable=False),
        sa.Column("join_code", sa.String(16), nullable=True, unique=True),
        sa.Column("code_state", sa.String(8), nullable=False),
        sa.Column("paused", sa.Integer, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("used_at", sa.Float, nullable=False),
    )
    op.create_index("ix_classes_used_at", "classes", ["used_at"])
    op.create_table(
        "students",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("class_id", sa.String(32), sa.ForeignKey("classes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("nickname", sa.String(40), nullable=False),
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.Column("joined_at", sa.Float, nullable=False),
        sa.Column("removed", sa.Integer, nullable=False),
    )
    op.create_index("ix_students_class_id", "students", ["class_id"])


def downgrade() -> None:
    op.drop_table("students")
    op.drop_table("classes")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_index("ix_sessions_class_id")
        batch.drop_column("class_id")
