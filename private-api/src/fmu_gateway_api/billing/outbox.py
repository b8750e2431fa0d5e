"""The outbox: sends metered runs to Stripe as Billing Meter events, and completion callbacks to their
receivers (callbacks/service.py signs and posts them; each attempt is recorded, the same delivery id on
every attempt and an attempt number of its own, taken when the event is leased, so no two sends of one
event share an attempt id; retried with backoff until the callback window has passed).

Each event's identifier is its ledger entry id, and the same value keys the request's idempotency, so
a retry after a crash (sent but not yet marked) is de-duplicated by Stripe. An event is leased before it
is sent, in its own short transaction: a dispatcher that dies mid-send leaves it to be sent again after
the lease, never lost. 429, 5xx, time-outs and other errors back off exponentially.

No polling: the bus says when an event was added, and the dispatcher sleeps until then or until the
earliest retry is due."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import stripe

from fmu_gateway_api.billing.repository import BillingRepository
from fmu_gateway_api.billing.stripe_gateway import StripeUnavailable
from fmu_gateway_api.callbacks import service as callbacks
from fmu_gateway_api.callbacks.repository import CallbackRepository
from fmu_gateway_api.context import Context
from fmu_gateway_api.kit.uow import unit_of_work
from fmu_gateway_api.tables import CallbackAttempt, OutboxEvent, utcnow

log = logging.getLogger(__name__)


class OutboxDispatcher:
    def __init__(self, ctx: Context, *, lease_s: float = 30.0, batch: int = 50,
                 after_send: Callable[[OutboxEvent], None] | None = None) -> None:
        self.ctx = ctx
        self.lease_s = lease_s
        self.batch = batch
        self.after_send = after_send  # a test's hook to die between send and mark
        self._stop = threading.Event()
        self._signal = threading.Event()
        self._thread: threading.Thread | None = None
        ctx.bus.subscribe("outbox", lambda _payload: self._signal.set())

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="outbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._signal.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._signal.clear()
            wait: float | None = self.ctx.settings.outbox_poll_s
            try:
                self.run_once()
                with unit_of_work(self.ctx.sessions) as session:
                    due = BillingRepository(session).next_outbox_due(self._kinds())
                wait = None if due is None else max(self.ctx.settings.outbox_poll_s,
                                                    (_aware(due) - utcnow()).total_seconds())
            except Exception:
                log.exception("outbox round failed")
            self._signal.wait(wait)  # a new event, a retry that falls due, or stop

    def _kinds(self) -> tuple[str, ...]:
        return ("meter", "callback") if self.ctx.stripe is not None else ("callback",)

    def run_once(self) -> int:
        """Send what is due; returns how many events were delivered."""
        gateway = self.ctx.stripe
        now = utcnow()
        with unit_of_work(self.ctx.sessions) as session:
            due = BillingRepository(session).due_outbox(now, self.batch, self._kinds())
            for event in due:  # lease: nobody else sends it while we try
                event.next_attempt_at = now + timedelta(seconds=self.lease_s)
                if event.kind == "callback":
                    event.attempts += 1  # this send's own attempt number, even if we die before recording it
            leased = [(e.id, e.kind, e.attempts, dict(e.payload), e.created_at) for e in due]
        sent = 0
        for event_id, kind, attempts, payload, created_at in leased:
            if kind == "callback":
                sent += self._callback(event_id, attempts, payload, created_at)
                continue
            assert gateway is not None
            try:
                customer = self._customer(payload["account_id"])
                gateway.send_meter_event(event_name=payload["event_name"], customer_id=customer,
                                         value=int(payload["value"]), identifier=payload["identifier"],
                                         timestamp=int(payload["timestamp"]))
            except (StripeUnavailable, stripe.StripeError) as exc:
                self._backoff(event_id, attempts + 1, str(exc))
                continue
            if self.after_send is not None:
                self.after_send(OutboxEvent(id=event_id, payload=payload))
            with unit_of_work(self.ctx.sessions) as session:
                BillingRepository(session).mark_sent(event_id, utcnow())
            sent += 1
        return sent

    def _callback(self, event_id: int, attempt: int, payload: dict[str, Any], created_at: datetime) -> int:
        with unit_of_work(self.ctx.sessions) as session:
            secret = callbacks.secret_of(session, payload["account_id"])
        sent = callbacks.deliver(self.ctx, payload, attempt, secret)
        now = utcnow()
        with unit_of_work(self.ctx.sessions) as session:
            CallbackRepository(session).add_attempt(CallbackAttempt(
                outbox_event_id=event_id, attempt=attempt, status_code=sent.status_code, error=sent.error,
                created_at=now))
            if sent.ok:
                BillingRepository(session).mark_sent(event_id, now)
                return 1
            retry_at = now + callbacks.next_attempt_delay(self.ctx.settings, attempt)
            window = timedelta(seconds=self.ctx.settings.callback_retry_window_s)
            if retry_at > _aware(created_at) + window:
                log.warning("callback %s given up after %s attempts: %s", payload["delivery_id"], attempt, sent.error)
                CallbackRepository(session).abandon(event_id, now, sent.error or "")
            else:
                log.info("callback %s attempt %s failed, again at %s: %s", payload["delivery_id"], attempt,
                         retry_at.isoformat(), sent.error)
                BillingRepository(session).mark_failed(event_id, attempt, retry_at, sent.error or "")
        return 0

    def _customer(self, account_id: str) -> str:
        with unit_of_work(self.ctx.sessions) as session:
            account = BillingRepository(session).account(account_id)
            if account is not None and account.stripe_customer_id:
                return account.stripe_customer_id
        assert self.ctx.stripe is not None
        customer = self.ctx.stripe.ensure_customer(account_id)  # idempotent per account at Stripe
        with unit_of_work(self.ctx.sessions) as session:
            account = BillingRepository(session).account(account_id)
            if account is not None:
                account.stripe_customer_id = customer
        return customer

    def _backoff(self, event_id: int, attempts: int, error: str) -> None:
        delay = min(self.ctx.settings.outbox_max_backoff_s, 2.0 ** min(attempts, 20)) * random.uniform(0.5, 1.0)
        log.warning("meter event %s failed (attempt %s), retrying in %.1f s: %s", event_id, attempts, delay, error)
        with unit_of_work(self.ctx.sessions) as session:
            BillingRepository(session).mark_failed(event_id, attempts, utcnow() + timedelta(seconds=delay), error)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=utcnow().tzinfo) if moment.tzinfo is None else moment
