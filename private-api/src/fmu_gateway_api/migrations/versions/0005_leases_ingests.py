"""Job leases (a worker that stops renewing loses its job) and ingest jobs (FMUs described by a worker).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("simulations") as batch:
        batch.add_column(sa.Column("lease_expires_at", TS))
    op.create_table(
        "ingests",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("source", sa.String(120), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("worker", sa.String(80)),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("lease_expires_at", TS),
        sa.Column("description", sa.JSON),
        sa.Column("built_from_sources", sa.Boolean, nullable=False),
        sa.Column("error", sa.JSON),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("finished_at", TS),
    )
    op.create_index("ix_ingests_status_created", "ingests", ["status", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_ingests_status_created", "ingests")
    op.drop_table("ingests")
    with op.batch_alter_table("simulations") as batch:
        batch.drop_column("lease_expires_at")
