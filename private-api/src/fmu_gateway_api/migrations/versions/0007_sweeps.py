"""Sweeps: many simulations of one model admitted and paid as one; each case is a simulation row that
names its sweep and its place in it. Completion callbacks: a URL per simulation and sweep, a signing
secret per account, and the outbox (until now Stripe usage only) carries them too, with every attempt.

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
        sa.Column("callback_url", sa.String(2000)),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_sweeps_account_id", "sweeps", ["account_id"])
    with op.batch_alter_table("simulations") as batch:
        batch.add_column(sa.Column("sweep_id", sa.String(40)))
        batch.add_column(sa.Column("sweep_case", sa.Integer))
        batch.add_column(sa.Column("callback_url", sa.String(2000)))
        batch.create_foreign_key("fk_simulations_sweep_id", "sweeps", ["sweep_id"], ["id"], ondelete="CASCADE")
        batch.create_index("ix_simulations_sweep", ["sweep_id", "sweep_case"])
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("callback_secret", sa.String(80)))
    with op.batch_alter_table("outbox_events") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="meter"))
        batch.add_column(sa.Column("reference", sa.String(80)))
        batch.add_column(sa.Column("abandoned_at", TS))
        batch.alter_column("ledger_entry_id", existing_type=sa.String(40), nullable=True)
        batch.create_index("ux_outbox_kind_reference", ["kind", "reference"], unique=True)
    op.create_table(
        "callback_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("outbox_event_id", sa.Integer, sa.ForeignKey("outbox_events.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("status_code", sa.Integer),
        sa.Column("error", sa.String(500)),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_callback_attempts_outbox_event_id", "callback_attempts", ["outbox_event_id"])


def downgrade() -> None:
    op.drop_index("ix_callback_attempts_outbox_event_id", "callback_attempts")
    op.drop_table("callback_attempts")
    with op.batch_alter_table("outbox_events") as batch:
        batch.drop_index("ux_outbox_kind_reference")
        batch.alter_column("ledger_entry_id", existing_type=sa.String(40), nullable=False)
        batch.drop_column("abandoned_at")
        batch.drop_column("reference")
        batch.drop_column("kind")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("callback_secret")
    with op.batch_alter_table("simulations") as batch:
        batch.drop_index("ix_simulations_sweep")
        batch.drop_constraint("fk_simulations_sweep_id", type_="foreignkey")
        batch.drop_column("callback_url")
        batch.drop_column("sweep_case")
        batch.drop_column("sweep_id")
    op.drop_index("ix_sweeps_account_id", "sweeps")
    op.drop_table("sweeps")
