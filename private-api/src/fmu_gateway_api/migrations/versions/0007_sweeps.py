"""Sweeps: many simulations of one model admitted and paid as one; each case is a simulation row that
names its sweep and its place in it.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sweeps",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("account_id", sa.String(40), sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("fmu_id", sa.String(80), nullable=False),
        sa.Column("fmu_sha256", sa.String(64), nullable=False),
        sa.Column("spec", sa.JSON, nullable=False),
        sa.Column("parameters", sa.JSON, nullable=False),
        sa.Column("kpis", sa.JSON, nullable=False),
        sa.Column("case_count", sa.Integer, nullable=False),
        sa.Column("price_credits", sa.Integer, nullable=False),
        sa.Column("cancel_requested_at", TS),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_sweeps_account_id", "sweeps", ["account_id"])
    with op.batch_alter_table("simulations") as batch:
        batch.add_column(sa.Column("sweep_id", sa.String(40)))
        batch.add_column(sa.Column("sweep_case", sa.Integer))
        batch.create_foreign_key("fk_simulations_sweep_id", "sweeps", ["sweep_id"], ["id"], ondelete="CASCADE")
        batch.create_index("ix_simulations_sweep", ["sweep_id", "sweep_case"])


def downgrade() -> None:
    with op.batch_alter_table("simulations") as batch:
        batch.drop_index("ix_simulations_sweep")
        batch.drop_constraint("fk_simulations_sweep_id", type_="foreignkey")
        batch.drop_column("sweep_case")
        batch.drop_column("sweep_id")
    op.drop_index("ix_sweeps_account_id", "sweeps")
    op.drop_table("sweeps")
