"""Fixtures: an isolated key store, mock transports, and one real gateway process per test session."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import fmu_gateway_testkit as testkit
import httpx
import pytest

from fmu_gateway_sdk import Gateway

SDK = Path(__file__).resolve().parents[1]
REPO = SDK.parent
LIBRARY_DIR = testkit.LIBRARY_DIR
Handler = Callable[[httpx.Request], httpx.Response]
WEBHOOK_SECRET = "whsec_sdk_tests"
# The environment each live gateway runs with (by URL): an operator's command (`fmu-gateway-api
# grant-credits`) run with it reaches that gateway's database.
GATEWAY_ENV: dict[str, dict[str, str]] = {}
CHECKOUT_URL = re.compile(r"https://checkout\.stripe\.test/pay/(cs_test_[0-9a-f]+)")


@pytest.fixture(autouse=True)
def config_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the user's real key, or picks up their gateway settings."""
    config = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("FMU_GATEWAY_CONFIG_DIR", str(config))
    monkeypatch.delenv("FMU_GATEWAY_API_KEY", raising=False)
    monkeypatch.delenv("FMU_GATEWAY_URL", raising=False)
    monkeypatch.setattr("fmu_gateway_sdk._http._sleep", lambda s: None)
    return config


def problem(status: int, slug: str, detail: str, **extra: Any) -> httpx.Response:
    body = {"type": f"https://fmu-gateway.dev/problems/{slug}", "title": slug, "status": status,
            "detail": detail, **extra}
    return httpx.Response(status, content=json.dumps(body).encode(),
                          headers={"content-type": "application/problem+json"})


def mock_gateway(handler: Handler, **kwargs: Any) -> Gateway:
    kwargs.setdefault("api_key", "fgw_test")
    kwargs.setdefault("base_url", "https://gateway.example")
    return Gateway(transport=httpx.MockTransport(handler), **kwargs)


class CountingTransport(httpx.BaseTransport):
    """The real network transport, recording every request (method, path, body bytes)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.requests: list[tuple[str, str, int]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        self.requests.append((request.method, request.url.path, len(body)))
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@contextmanager
def serve_gateway(**extra_env: str) -> Iterator[str]:
    """A real FMU Gateway process (SQLite, local runner, the project's model library) on a free port: the
    shared test kit's, with `extra_env` on top."""
    with testkit.serve_gateway(env=extra_env) as gateway:
        GATEWAY_ENV[gateway.url] = gateway.env
        try:
            yield gateway.url
        finally:
            GATEWAY_ENV.pop(gateway.url, None)


@pytest.fixture(scope="session")
def gateway_url() -> Iterator[str]:
    """A gateway as `make run` serves it: Stripe off."""
    with serve_gateway() as url:
        yield url


def fake_stripe() -> testkit.FakeStripe:
    """The Stripe-speaking local server of the test kit (the SDK never imports the server's code)."""
    return testkit.FakeStripe().start()


@pytest.fixture(scope="session")
def stripe() -> Iterator[testkit.FakeStripe]:
    fake = fake_stripe()
    yield fake
    fake.stop()


def stripe_env(stripe: Any) -> dict[str, str]:
    return {"FMU_GATEWAY_STRIPE_ENABLED": "true", "FMU_GATEWAY_STRIPE_API_KEY": "sk_test_sdk",
            "FMU_GATEWAY_STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "FMU_GATEWAY_STRIPE_API_BASE": stripe.url}


def zero_credit_pricing(directory: Path) -> dict[str, str]:
    """The project's pricing with no sign-up credits: a new account meets 402 on its first run."""
    text = (REPO / "shared-specs" / "pricing.yaml").read_text()
    assert text.count("included_credits: 20") == 1
    path = directory / "pricing.yaml"
    path.write_text(text.replace("included_credits: 20", "included_credits: 0"))
    shutil.copy(REPO / "shared-specs" / "pricing.schema.json", directory)  # validated against it, beside it
    return {"FMU_GATEWAY_PRICING_FILE": str(path)}


@pytest.fixture(scope="session")
def broke_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Payments off, no sign-up credits: what an operator's gateway looks like to a new account."""
    with serve_gateway(**zero_credit_pricing(tmp_path_factory.mktemp("pricing"))) as url:
        yield url


@pytest.fixture(scope="session")
def broke_paid_url(tmp_path_factory: pytest.TempPathFactory, stripe: Any) -> Iterator[str]:
    """Payments on (the local Stripe), no sign-up credits: every run is paid for."""
    pricing = zero_credit_pricing(tmp_path_factory.mktemp("pricing"))
    with serve_gateway(**stripe_env(stripe), **pricing) as url:
        yield url


def pay(stripe: Any, url: str, session_id: str) -> None:
    """Stripe's part: the customer pays at the checkout URL and Stripe delivers the signed event."""
    paid = stripe.complete_session(session_id)
    payload, signature = stripe.sign(stripe.event("checkout.session.completed", paid), WEBHOOK_SECRET)
    response = httpx.post(f"{url}/v1/webhooks/stripe", content=payload,
                          headers={"Stripe-Signature": signature, "Content-Type": "application/json"})
    assert response.status_code == 200, response.text


def grant_credits_command(url: str, printed: str, credits: int) -> list[str]:
    """The operator's command as the SDK printed it (`fmu-gateway-api grant-credits ACCOUNT N`), with N
    filled in, run against that gateway's database."""
    match = re.search(r"`fmu-gateway-api grant-credits (acc_[0-9a-f]+) N`", printed)
    assert match, printed
    exe = Path(sys.executable).with_name("fmu-gateway-api")
    completed = subprocess.run([str(exe), "grant-credits", match.group(1), str(credits)],
                               env=GATEWAY_ENV[url], capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.split()


@pytest.fixture
def gw(gateway_url: str) -> Iterator[Gateway]:
    """A client of the live gateway with a key it created itself (zero configuration)."""
    with Gateway(base_url=gateway_url, progress=False) as client:
        yield client


def library_fmu(name: str, fmi: int = 3) -> Path:
    path = LIBRARY_DIR / f"fmi{fmi}" / f"{name}.fmu"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make models`")
    return path
