"""The heavy lane (runs routed to the per-run ECS task tier) and a not-before time for jobs put back in
the queue by a runner that could not start them yet (RunTask throttled).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("simulations") as batch:
        batch.add_column(sa.Column("lane", sa.String(16), nullable=False, server_default="standard"))
        batch.add_column(sa.Column("not_before", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("simulations") as batch:
        batch.drop_column("not_before")
        batch.drop_column("lane")
