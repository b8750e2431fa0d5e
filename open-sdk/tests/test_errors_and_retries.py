"""Error translation and retries, through httpx.MockTransport (no network)."""

from __future__ import annotations

import httpx
import pytest
from conftest import mock_gateway, problem

from fmu_gateway_sdk import (
    APIConnectionError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    FmuGatewayError,
    InternalServerError,
    NotFoundError,
    PaymentRequired,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
    _http,
)


@pytest.mark.parametrize(("status", "cls"), [
    (400, BadRequestError), (401, AuthenticationError), (402, PaymentRequired),
    (403, PermissionDeniedError), (404, NotFoundError), (409, ConflictError), (413, BadRequestError),
    (422, UnprocessableEntityError), (429, RateLimitError), (500, InternalServerError),
    (503, InternalServerError),
])
def test_every_status_maps_to_its_exception(status: int, cls: type[FmuGatewayError]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        response = problem(status, "some-problem", f"failed with {status}", variable="k")
        response.headers["X-Request-ID"] = "req_123"
        return response

    gw = mock_gateway(handler, max_retries=0)
    with pytest.raises(cls) as info:
        gw.get_fmu("lib:BouncingBall")
    err = info.value
    assert type(err) is cls
    assert (err.status, err.detail, err.request_id) == (status, f"failed with {status}", "req_123")
    assert err.type == "https://fmu-gateway.dev/problems/some-problem"
    assert err.slug == "some-problem"
    assert err.body["variable"] == "k"
    assert "failed with" in str(err)
    assert "req_123" in str(err)


def test_payment_required_carries_price_balance_and_checkout() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return problem(402, "payment-required", "this run costs 3 credits, the balance is 1",
                       price_credits=3, balance_credits=1, currency="EUR",
                       checkout_url="https://checkout.stripe.com/c/pay/cs_test_1", session_id="cs_test_1")

    gw = mock_gateway(handler)
    with pytest.raises(PaymentRequired) as info:
        gw.simulate("lib:BouncingBall", stop_time=1)
    err = info.value
    assert (err.price_credits, err.balance_credits, err.currency) == (3.0, 1.0, "EUR")
    assert err.checkout_url == "https://checkout.stripe.com/c/pay/cs_test_1"
    assert err.session_id == "cs_test_1"


def test_a_non_json_error_still_becomes_a_typed_error() -> None:
    gw = mock_gateway(lambda r: httpx.Response(502, text="<html>bad gateway</html>"), max_retries=0)
    with pytest.raises(InternalServerError, match="bad gateway"):
        gw.library()


def test_retries_honour_retry_after_then_succeed(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(_http, "_sleep", waits.append)
    answers = [problem(429, "rate-limited", "slow down"), problem(503, "unavailable", "busy"),
               httpx.Response(200, json={"items": []})]
    answers[0].headers["Retry-After"] = "2"

    gw = mock_gateway(lambda r: answers.pop(0), max_retries=2)
    assert gw.library() == []
    assert waits[0] == 2.0
    assert 0 < waits[1] <= 1.0
    assert answers == []


def test_retries_are_bounded() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return problem(500, "internal", "boom")

    with pytest.raises(InternalServerError):
        mock_gateway(handler, max_retries=3).library()
    assert len(calls) == 4


def test_client_errors_are_not_retried() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return problem(422, "invalid-variable", "no such variable", variable="x")

    with pytest.raises(UnprocessableEntityError) as info:
        mock_gateway(handler, max_retries=3).simulate("lib:BouncingBall", start_values={"x": 1})
    assert len(calls) == 1
    assert info.value.variable == "x"


def test_connection_errors_are_retried_then_raised() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(APIConnectionError, match="cannot reach the gateway"):
        mock_gateway(handler, max_retries=2).library()
    assert len(calls) == 3


def test_retry_after_as_http_date_and_backoff_caps() -> None:
    assert _http._backoff(0, "Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert _http._backoff(0, "3600") == _http.MAX_RETRY_AFTER_S
    assert _http._backoff(10, None) <= _http.MAX_BACKOFF_S


def test_only_an_idempotency_key_in_progress_409_is_retried() -> None:
    """The 409 of a key whose first request is still running is retried (after its Retry-After); a
    permanent conflict (a simulation that has ended) is answered at once, without a retry."""
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if request.method == "POST" and len(calls) == 1:
            response = problem(409, "idempotency-key-in-progress", "the first request is still running")
            response.headers["Retry-After"] = "1"
            return response
        if request.method == "POST":
            return httpx.Response(200, json={
                "id": "sim_" + "0" * 32, "status": "succeeded", "fmu_id": "lib:BouncingBall",
                "fmu_sha256": "a" * 64, "cached": False, "request": {}, "kpis": {}, "provenance": {},
                "error": None, "created_at": "2026-01-01T00:00:00Z", "started_at": None, "finished_at": None,
                "result_url": None, "result": {"columns": ["time"], "units": {}, "data": {"time": [0.0]}}})
        return problem(409, "simulation-ended", "simulation has already ended (succeeded)")

    gw = mock_gateway(handler, max_retries=3)
    assert gw.simulate("lib:BouncingBall").status == "succeeded"
    assert calls == ["POST", "POST"]
    with pytest.raises(ConflictError) as info:
        gw.cancel("sim_" + "0" * 32)
    assert info.value.slug == "simulation-ended"
    assert calls == ["POST", "POST", "DELETE"]
