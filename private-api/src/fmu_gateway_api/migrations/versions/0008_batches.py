"""Sweep cases that run together in one sandbox (a batch): each names the batch's first case, and a batch
counts as one of its account's concurrent runs (it runs one case at a time). A batch takes a sweep's
next queued cases through an index that finds them without passing over the cases that already ran.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("simulations") as batch:
        batch.add_column(sa.Column("batch_of", sa.String(40)))
    op.create_index("ix_simulations_sweep_queue", "simulations", ["sweep_id", "status", "sweep_case"])


def downgrade() -> None:
    op.drop_index("ix_simulations_sweep_queue", table_name="simulations")
    with op.batch_alter_table("simulations") as batch:
        batch.drop_column("batch_of")
