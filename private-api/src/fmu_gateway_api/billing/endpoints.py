"""HTTP routes for pricing, the account, quotes, checkout and the Stripe webhook."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, FastAPI, Header, Path, Request, status
from fastapi.responses import JSONResponse
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
from fmu_gateway_api.db import session_scope
from fmu_gateway_api.deps import ContextDep, CurrentAccount, SessionDep
from fmu_gateway_api.errors import problem_response
from fmu_gateway_api.kit import idempotency
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
def create_quote(body: SimulationCreate, ctx: ContextDep, session: SessionDep, caller: CurrentAccount) -> QuoteOut:
    """The price of a simulation request, checked like the real thing, without running or charging it."""
    return QuoteOut(**simulations.quote(session, ctx, caller, body).__dict__)


@router.post("/v1/payments/checkout", status_code=status.HTTP_201_CREATED, operation_id="createCheckout")
def create_checkout(body: CheckoutCreate, ctx: ContextDep, session: SessionDep, caller: CurrentAccount,
                    idempotency_key: Annotated[str | None, Header(max_length=200)] = None) -> CheckoutOut:
    digest = idempotency.body_hash(body.model_dump())
    if idempotency_key:
        earlier = idempotency.replay(session, caller.account_id, "createCheckout", idempotency_key, digest)
        if earlier is not None:
            return CheckoutOut(**service.checkout_view(session, ctx, caller.account_id, earlier))
    row = service.create_pack_checkout(session, ctx, caller.account_id, body.pack_id, idempotency_key)
    if idempotency_key:
        idempotency.remember(session, caller.account_id, "createCheckout", idempotency_key, digest, row.id)
    return CheckoutOut(**service.checkout_view(session, ctx, caller.account_id, row.id))


@router.get("/v1/payments/checkout/{session_id}", operation_id="getCheckout")
def get_checkout(session_id: SessionId, ctx: ContextDep, session: SessionDep,
                 caller: CurrentAccount) -> CheckoutOut:
    return CheckoutOut(**service.checkout_view(session, ctx, caller.account_id, session_id))


@router.post("/v1/webhooks/stripe", operation_id="receiveStripeWebhook")
async def stripe_webhook(request: Request, ctx: ContextDep,
                         stripe_signature: Annotated[str | None, Header(max_length=2000)] = None) -> WebhookAck:
    """Thin: verify the signature on the raw body, record the event id once, apply it, return."""
    payload = await request.body()

    def apply() -> str:
        with session_scope(ctx.sessions) as session:
            return service.handle_webhook(session, ctx, payload, stripe_signature)

    return WebhookAck(received=True, outcome=await run_in_threadpool(apply))


def install_payment_handler(app: FastAPI) -> None:
    """402s get their balance and checkout offer here, after the refused request has rolled back."""

    async def on_payment_required(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, service.PaymentRequired)
        await run_in_threadpool(service.offer_checkout, request.app.state.ctx, exc)
        return problem_response(exc, request)

    app.add_exception_handler(service.PaymentRequired, on_payment_required)
