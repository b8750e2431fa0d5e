"""Money: what a run costs, who pays it (credits, a payment token, or the metered invoice), refunds when
the platform failed, checkout, and the Stripe webhook. Services never commit; the caller's unit of work
does, so a balance changes only together with its ledger entry."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from fmu_gateway_api.billing.pricing import Pricing, Tier
from fmu_gateway_api.billing.repository import BillingRepository
from fmu_gateway_api.billing.stripe_gateway import StripeUnavailable
from fmu_gateway_api.context import Context
from fmu_gateway_api.errors import InvalidRequest, NotFound, ProblemError, ServiceUnavailable
from fmu_gateway_api.kit.uow import after_commit, unit_of_work
from fmu_gateway_api.tables import Account, CheckoutSession, LedgerEntry, OutboxEvent, Simulation, utcnow

log = logging.getLogger(__name__)
RUN_CHECKOUT_REUSE = timedelta(minutes=30)


class PaymentRequired(ProblemError):
    status, slug, title = 402, "payment-required", "Payment required"

    @property
    def account_id(self) -> str | None:
        value = self.extra.get("account_id")
        return str(value) if value is not None else None


class InvalidSignature(ProblemError):
    status, slug, title = 400, "invalid-signature", "Invalid webhook signature"


class PaymentsDisabled(ProblemError):
    status, slug, title = 404, "payments-disabled", "Payments are not enabled"


class InvalidPaymentToken(ProblemError):
    status, slug, title = 402, "invalid-payment-token", "Invalid payment token"


def _entry_id() -> str:
    return f"led_{uuid.uuid4().hex}"


def _entry(account_id: str, kind: str, amount: int, balance_after: int, reference: str | None,
           note: str | None = None) -> LedgerEntry:
    return LedgerEntry(id=_entry_id(), account_id=account_id, kind=kind, amount=amount,
                       balance_after=balance_after, reference=reference, note=note, created_at=utcnow())


def add_credits(session: Session, account_id: str, amount: int, *, kind: str, reference: str | None = None,
                note: str | None = None) -> LedgerEntry:
    """Credit the balance and write its ledger entry, in the caller's transaction."""
    if amount <= 0:
        raise InvalidRequest("a credit must be a positive number of credits")
    after = BillingRepository(session).credit(account_id, amount)
    if after is None:
        raise NotFound(f"no account {account_id}")
    entry = _entry(account_id, kind, amount, after, reference, note)
    BillingRepository(session).add_entry(entry)
    return entry


def welcome(session: Session, ctx: Context, account: Account) -> None:
    """A new account's sign-up credits: the operator's setting, else its tier's included credits."""
    configured = ctx.settings.signup_credits
    credits = ctx.pricing.tier(account.tier).included_credits if configured is None else configured
    if credits > 0:
        note = (f"included credits of the {account.tier} tier" if configured is None
                else "sign-up credits of this gateway")
        add_credits(session, account.id, credits, kind="grant", reference=f"welcome:{account.id}", note=note)


# -- admission -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Quote:
    price_credits: int
    balance_credits: int
    tier: str
    billing: str
    currency: str
    cached: bool
    sufficient: bool


def quote(session: Session, ctx: Context, account_id: str, tier: Tier, cached: bool) -> Quote:
    price = 0 if cached else tier.run_price_credits
    balance = BillingRepository(session).balance(account_id)
    return Quote(price_credits=price, balance_credits=balance, tier=tier.name, billing=tier.billing,
                 currency=ctx.pricing.currency, cached=cached, sufficient=tier.metered or balance >= price)


def charge(session: Session, ctx: Context, sim: Simulation, tier: Tier, payment_token: str | None) -> None:
    """Pay for an admitted simulation, or raise 402 having changed nothing."""
    price = 0 if sim.cached else tier.run_price_credits
    sim.price_credits = price
    if price == 0:
        sim.paid_by = "free"
        return
    if payment_token is not None:
        checkout_id = _parse_payment_token(ctx, payment_token)
        not_before = utcnow() - timedelta(seconds=ctx.settings.payment_token_ttl_s)
        if not BillingRepository(session).redeem_token(checkout_id, sim.account_id, sim.id, utcnow(), not_before):
            raise InvalidPaymentToken("the payment token is unknown, not yet paid, expired, already used or "
                                      "belongs to another account")
        sim.paid_by = "token"
        return
    if tier.metered:
        sim.paid_by = "metered"  # reported to Stripe when the run ends; never also taken from credits
        return
    after = BillingRepository(session).debit(sim.account_id, price)
    if after is None:
        raise _payment_required(ctx, sim.account_id, price)
    BillingRepository(session).add_entry(_entry(sim.account_id, "debit", -price, after, sim.id, "simulation"))
    sim.paid_by = "credits"
    from fmu_gateway_api.observability import CREDITS_DEBITED

    after_commit(session, lambda: CREDITS_DEBITED.inc(price))


def charge_cases(session: Session, ctx: Context, account_id: str, reference: str, cases: list[dict[str, Any]],
                 tier: Tier) -> int:
    """Pay for the cases of a sweep (simulation rows about to be inserted) in one debit and one ledger
    entry, or raise 402 having changed nothing: all of them or none. Each case keeps its own price, so a
    refund (`finalize`) is per case as for any simulation. Returns the credits debited."""
    total = 0
    for case in cases:
        price = 0 if case["cached"] else tier.run_price_credits
        case["price_credits"] = price
        if price == 0:
            case["paid_by"] = "free"
        elif tier.metered:
            case["paid_by"] = "metered"
        else:
            case["paid_by"] = "credits"
            total += price
    if total == 0:
        return 0
    after = BillingRepository(session).debit(account_id, total)
    if after is None:
        problem = _payment_required(ctx, account_id, total)
        balance = BillingRepository(session).balance(account_id)
        affordable = balance // tier.run_price_credits if tier.run_price_credits else len(cases)
        advice = "buy a credit pack" if ctx.stripe is not None else "ask this gateway's operator for credits"
        problem.detail = (f"this sweep of {len(cases)} runs costs {total} credits and the balance "
                          f"({balance}) pays for {affordable} of them: give max_cases, or {advice}")
        problem.extra.update(affordable_cases=affordable, balance_credits=balance)
        raise problem
    note = f"sweep of {sum(1 for c in cases if c['paid_by'] == 'credits')} runs"
    BillingRepository(session).add_entry(_entry(account_id, "debit", -total, after, reference, note))
    from fmu_gateway_api.observability import CREDITS_DEBITED

    after_commit(session, lambda: CREDITS_DEBITED.inc(total))
    return total


def _payment_required(ctx: Context, account_id: str, price: int) -> PaymentRequired:
    """The 402. Its checkout offer is added by `offer_checkout`, once this request's transaction has rolled
    back (the exception handler runs after the unit of work): nothing of the refused request survives."""
    paying = ctx.stripe is not None
    advice = ("buy credits, or pay for this one run at checkout_url and retry with its payment token" if paying
              else "this gateway takes no payments: ask its operator for credits")
    return PaymentRequired(
        f"this run costs {price} credits and the balance is too low: {advice}",
        price_credits=price, currency=ctx.pricing.currency, pay_per_run_cents=ctx.pricing.pay_per_run_cents,
        credit_packs=[{"id": p.id, "credits": p.credits, "price_cents": p.price_cents}
                      for p in ctx.pricing.packs.values()],
        account_id=account_id, payments_enabled=paying)


def offer_checkout(ctx: Context, problem: PaymentRequired) -> None:
    """Fill in the balance and, with Stripe on, a pay-per-run checkout (its own transaction)."""
    account_id = problem.account_id
    if account_id is None:
        return
    with unit_of_work(ctx.sessions) as session:
        problem.extra["balance_credits"] = BillingRepository(session).balance(account_id)
    if ctx.stripe is not None:
        try:
            checkout = _run_checkout(ctx, account_id)
            problem.extra.update(checkout_url=checkout.url, session_id=checkout.id)
        except (StripeUnavailable, ProblemError):
            log.warning("Stripe unavailable while offering a checkout")


def _run_checkout(ctx: Context, account_id: str) -> CheckoutSession:
    """An open pay-per-run checkout for this account: reused while fresh, so retrying agents don't pile
    up sessions. Its own units of work (the 402 that offers it has rolled the request back), and the call
    to Stripe between them, outside any transaction."""
    with unit_of_work(ctx.sessions) as session:
        recent = BillingRepository(session).recent_open_run_checkout(account_id, utcnow() - RUN_CHECKOUT_REUSE)
    if recent is not None:
        return recent
    created = stripe_checkout(ctx, account_id, kind="run", pack_id=None,
                              idempotency_key=f"run-{account_id}-{uuid.uuid4().hex}")
    with unit_of_work(ctx.sessions) as session:
        return record_checkout(session, ctx, account_id, created)


def finalize(session: Session, ctx: Context, sim: Simulation, *, refund: bool) -> None:
    """After a run: give the money back when the platform failed (or the run never started), or report a
    metered run. Once per simulation, whatever retries happen (unique ledger references)."""
    if refund and sim.paid_by in ("credits", "token") and sim.price_credits > 0:
        if not BillingRepository(session).entry_exists("refund", sim.id):
            add_credits(session, sim.account_id, sim.price_credits, kind="refund", reference=sim.id,
                        note="the platform failed this run")
        return
    if not refund and sim.paid_by == "metered" and sim.price_credits > 0:
        if BillingRepository(session).entry_exists("usage", sim.id):
            return
        balance = BillingRepository(session).balance(sim.account_id)
        entry = _entry(sim.account_id, "usage", -sim.price_credits, balance, sim.id, "metered run")
        BillingRepository(session).add_entry(entry)
        tier = ctx.pricing.tier(_tier_of(session, sim.account_id))
        ctx.bus.publish(session, "outbox")
        BillingRepository(session).add_outbox(OutboxEvent(
            ledger_entry_id=entry.id, attempts=0, next_attempt_at=utcnow(), created_at=utcnow(),
            payload={"event_name": tier.meter_event_name or "fmu_gateway_runs", "account_id": sim.account_id,
                     "value": sim.price_credits, "identifier": entry.id,
                     "timestamp": int(entry.created_at.timestamp())}))


def _tier_of(session: Session, account_id: str) -> str:
    account = BillingRepository(session).account(account_id)
    return account.tier if account else "free"


# -- account ---------------------------------------------------------------------------------------------
def account_view(session: Session, ctx: Context, account_id: str, limit: int = 20) -> dict[str, Any]:
    account = BillingRepository(session).account(account_id)
    if account is None:
        raise NotFound("no such account")
    tier = ctx.pricing.tier(account.tier)
    entries = BillingRepository(session).recent_entries(account_id, limit)
    return {
        "account_id": account.id, "name": account.name, "tier": tier.name, "billing": tier.billing,
        "balance_credits": account.balance, "currency": ctx.pricing.currency,
        "run_price_credits": tier.run_price_credits, "created_at": account.created_at,
        "ledger": [{"id": e.id, "kind": e.kind, "amount": e.amount, "balance_after": e.balance_after,
                    "reference": e.reference, "note": e.note, "created_at": e.created_at} for e in entries],
    }


def set_tier(session: Session, account_id: str, tier: str, pricing: Pricing) -> None:
    """Move an account to another tier (other processes see it within the edge's cache lifetime)."""
    if tier not in pricing.tiers:
        raise InvalidRequest(f"unknown tier {tier!r}; tiers: {', '.join(pricing.tiers)}")
    account = BillingRepository(session).account(account_id)
    if account is None:
        raise NotFound(f"no account {account_id}")
    account.tier = tier


# -- checkout and payment tokens ---------------------------------------------------------------------------
@dataclass(frozen=True)
class CreatedCheckout:
    """A checkout session Stripe created, not yet recorded here."""

    id: str
    url: str
    payment_status: str
    kind: str
    pack_id: str | None
    credits: int
    amount_cents: int


def stripe_checkout(ctx: Context, account_id: str, *, kind: str, pack_id: str | None,
                    idempotency_key: str) -> CreatedCheckout:
    """Ask Stripe for a checkout session. Call it outside any transaction: nothing of ours waits on it."""
    if ctx.stripe is None:
        raise PaymentsDisabled("payments are not enabled on this gateway (STRIPE_ENABLED=false); "
                               "ask the operator for credits")
    if kind == "pack":
        pack = ctx.pricing.packs.get(pack_id or "")
        if pack is None:
            raise InvalidRequest(f"unknown credit pack {pack_id!r}; packs: {', '.join(ctx.pricing.packs)}",
                                 slug="unknown-credit-pack")
        credits, amount, name = pack.credits, pack.price_cents, f"FMU Gateway: {pack.credits} credits"
    else:
        credits, amount, name = 0, ctx.pricing.pay_per_run_cents, "FMU Gateway: one simulation run"
    try:
        created = ctx.stripe.create_checkout(account_id=account_id, reference=kind, name=name, amount_cents=amount,
                                             currency=ctx.pricing.currency, idempotency_key=idempotency_key,
                                             metadata={"kind": kind, "pack_id": pack_id or ""})
    except StripeUnavailable as exc:
        raise ServiceUnavailable(f"the payment provider is unavailable, try again shortly ({exc})",
                                 slug="payments-unavailable", headers={"Retry-After": "5"}) from None
    return CreatedCheckout(id=created.id, url=created.url, payment_status=created.payment_status, kind=kind,
                           pack_id=pack_id, credits=credits, amount_cents=amount)


def record_checkout(session: Session, ctx: Context, account_id: str, created: CreatedCheckout) -> CheckoutSession:
    existing = BillingRepository(session).get_checkout(created.id)
    if existing is not None:  # the same idempotency key came back with the same session
        return existing
    row = CheckoutSession(id=created.id, account_id=account_id, kind=created.kind, pack_id=created.pack_id,
                          credits=created.credits, amount_cents=created.amount_cents, currency=ctx.pricing.currency,
                          url=created.url, status="open", payment_status=created.payment_status,
                          created_at=utcnow())
    BillingRepository(session).add_checkout(row)
    return row


def pack_checkout(ctx: Context, account_id: str, pack_id: str, idempotency_key: str | None) -> CreatedCheckout:
    key = f"pack-{account_id}-{idempotency_key}" if idempotency_key else f"pack-{uuid.uuid4().hex}"
    return stripe_checkout(ctx, account_id, kind="pack", pack_id=pack_id, idempotency_key=key)


def _token_mac(secret: bytes, checkout_id: str) -> str:
    digest = hmac.new(secret, checkout_id.encode(), hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def payment_token(ctx: Context, checkout_id: str) -> str:
    """A one-shot token for a paid pay-per-run checkout. Derived, never stored: HMAC of the session id
    under the current signing key's derived secret."""
    return f"fpt_{checkout_id}.{_token_mac(ctx.token_secrets[0], checkout_id)}"


def _parse_payment_token(ctx: Context, token: str) -> str:
    """The checkout id of a token made under any configured signing key: a rotation does not void a token
    that was paid for and handed out before it."""
    body = token[4:] if token.startswith("fpt_") else ""
    checkout_id, _, mac = body.rpartition(".")
    if not checkout_id or not any(hmac.compare_digest(mac, _token_mac(secret, checkout_id))
                                  for secret in ctx.token_secrets):
        raise InvalidPaymentToken("the payment token is not valid")
    return checkout_id


def checkout_view(session: Session, ctx: Context, account_id: str, session_id: str) -> dict[str, Any]:
    row = BillingRepository(session).get_checkout(session_id)
    if row is None or row.account_id != account_id:
        raise NotFound(f"no checkout session '{session_id}' for this account")
    token = None
    expires_at = None
    if row.kind == "run" and row.paid_at is not None and row.token_redeemed_at is None:
        expires_at = row.paid_at + timedelta(seconds=ctx.settings.payment_token_ttl_s)
        if expires_at > utcnow():
            token = payment_token(ctx, row.id)
    return {"session_id": row.id, "kind": row.kind, "pack_id": row.pack_id, "credits": row.credits,
            "amount_cents": row.amount_cents, "currency": row.currency, "status": row.status,
            "payment_status": row.payment_status, "checkout_url": row.url, "created_at": row.created_at,
            "paid_at": row.paid_at, "payment_token": token, "payment_token_expires_at": expires_at,
            "payment_token_redeemed": row.token_redeemed_at is not None}


# -- webhooks ------------------------------------------------------------------------------------------------
PAID_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")


def handle_webhook(session: Session, ctx: Context, payload: bytes, signature: str | None) -> str:
    """Verify, record the event id once, apply. Credits once per session whatever the order, repetition
    or concurrency of deliveries: the session row flips to paid in one conditional UPDATE."""
    if ctx.stripe is None:
        raise PaymentsDisabled("payments are not enabled on this gateway")
    try:
        event = ctx.stripe.verify_webhook(payload, signature)
    except ValueError as exc:
        raise InvalidSignature(str(exc)) from None
    if not BillingRepository(session).record_event(str(event["id"]), str(event["type"])):
        return "duplicate"
    kind = event["type"]
    obj = event.get("data", {}).get("object", {})
    session_id = str(obj.get("id", ""))
    row = BillingRepository(session).get_checkout(session_id) if kind.startswith("checkout.session.") else None
    if row is None:
        return "ignored"
    if kind in PAID_EVENTS and (kind != "checkout.session.completed" or obj.get("payment_status") == "paid"):
        if BillingRepository(session).mark_checkout_paid(session_id, utcnow()) and row.kind == "pack":
            add_credits(session, row.account_id, row.credits, kind="topup", reference=session_id,
                        note=f"credit pack {row.pack_id}")
        return "paid"
    if row.paid_at is None:  # never downgrade a paid session, whatever arrives late
        if kind == "checkout.session.completed":
            BillingRepository(session).update_checkout_status(session_id, status="complete",
                                              payment_status=str(obj.get("payment_status", "unpaid")))
        elif kind == "checkout.session.expired":
            BillingRepository(session).update_checkout_status(session_id, status="expired")
        elif kind == "checkout.session.async_payment_failed":
            BillingRepository(session).update_checkout_status(session_id, payment_status="failed")
    return "recorded"
