"""The request id that admitted a simulation, for its log lines.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("simulations") as batch:
        batch.add_column(sa.Column("request_id", sa.String(100)))


def downgrade() -> None:
    with op.batch_alter_table("simulations") as batch:
        batch.drop_column("request_id")
