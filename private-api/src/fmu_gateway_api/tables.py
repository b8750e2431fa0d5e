"""The relational schema: every table of the service, one home for Alembic to read."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps are UTC and come back aware on every database (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, datetime: UTCDateTime()}


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    tier: Mapped[str] = mapped_column(String(40), default="free")
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    stripe_customer_id: Mapped[str | None] = mapped_column(String(80))
    # Signs this account's completion callbacks (HMAC-SHA256); made on first use, shown to the account
    callback_secret: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (CheckConstraint("balance >= 0", name="ck_accounts_balance_nonnegative"),)


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    prefix: Mapped[str] = mapped_column(String(32))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class Fmu(Base):
    """An FMU as one account sees it; the bytes live once in the blob store under `sha256`."""

    __tablename__ = "fmus"

    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    # Loaded on demand (fmus.models keeps it in memory, indexed, once per process): a large model's
    # description must not ride along with every lookup of the row.
    description: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    built_from_sources: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_fmus_sha256", "sha256"),)


class Simulation(Base):
    """A simulation request, its job state and (once done) where its result lives."""

    __tablename__ = "simulations"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    fmu_id: Mapped[str] = mapped_column(String(80))
    fmu_sha256: Mapped[str] = mapped_column(String(64))
    request: Mapped[dict[str, Any]]
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    cached: Mapped[bool] = mapped_column(Boolean, default=False)
    result_sha256: Mapped[str | None] = mapped_column(String(64))
    kpis: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    provenance: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    timeout_s: Mapped[float] = mapped_column(Float)
    price_credits: Mapped[int] = mapped_column(Integer, default=0)
    paid_by: Mapped[str | None] = mapped_column(String(16))
    progress: Mapped[float | None] = mapped_column(Float)
    request_id: Mapped[str | None] = mapped_column(String(100))
    cancel_requested_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(80))
    lease_expires_at: Mapped[datetime | None]  # a running job's worker renews it; past it, the job is lost
    # "standard" (a worker's own sandboxes) or "heavy" (one ECS task per run; settings.heavy_runner)
    lane: Mapped[str] = mapped_column(String(16), default="standard", server_default="standard")
    not_before: Mapped[datetime | None]  # a queued job put back by a runner that could not start it yet
    log_tail: Mapped[str | None] = mapped_column(Text)
    # A case of a sweep: the sweep and the case's place in it (its row in the sweep's table)
    sweep_id: Mapped[str | None] = mapped_column(ForeignKey("sweeps.id", ondelete="CASCADE"))
    sweep_case: Mapped[int | None] = mapped_column(Integer)
    # A case that runs in one sandbox with others of its sweep (a batch): the batch's first case. A batch
    # counts as one of its account's concurrent runs: it runs one case at a time.
    batch_of: Mapped[str | None] = mapped_column(String(40))
    callback_url: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_simulations_status_created", "status", "created_at"),
        Index("ix_simulations_request_hash", "request_hash", "status"),
        Index("ix_simulations_sweep", "sweep_id", "sweep_case"),
        Index("ix_simulations_sweep_queue", "sweep_id", "status", "sweep_case"),
    )


class Sweep(Base):
    """Many simulations of one model, admitted and paid as one; each case is a simulation row with
    sweep_id. Its progress is read from those rows (never a counter that could drift)."""

    __tablename__ = "sweeps"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    fmu_id: Mapped[str] = mapped_column(String(80))
    fmu_sha256: Mapped[str] = mapped_column(String(64))
    spec: Mapped[dict[str, Any]]  # the request as given (base, cases/grid/lhs, max_cases)
    parameters: Mapped[list[str]] = mapped_column(JSON)  # the start values the cases set
    kpis: Mapped[list[str]] = mapped_column(JSON)  # the KPI names of the table
    case_count: Mapped[int] = mapped_column(Integer)
    price_credits: Mapped[int] = mapped_column(Integer, default=0)
    cancel_requested_at: Mapped[datetime | None]
    callback_url: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Ingest(Base):
    """An FMU's description, made once per FMU (sha256) by a worker's ingest sandbox: queued, running (leased
    like a simulation), then done (the description) or failed (the problem)."""

    __tablename__ = "ingests"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(120))  # "upload", or "library:<id>" (our own, from the image)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    worker: Mapped[str | None] = mapped_column(String(80))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_expires_at: Mapped[datetime | None]
    description: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    built_from_sources: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_ingests_status_created", "status", "created_at"),)


class LedgerEntry(Base):
    """Append-only: every change of a balance, and every metered run. Never updated, never deleted."""

    __tablename__ = "ledger_entries"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # grant | topup | debit | refund | usage
    amount: Mapped[int] = mapped_column(BigInteger)
    balance_after: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_ledger_account_created", "account_id", "created_at"),
        # A debit, a refund or a top-up happens once per simulation or checkout session.
        Index("ux_ledger_kind_reference", "kind", "reference", unique=True),
    )


class OutboxEvent(Base):
    """Something to send once its transaction has committed, retried until it is delivered: usage to
    report to Stripe (kind "meter", written with its ledger entry) or a completion callback (kind
    "callback", written with the end of the simulation or sweep it reports; `reference` names that)."""

    __tablename__ = "outbox_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16), default="meter", server_default="meter")
    ledger_entry_id: Mapped[str | None] = mapped_column(ForeignKey("ledger_entries.id"), unique=True)
    reference: Mapped[str | None] = mapped_column(String(80))
    payload: Mapped[dict[str, Any]]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    abandoned_at: Mapped[datetime | None]  # a callback no receiver took within its retry window
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_outbox_pending", "sent_at", "next_attempt_at"),
        # One completion callback per simulation or sweep, whoever notices its end first
        Index("ux_outbox_kind_reference", "kind", "reference", unique=True),
    )


class CallbackAttempt(Base):
    """One try at delivering a callback: what the receiver answered (append-only)."""

    __tablename__ = "callback_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    outbox_event_id: Mapped[int] = mapped_column(ForeignKey("outbox_events.id", ondelete="CASCADE"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    operation: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    resource_id: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CheckoutSession(Base):
    __tablename__ = "checkout_sessions"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # pack | run
    pack_id: Mapped[str | None] = mapped_column(String(40))
    credits: Mapped[int] = mapped_column(Integer)
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    payment_status: Mapped[str] = mapped_column(String(24), default="unpaid")
    paid_at: Mapped[datetime | None]
    token_redeemed_at: Mapped[datetime | None]
    token_simulation_id: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StripeEvent(Base):
    """Each webhook event id, recorded once."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    type: Mapped[str] = mapped_column(String(80))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
