"""All SQL about money: balances, the ledger, the usage outbox, checkout sessions, Stripe events."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from fmu_gateway_api.kit.repository import Repository
from fmu_gateway_api.tables import (
    Account,
    CheckoutSession,
    LedgerEntry,
    OutboxEvent,
    StripeEvent,
)


class BillingRepository(Repository):
    """All SQL about credits, the ledger, checkouts, Stripe events and the usage outbox, on one session."""

    def debit(self, account_id: str, amount: int) -> int | None:
        """Take `amount` if the balance covers it; the new balance, or None (nothing changed).

        One conditional UPDATE: concurrent debits serialise on the row, and none can overdraw."""
        row = self.session.execute(
            text("UPDATE accounts SET balance = balance - :c WHERE id = :a AND balance >= :c RETURNING balance"),
            {"a": account_id, "c": amount},
        ).first()
        return int(row[0]) if row else None

    def credit(self, account_id: str, amount: int) -> int | None:
        """The balance after crediting `amount`; None when there is no such account."""
        row = self.session.execute(
            text("UPDATE accounts SET balance = balance + :c WHERE id = :a RETURNING balance"),
            {"a": account_id, "c": amount},
        ).first()
        return int(row[0]) if row is not None else None

    def balance(self, account_id: str) -> int:
        return int(self.session.scalar(select(Account.balance).where(Account.id == account_id)) or 0)

    def add_entry(self, entry: LedgerEntry) -> None:
        """Append an entry now: one INSERT, no trip through the session's unit of work (entries are never
        changed, so the object stays a plain record of what was written)."""
        table = cast(Table, LedgerEntry.__table__)
        values = {c.key: getattr(entry, c.key) for c in table.columns if getattr(entry, c.key) is not None}
        self.session.connection().execute(insert(table).values(values))

    def recent_entries(self, account_id: str, limit: int) -> list[LedgerEntry]:
        return list(self.session.scalars(select(LedgerEntry).where(LedgerEntry.account_id == account_id)
                                    .order_by(LedgerEntry.created_at.desc(), LedgerEntry.id).limit(limit)))

    def entry_exists(self, kind: str, reference: str) -> bool:
        return self.session.scalar(select(func.count()).select_from(LedgerEntry)
                              .where(LedgerEntry.kind == kind, LedgerEntry.reference == reference)) != 0

    def ledger_sum(self, account_id: str) -> int:
        """What the balance must be: the sum of every entry that moved it (metered usage does not)."""
        return int(self.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0))
                                  .where(LedgerEntry.account_id == account_id, LedgerEntry.kind != "usage")) or 0)

    def add_outbox(self, event: OutboxEvent) -> None:
        self.session.add(event)

    def due_outbox(self, now: datetime, limit: int, kinds: tuple[str, ...] = ("meter",)) -> list[OutboxEvent]:
        stmt = (select(OutboxEvent).where(OutboxEvent.sent_at.is_(None), OutboxEvent.abandoned_at.is_(None),
                                          OutboxEvent.kind.in_(kinds), OutboxEvent.next_attempt_at <= now)
                .order_by(OutboxEvent.id).limit(limit))
        if self.postgres:
            stmt = stmt.with_for_update(skip_locked=True)
        return list(self.session.scalars(stmt))

    def next_outbox_due(self, kinds: tuple[str, ...] = ("meter",)) -> datetime | None:
        """When the earliest unsent event of these kinds is due (None: nothing to send)."""
        found: datetime | None = self.session.scalar(
            select(func.min(OutboxEvent.next_attempt_at))
            .where(OutboxEvent.sent_at.is_(None), OutboxEvent.abandoned_at.is_(None), OutboxEvent.kind.in_(kinds)))
        return found

    def mark_sent(self, event_id: int, now: datetime) -> None:
        self.session.execute(update(OutboxEvent).where(OutboxEvent.id == event_id).values(sent_at=now, last_error=None))

    def mark_failed(self, event_id: int, attempts: int, retry_at: datetime, error: str) -> None:
        self.session.execute(update(OutboxEvent).where(OutboxEvent.id == event_id)
                        .values(attempts=attempts, next_attempt_at=retry_at, last_error=error[:500]))

    def pending_outbox_count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(OutboxEvent)
                                  .where(OutboxEvent.sent_at.is_(None))) or 0)

    def add_checkout(self, row: CheckoutSession) -> None:
        self.session.add(row)
        self.session.flush()

    def get_checkout(self, session_id: str) -> CheckoutSession | None:
        return self.session.get(CheckoutSession, session_id)

    def mark_checkout_paid(self, session_id: str, now: datetime) -> bool:
        """Flip a self.session to paid once; True for the one caller that did it."""
        result = self.session.execute(
            update(CheckoutSession)
            .where(CheckoutSession.id == session_id, CheckoutSession.paid_at.is_(None))
            .values(paid_at=now, status="complete", payment_status="paid")
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def update_checkout_status(self, session_id: str, **values: Any) -> None:
        self.session.execute(update(CheckoutSession).where(CheckoutSession.id == session_id).values(**values))

    def redeem_token(self, session_id: str, account_id: str, simulation_id: str, now: datetime,
                     not_before: datetime) -> bool:
        result = self.session.execute(
            update(CheckoutSession)
            .where(CheckoutSession.id == session_id, CheckoutSession.account_id == account_id,
                   CheckoutSession.kind == "run", CheckoutSession.paid_at.is_not(None),
                   CheckoutSession.paid_at >= not_before, CheckoutSession.token_redeemed_at.is_(None))
            .values(token_redeemed_at=now, token_simulation_id=simulation_id)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def record_event(self, event_id: str, event_type: str) -> bool:
        """Record a webhook event id; False when it was seen before."""
        try:
            with self.session.begin_nested():
                self.session.add(StripeEvent(id=event_id, type=event_type))
                self.session.flush()
        except IntegrityError:
            return False
        return True

    def recent_open_run_checkout(self, account_id: str, since: datetime) -> CheckoutSession | None:
        """The newest open pay-per-run checkout of this account created after `since`."""
        return self.session.scalars(
            select(CheckoutSession).where(CheckoutSession.account_id == account_id, CheckoutSession.kind == "run",
                                          CheckoutSession.status == "open", CheckoutSession.created_at > since)
            .order_by(CheckoutSession.created_at.desc()).limit(1)).first()

    def account(self, account_id: str) -> Account | None:
        return self.session.get(Account, account_id)

    def outbox_backlog(self) -> tuple[int, datetime | None]:
        """Undelivered usage events: how many, and when the oldest was made."""
        pending, oldest = self.session.execute(select(func.count(), func.min(OutboxEvent.created_at))
                                               .where(OutboxEvent.sent_at.is_(None))).one()
        return int(pending or 0), oldest
