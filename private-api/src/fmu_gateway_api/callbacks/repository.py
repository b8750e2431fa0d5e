"""All SQL about completion callbacks: their outbox rows (kind "callback"), attempts and secrets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from fmu_gateway_api.kit.repository import Repository
from fmu_gateway_api.tables import Account, CallbackAttempt, OutboxEvent, Simulation, Sweep


class CallbackRepository(Repository):
    def add(self, event: OutboxEvent) -> bool:
        """False when this simulation's or sweep's callback is already in the outbox (once, whoever ends it)."""
        try:
            with self.session.begin_nested():
                self.session.add(event)
                self.session.flush()
        except IntegrityError:
            return False
        return True

    def secret(self, account_id: str) -> str | None:
        return self.session.scalar(select(Account.callback_secret).where(Account.id == account_id))

    def set_secret_if_none(self, account_id: str, secret: str) -> None:
        self.session.execute(update(Account).where(Account.id == account_id, Account.callback_secret.is_(None))
                             .values(callback_secret=secret))

    def deliveries(self, reference: str) -> list[OutboxEvent]:
        return list(self.session.scalars(select(OutboxEvent).where(OutboxEvent.kind == "callback",
                                                                   OutboxEvent.reference == reference)
                                          .order_by(OutboxEvent.id)))

    def attempts(self, event_ids: list[int]) -> list[CallbackAttempt]:
        if not event_ids:
            return []
        return list(self.session.scalars(select(CallbackAttempt).where(CallbackAttempt.outbox_event_id.in_(event_ids))
                                         .order_by(CallbackAttempt.outbox_event_id, CallbackAttempt.attempt)))

    def add_attempt(self, attempt: CallbackAttempt) -> None:
        self.session.add(attempt)

    def sweep_callback_url(self, sweep_id: str) -> str | None:
        """The sweep's callback URL alone (its spec, every case, stays unread: each case's end asks)."""
        return self.session.scalar(select(Sweep.callback_url).where(Sweep.id == sweep_id))

    def lock_sweep(self, sweep_id: str) -> Sweep | None:
        """The sweep, its row locked until this transaction ends: the ends of its last cases, in parallel
        transactions, are looked at one after the other (each sees the other's end)."""
        self.session.execute(update(Sweep).where(Sweep.id == sweep_id).values(case_count=Sweep.case_count))
        return self.session.get(Sweep, sweep_id)

    def open_cases(self, sweep_id: str) -> int:
        return len(self.session.scalars(select(Simulation.id).where(
            Simulation.sweep_id == sweep_id, Simulation.status.in_(("queued", "running"))).limit(1)).all())

    def abandon(self, event_id: int, now: datetime, error: str) -> None:
        self.session.execute(update(OutboxEvent).where(OutboxEvent.id == event_id)
                             .values(abandoned_at=now, last_error=error[:500]))
