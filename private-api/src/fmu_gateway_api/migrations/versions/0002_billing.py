"""Credits ledger, usage outbox, idempotency keys, checkout sessions, Stripe events.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("balance", sa.BigInteger, nullable=False, server_default="0"))
        batch.add_column(sa.Column("stripe_customer_id", sa.String(80)))
        # The guard of last resort: whatever the code does, a balance never goes below zero.
        batch.create_check_constraint("ck_accounts_balance_nonnegative", "balance >= 0")
    with op.batch_alter_table("simulations") as batch:
        batch.add_column(sa.Column("price_credits", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("paid_by", sa.String(16)))
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("account_id", sa.String(40), sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("balance_after", sa.BigInteger, nullable=False),
        sa.Column("reference", sa.String(120)),
        sa.Column("note", sa.String(300)),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_ledger_account_created", "ledger_entries", ["account_id", "created_at"])
    op.create_index("ux_ledger_kind_reference", "ledger_entries", ["kind", "reference"], unique=True)
    op.create_table(
        "outbox_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ledger_entry_id", sa.String(40), sa.ForeignKey("ledger_entries.id"), nullable=False,
                  unique=True),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("sent_at", TS),
        sa.Column("last_error", sa.String(500)),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_outbox_pending", "outbox_events", ["sent_at", "next_attempt_at"])
    op.create_table(
        "idempotency_keys",
        sa.Column("account_id", sa.String(40), sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("operation", sa.String(40), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("resource_id", sa.String(120), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "checkout_sessions",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("account_id", sa.String(40), sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("pack_id", sa.String(40)),
        sa.Column("credits", sa.Integer, nullable=False),
        sa.Column("amount_cents", sa.Integer, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("payment_status", sa.String(24), nullable=False),
        sa.Column("paid_at", TS),
        sa.Column("token_redeemed_at", TS),
        sa.Column("token_simulation_id", sa.String(40)),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_checkout_sessions_account_id", "checkout_sessions", ["account_id"])
    op.create_table(
        "stripe_events",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("type", sa.String(80), nullable=False),
        sa.Column("received_at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("stripe_events")
    op.drop_table("checkout_sessions")
    op.drop_table("idempotency_keys")
    op.drop_table("outbox_events")
    op.drop_table("ledger_entries")
    with op.batch_alter_table("simulations") as batch:
        batch.drop_column("paid_by")
        batch.drop_column("price_credits")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_constraint("ck_accounts_balance_nonnegative", type_="check")
        batch.drop_column("stripe_customer_id")
        batch.drop_column("balance")
