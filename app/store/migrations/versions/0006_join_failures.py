"""Wrong join codes per address, where every web node of a cluster counts them (the join throttle).

Revision ID: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "join_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("ix_join_failures_address_at", "join_failures", ["address", "at"])
    op.create_index("ix_join_failures_at", "join_failures", ["at"])


def downgrade() -> None:
    op.drop_table("join_failures")
