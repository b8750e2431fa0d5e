"""HTTP routes for pricing, the account, quotes, checkout and the Stripe webhook."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Request, status
from starlette.concurrency import run_in_threadpool

from fmu_gateway_api.billing import service
from fmu_gateway_api.billing.schemas import (
    AccountOut,
    CheckoutCreate,
    CheckoutOut,
    PricingOut,
    QuoteOut,
    WebhookAck,
)
from fmu_gateway_api.deps import ContextDep, CurrentAccount, SessionDep, json_body
from fmu_gateway_api.kit import idempotency, uow
from fmu_gateway_api.simulations import service as simulations
from fmu_gateway_api.simulations.schemas import SimulationCreate

router = APIRouter(tags=["billing"])
SessionId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_]{1,120}$")]


@router.get("/v1/pricing", operation_id="getPricing")
def get_pricing(ctx: ContextDep) -> PricingOut:
    return PricingOut(**ctx.pricing.document)


@router.get("/v1/account", operation_id="getAccount")
def get_account(ctx: ContextDep, session: SessionDep, caller: CurrentAccount) -> AccountOut:
    return AccountOut(**service.account_view(session, ctx, caller.account_id))


@router.post("/v1/quotes", operation_id="createQuote")
def create_quote(ctx: ContextDep, session: SessionDep, caller: CurrentAccount,
                 body: Annotated[SimulationCreate, json_body(SimulationCreate)]) -> QuoteOut:
    """The price of a simulation request, checked like the real thing, without running or charging it."""
    return QuoteOut(**simulations.quote(session, ctx, caller, body).__dict__)


@router.post("/v1/payments/checkout", status_code=status.HTTP_201_CREATED, operation_id="createCheckout")
def create_checkout(ctx: ContextDep, session: SessionDep, caller: CurrentAccount,
                    body: Annotated[CheckoutCreate, json_body(CheckoutCreate)],
                    idempotency_key: Annotated[str | None, Header(max_length=200)] = None) -> CheckoutOut:
    key = idempotency.Key(caller.account_id, "createCheckout", idempotency_key, body.model_dump())
    earlier = key.replay(session)
    if earlier is not None:
        return CheckoutOut(**service.checkout_view(session, ctx, caller.account_id, earlier))
    uow.commit(session)  # no transaction stays open while Stripe answers
    created = service.pack_checkout(ctx, caller.account_id, body.pack_id, idempotency_key)
    row = service.record_checkout(session, ctx, caller.account_id, created)
    key.remember(session, row.id)
    return CheckoutOut(**service.checkout_view(session, ctx, caller.account_id, row.id))


@router.get("/v1/payments/checkout/{session_id}", operation_id="getCheckout")
def get_checkout(session_id: SessionId, ctx: ContextDep, session: SessionDep,
                 caller: CurrentAccount) -> CheckoutOut:
    return CheckoutOut(**service.checkout_view(session, ctx, caller.account_id, session_id))


@router.post("/v1/webhooks/stripe", operation_id="receiveStripeWebhook")
async def stripe_webhook(request: Request, ctx: ContextDep, session: SessionDep,
                         stripe_signature: Annotated[str | None, Header(max_length=2000)] = None) -> WebhookAck:
    """Thin: verify the signature on the raw body, record the event id once, apply it, return (the
    request's unit of work commits it)."""
    payload = await request.body()
    outcome = await run_in_threadpool(service.handle_webhook, session, ctx, payload, stripe_signature)
    return WebhookAck(received=True, outcome=outcome)
