"""CORS for browser clients: off by default (no CORS headers at all); with allowed origins set, those
origins get the preflight and the headers the SDK reads, and every other origin is granted nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fmu_gateway_api.app import create_app
from tests.conftest import make_settings

APP = "https://app.example"
PREFLIGHT = {"Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "authorization, content-type, idempotency-key, payment-token"}


def client(tmp_path: Path, origins: str | None) -> Iterator[TestClient]:
    overrides = {} if origins is None else {"cors_allowed_origins": origins}
    # No lifespan (no database, no runner): CORS is answered before any route, /v1/health needs neither.
    yield TestClient(create_app(make_settings(tmp_path, None, **overrides), migrate=False))


@pytest.fixture
def default(tmp_path: Path) -> Iterator[TestClient]:
    yield from client(tmp_path, None)


@pytest.fixture
def allowed(tmp_path: Path) -> Iterator[TestClient]:
    yield from client(tmp_path, f" {APP}, https://other.example ,")


def cors_headers(response: object) -> dict[str, str]:
    headers = response.headers  # type: ignore[attr-defined]
    return {k.lower(): v for k, v in headers.items() if k.lower().startswith("access-control-")}


def test_no_cors_headers_by_default(default: TestClient) -> None:
    preflight = default.options("/v1/simulations", headers={"Origin": APP, **PREFLIGHT})
    assert preflight.status_code == 405
    assert preflight.json()["type"] == "https://fmu-gateway.dev/problems/method-not-allowed"
    assert cors_headers(preflight) == {}
    response = default.get("/v1/health", headers={"Origin": APP})
    assert response.status_code == 200
    assert cors_headers(response) == {}


def test_a_preflight_from_an_allowed_origin_gets_the_headers_the_sdk_sends(allowed: TestClient) -> None:
    preflight = allowed.options("/v1/simulations", headers={"Origin": APP, **PREFLIGHT})
    assert preflight.status_code == 200
    headers = cors_headers(preflight)
    assert headers["access-control-allow-origin"] == APP
    assert {"GET", "POST", "DELETE"} <= {m.strip() for m in headers["access-control-allow-methods"].split(",")}
    allowed_headers = {h.strip().lower() for h in headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key", "payment-token"} <= allowed_headers
    assert "access-control-allow-credentials" not in headers  # keys travel in Authorization, never cookies


def test_answers_to_an_allowed_origin_expose_what_the_sdk_reads(allowed: TestClient) -> None:
    expected = {"location", "retry-after", "ratelimit", "ratelimit-policy", "idempotent-replayed", "x-request-id"}
    for path, status in (("/v1/health", 200), ("/v1/no-such-route", 404)):  # problems too: their detail is read
        response = allowed.get(path, headers={"Origin": "https://other.example"})
        assert response.status_code == status
        headers = cors_headers(response)
        assert headers["access-control-allow-origin"] == "https://other.example"
        assert {h.strip().lower() for h in headers["access-control-expose-headers"].split(",")} == expected


def test_another_origin_is_granted_nothing(allowed: TestClient) -> None:
    # Starlette still lists its methods and exposed headers to any origin; without Allow-Origin a browser
    # lets the page read nothing, so that is the header that must be missing.
    preflight = allowed.options("/v1/simulations", headers={"Origin": "https://evil.example", **PREFLIGHT})
    assert preflight.status_code == 400
    assert preflight.text == "Disallowed CORS origin"
    response = allowed.get("/v1/health", headers={"Origin": "https://evil.example"})
    assert response.status_code == 200
    for answer in (preflight, response):
        headers = cors_headers(answer)
        assert "access-control-allow-origin" not in headers
        assert "access-control-allow-credentials" not in headers
