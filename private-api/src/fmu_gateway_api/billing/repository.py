"""All SQL about money: balances, the ledger, the usage outbox, checkout sessions, Stripe events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fmu_gateway_api.tables import (
    Account,
    CheckoutSession,
    LedgerEntry,
    OutboxEvent,
    StripeEvent,
)


def debit(session: Session, account_id: str, amount: int) -> int | None:
    """Take `amount` if the balance covers it; the new balance, or None (nothing changed).

    One conditional UPDATE: concurrent debits serialise on the row, and none can overdraw."""
    row = session.execute(
        text("UPDATE accounts SET balance = balance - :c WHERE id = :a AND balance >= :c RETURNING balance"),
        {"a": account_id, "c": amount},
    ).first()
    return int(row[0]) if row else None


def credit(session: Session, account_id: str, amount: int) -> int:
    row = session.execute(
        text("UPDATE accounts SET balance = balance + :c WHERE id = :a RETURNING balance"),
        {"a": account_id, "c": amount},
    ).one()
    return int(row[0])


def balance(session: Session, account_id: str) -> int:
    return int(session.scalar(select(Account.balance).where(Account.id == account_id)) or 0)


def add_entry(session: Session, entry: LedgerEntry) -> None:
    session.add(entry)
    session.flush()


def recent_entries(session: Session, account_id: str, limit: int) -> list[LedgerEntry]:
    return list(session.scalars(select(LedgerEntry).where(LedgerEntry.account_id == account_id)
                                .order_by(LedgerEntry.created_at.desc(), LedgerEntry.id).limit(limit)))


def entry_exists(session: Session, kind: str, reference: str) -> bool:
    return session.scalar(select(func.count()).select_from(LedgerEntry)
                          .where(LedgerEntry.kind == kind, LedgerEntry.reference == reference)) != 0


def ledger_sum(session: Session, account_id: str) -> int:
    """What the balance must be: the sum of every entry that moved it (metered usage does not)."""
    return int(session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0))
                              .where(LedgerEntry.account_id == account_id, LedgerEntry.kind != "usage")) or 0)


def add_outbox(session: Session, event: OutboxEvent) -> None:
    session.add(event)


def due_outbox(session: Session, now: datetime, limit: int, postgres: bool) -> list[OutboxEvent]:
    stmt = (select(OutboxEvent).where(OutboxEvent.sent_at.is_(None), OutboxEvent.next_attempt_at <= now)
            .order_by(OutboxEvent.id).limit(limit))
    if postgres:
        stmt = stmt.with_for_update(skip_locked=True)
    return list(session.scalars(stmt))


def mark_sent(session: Session, event_id: int, now: datetime) -> None:
    session.execute(update(OutboxEvent).where(OutboxEvent.id == event_id).values(sent_at=now, last_error=None))


def mark_failed(session: Session, event_id: int, attempts: int, retry_at: datetime, error: str) -> None:
    session.execute(update(OutboxEvent).where(OutboxEvent.id == event_id)
                    .values(attempts=attempts, next_attempt_at=retry_at, last_error=error[:500]))


def pending_outbox_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(OutboxEvent)
                              .where(OutboxEvent.sent_at.is_(None))) or 0)


def add_checkout(session: Session, row: CheckoutSession) -> None:
    session.add(row)
    session.flush()


def get_checkout(session: Session, session_id: str) -> CheckoutSession | None:
    return session.get(CheckoutSession, session_id)


def mark_checkout_paid(session: Session, session_id: str, now: datetime) -> bool:
    """Flip a session to paid once; True for the one caller that did it."""
    result = session.execute(
        update(CheckoutSession)
        .where(CheckoutSession.id == session_id, CheckoutSession.paid_at.is_(None))
        .values(paid_at=now, status="complete", payment_status="paid")
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def update_checkout_status(session: Session, session_id: str, **values: Any) -> None:
    session.execute(update(CheckoutSession).where(CheckoutSession.id == session_id).values(**values))


def redeem_token(session: Session, session_id: str, account_id: str, simulation_id: str, now: datetime,
                 not_before: datetime) -> bool:
    result = session.execute(
        update(CheckoutSession)
        .where(CheckoutSession.id == session_id, CheckoutSession.account_id == account_id,
               CheckoutSession.kind == "run", CheckoutSession.paid_at.is_not(None),
               CheckoutSession.paid_at >= not_before, CheckoutSession.token_redeemed_at.is_(None))
        .values(token_redeemed_at=now, token_simulation_id=simulation_id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def record_event(session: Session, event_id: str, event_type: str) -> bool:
    """Record a webhook event id; False when it was seen before."""
    try:
        with session.begin_nested():
            session.add(StripeEvent(id=event_id, type=event_type))
            session.flush()
    except IntegrityError:
        return False
    return True
