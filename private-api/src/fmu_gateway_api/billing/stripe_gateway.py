"""The only module that talks to Stripe, with the official `stripe` library (Billing Meters, Checkout)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import stripe

from fmu_gateway_api.settings import Settings


class StripeUnavailable(Exception):
    """Stripe could not be reached or failed on its side: try again later."""


@dataclass(frozen=True)
class CheckoutCreated:
    id: str
    url: str
    status: str
    payment_status: str


class StripeGateway:
    def __init__(self, settings: Settings) -> None:
        assert settings.stripe_api_key
        base = {"api": settings.stripe_api_base} if settings.stripe_api_base else None
        self._client = stripe.StripeClient(settings.stripe_api_key, base_addresses=base,  # type: ignore[arg-type]
                                           max_network_retries=0)
        self.webhook_secret = settings.stripe_webhook_secret or ""
        self.tolerance_s = settings.stripe_webhook_tolerance_s
        self.public_url = settings.public_url.rstrip("/")

    def create_checkout(self, *, account_id: str, reference: str, name: str, amount_cents: int, currency: str,
                        metadata: dict[str, str], idempotency_key: str) -> CheckoutCreated:
        """A Checkout Session in payment mode; Stripe de-duplicates retries by the idempotency key."""
        params: dict[str, Any] = {
            "mode": "payment",
            "client_reference_id": account_id,
            "line_items": [{"quantity": 1, "price_data": {"currency": currency, "unit_amount": amount_cents,
                                                          "product_data": {"name": name}}}],
            "metadata": {**metadata, "account_id": account_id, "reference": reference},
            "success_url": f"{self.public_url}/v1/payments/checkout/{{CHECKOUT_SESSION_ID}}",
            "cancel_url": f"{self.public_url}/v1/pricing",
        }
        try:
            session = self._client.v1.checkout.sessions.create(params,  # type: ignore[arg-type]
                                                                options={"idempotency_key": idempotency_key})
        except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
            raise StripeUnavailable(str(exc)) from exc
        return CheckoutCreated(id=session.id, url=str(session.url), status=str(session.status),
                               payment_status=str(session.payment_status))

    def retrieve_checkout(self, session_id: str) -> CheckoutCreated:
        try:
            session = self._client.v1.checkout.sessions.retrieve(session_id)
        except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
            raise StripeUnavailable(str(exc)) from exc
        return CheckoutCreated(id=session.id, url=str(session.url), status=str(session.status),
                               payment_status=str(session.payment_status))

    def ensure_customer(self, account_id: str) -> str:
        customer = self._client.v1.customers.create(
            {"metadata": {"account_id": account_id}},
            options={"idempotency_key": f"customer-{account_id}"},
        )
        return str(customer.id)

    def send_meter_event(self, *, event_name: str, customer_id: str, value: int, identifier: str,
                         timestamp: int) -> None:
        """Raises StripeUnavailable on 429, 5xx and time-outs (retry later); stripe.StripeError otherwise."""
        try:
            self._client.v1.billing.meter_events.create(
                {"event_name": event_name, "identifier": identifier, "timestamp": timestamp,
                 "payload": {"stripe_customer_id": customer_id, "value": str(value)}},
                options={"idempotency_key": f"meter-{identifier}"},
            )
        except stripe.InvalidRequestError as exc:
            if getattr(exc, "code", None) == "resource_already_exists":
                return  # Stripe already has this identifier: delivered before
            raise
        except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
            raise StripeUnavailable(str(exc)) from exc

    def verify_webhook(self, payload: bytes, signature: str | None) -> dict[str, Any]:
        """The event, if the signature over the raw body is ours and fresh; ValueError otherwise."""
        if not signature:
            raise ValueError("missing Stripe-Signature header")
        try:
            event = stripe.Webhook.construct_event(payload, signature, self.webhook_secret,
                                                   tolerance=self.tolerance_s)
        except stripe.SignatureVerificationError as exc:
            raise ValueError(f"invalid signature: {exc.user_message or 'no match'}") from None
        except ValueError as exc:
            raise ValueError(f"invalid payload: {exc}") from None
        data: dict[str, Any] = event.to_dict()
        return data


def now_ts() -> int:
    return int(time.time())
