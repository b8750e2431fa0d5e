"""Typed exceptions. `error_from_response` is the one place where an HTTP answer becomes one of them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

PROBLEM_BASE = "https://fmu-gateway.dev/problems/"


class FmuGatewayError(Exception):
    """Base of every error this SDK raises.

    `status` is the HTTP status (None when no answer came), `type` the problem's stable URI, `slug` its
    last segment, `detail` the human explanation, `request_id` the gateway's X-Request-ID when it sent one,
    and `body` the whole problem document (extra members included). `hint`, when set, says what to do
    next (the commands to run), in the SDK's and CLI's terms.
    """

    def __init__(self, detail: str, *, status: int | None = None, type: str | None = None,
                 title: str | None = None, request_id: str | None = None,
                 body: Mapping[str, Any] | None = None, hint: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.type = type or PROBLEM_BASE + "error"
        self.title = title
        self.request_id = request_id
        self.body: dict[str, Any] = dict(body or {})
        self.hint = hint

    @property
    def slug(self) -> str:
        return self.type.rsplit("/", 1)[-1]

    def __str__(self) -> str:
        where = f" (HTTP {self.status}, {self.slug})" if self.status else ""
        rid = f" [request {self.request_id}]" if self.request_id else ""
        hint = f"\n{self.hint}" if self.hint else ""
        return f"{self.detail}{where}{rid}{hint}"


class APIConnectionError(FmuGatewayError):
    """The gateway could not be reached (or did not answer in time), after every retry."""


class BadRequestError(FmuGatewayError):
    """400 and other 4xx answers without a more specific class."""


class AuthenticationError(FmuGatewayError):
    """401: missing, unknown or revoked API key."""


class PaymentRequired(FmuGatewayError):
    """402: the run costs more credits than the account has; nothing ran and nothing was debited.

    Carries the price, the balance and the currency. With payments on, `checkout_url` (a Stripe Checkout
    page) pays for this one run: `Gateway.wait_for_payment(session_id)` then returns the paid session
    with its one-shot `payment_token` for `simulate(..., payment_token=...)`. With payments off there is
    no checkout (`checkout_url` is None) and `hint` says how an operator grants credits.
    """

    @property
    def price_credits(self) -> float | None:
        return _number(self.body.get("price_credits"))

    @property
    def balance_credits(self) -> float | None:
        return _number(self.body.get("balance_credits"))

    @property
    def currency(self) -> str | None:
        value = self.body.get("currency")
        return str(value) if value is not None else None

    @property
    def checkout_url(self) -> str | None:
        value = self.body.get("checkout_url")
        return str(value) if value is not None else None

    @property
    def session_id(self) -> str | None:
        value = self.body.get("session_id")
        return str(value) if value is not None else None


class PermissionDeniedError(FmuGatewayError):
    """403: not allowed on this resource (e.g. deleting a library model)."""


class NotFoundError(FmuGatewayError):
    """404: no such FMU, simulation or endpoint."""


class ConflictError(FmuGatewayError):
    """409: the resource is not in a state that allows this (e.g. no result yet)."""


class UnprocessableEntityError(FmuGatewayError):
    """422: the request does not fit the contract or the model (`variable` names the culprit)."""

    @property
    def variable(self) -> str | None:
        value = self.body.get("variable")
        return str(value) if value is not None else None


class RateLimitError(FmuGatewayError):
    """429: too many requests; retried automatically, raised when the retries are used up."""


class InternalServerError(FmuGatewayError):
    """5xx: the gateway failed (retried automatically first)."""


class SimulationFailed(FmuGatewayError):
    """The simulation ran but the model failed (crash, solver error, timeout...); `simulation` has it all."""

    def __init__(self, detail: str, *, type: str | None = None, simulation: Mapping[str, Any]) -> None:
        super().__init__(detail, type=type, body=simulation)
        self.simulation = dict(simulation)


_BY_STATUS: dict[int, type[FmuGatewayError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequired,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_from_response(status: int, headers: Mapping[str, str], content: bytes) -> FmuGatewayError:
    """The typed exception for an error answer (problem+json, or anything else a proxy may send)."""
    body: dict[str, Any] = {}
    try:
        parsed = json.loads(content) if content else None
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        body = parsed
    detail = body.get("detail") or body.get("title")
    if not detail:
        text = content.decode("utf-8", "replace").strip()[:500]
        detail = text or f"HTTP {status}"
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = InternalServerError if status >= 500 else BadRequestError
    return cls(str(detail), status=status, type=body.get("type"), title=body.get("title"),
               request_id=headers.get("x-request-id"), body=body)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None
