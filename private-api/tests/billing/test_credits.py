"""Credits: the ledger and the balance move together, never below zero; 402 changes nothing."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fmu_gateway_api.kit.uow import unit_of_work
from fmu_gateway_api.tables import LedgerEntry, Simulation, utcnow
from tests.billing.conftest import drain, ledger_consistent
from tests.conftest import account_id, grant, new_account, set_tier, wait_for_end
from tests.contract_client import ContractClient


def ctx_of(raw_client: TestClient) -> Any:
    return raw_client.app.state.ctx  # type: ignore[attr-defined]


def run(client: ContractClient, auth: dict[str, str], **extra: Any) -> Any:
    body = {"fmu_id": "lib:VanDerPol", "stop_time": 1.0, "cache": False, **extra}
    return client.post("/v1/simulations", headers=auth, json=body)


def test_a_new_account_gets_its_tier_credits_and_each_run_costs_its_price(
        client: ContractClient, raw_client: TestClient) -> None:
    auth = new_account(client)
    account = client.get("/v1/account", headers=auth).json()
    assert account["tier"] == "free" and account["balance_credits"] == 20
    assert [e["kind"] for e in account["ledger"]] == ["grant"]
    body = {"fmu_id": "lib:VanDerPol", "stop_time": 1.13}  # no other test asks for it: not cached yet
    quote = client.post("/v1/quotes", headers=auth, json=body).json()
    assert quote == {**quote, "price_credits": 1, "balance_credits": 20, "sufficient": True, "cached": False}
    sim = run(client, auth, stop_time=1.13, cache=True).json()
    assert sim["status"] == "succeeded"
    after = client.get("/v1/account", headers=auth).json()
    assert after["balance_credits"] == 19
    assert after["ledger"][0]["kind"] == "debit" and after["ledger"][0]["reference"] == sim["id"]
    cached = client.post("/v1/quotes", headers=auth, json=body).json()
    assert cached["cached"] and cached["price_credits"] == 0  # an identical stored result is free
    balance, total = ledger_consistent(ctx_of(raw_client), after["account_id"])
    assert balance == total == 19


def test_without_credits_a_402_carries_the_price_and_a_checkout_and_changes_nothing(
        client: ContractClient, raw_client: TestClient) -> None:
    ctx = ctx_of(raw_client)
    auth = new_account(client)
    account = account_id(client, auth)
    drain(ctx, account)
    with unit_of_work(ctx.sessions) as session:
        sims_before = session.scalar(select(func.count()).select_from(Simulation))
    response = run(client, auth)
    assert response.status_code == 402
    problem = response.json()
    assert problem["type"] == "https://fmu-gateway.dev/problems/payment-required"
    assert problem["price_credits"] == 1 and problem["balance_credits"] == 0 and problem["currency"] == "usd"
    assert problem["checkout_url"].startswith("https://") and problem["session_id"].startswith("cs_test_")
    with unit_of_work(ctx.sessions) as session:
        assert session.scalar(select(func.count()).select_from(Simulation)) == sims_before
    assert ledger_consistent(ctx, account) == (0, 0)
    assert client.get("/v1/simulations", headers=auth).json()["items"] == []


@pytest.mark.parametrize("k", [13])
def test_concurrent_paid_runs_admit_exactly_what_the_balance_pays(
        client: ContractClient, raw_client: TestClient, k: int) -> None:
    ctx = ctx_of(raw_client)
    auth = new_account(client)
    account = account_id(client, auth)
    set_tier(ctx, account, "pro")  # a request rate that lets 200 requests through in a burst
    drain(ctx, account)
    grant(ctx, account, k)

    def attempt(i: int) -> int:
        return run(client, auth, start_values={"mu": 1.0 + i / 1000}, wait_s=0).status_code

    with ThreadPoolExecutor(32) as pool:
        codes = list(pool.map(attempt, range(200)))
    admitted = [c for c in codes if c in (200, 202)]
    assert len(admitted) == k, codes
    assert codes.count(402) == 200 - k
    balance, total = ledger_consistent(ctx, account)
    assert balance == total == 0
    with unit_of_work(ctx.sessions) as session:
        debits = session.scalar(select(func.count()).select_from(LedgerEntry)
                                .where(LedgerEntry.account_id == account, LedgerEntry.kind == "debit",
                                       LedgerEntry.reference.like("sim_%")))
        assert debits == k


def test_a_retried_simulate_with_the_same_idempotency_key_is_charged_once(
        client: ContractClient, raw_client: TestClient) -> None:
    auth = new_account(client)
    key = {"Idempotency-Key": f"retry-{uuid.uuid4().hex}"}
    first = run(client, {**auth, **key})
    second = run(client, {**auth, **key})
    assert first.status_code == second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert second.headers["idempotent-replayed"] == "true"
    account = client.get("/v1/account", headers=auth).json()
    assert account["balance_credits"] == 19
    assert [e["kind"] for e in account["ledger"]].count("debit") == 1
    reused = run(client, {**auth, **key}, stop_time=2.0)
    assert reused.status_code == 422 and reused.json()["type"].endswith("/idempotency-key-reused")
    assert client.get("/v1/account", headers=auth).json()["balance_credits"] == 19


def test_a_platform_failure_is_refunded_once(client: ContractClient, raw_client: TestClient) -> None:
    """A job whose worker died twice (the lost-worker path of recovery) ends failed and refunded."""
    ctx = ctx_of(raw_client)
    auth = new_account(client)
    sim_id = run(client, auth, wait_s=0).json()["id"]
    assert wait_for_end(ctx, sim_id) == "succeeded"
    with unit_of_work(ctx.sessions) as session:
        # Pretend it was claimed by a worker on another host that died long ago, after its second attempt.
        sim = session.get(Simulation, sim_id)
        assert sim is not None
        sim.status, sim.worker, sim.attempts = "running", "gone-host:1:abc", 2
        sim.started_at = utcnow().replace(year=2020)
        sim.finished_at, sim.result_sha256 = None, None
    ctx.dispatcher.recover()
    ctx.dispatcher.recover()  # twice: still one refund
    sim = client.get(f"/v1/simulations/{sim_id}", headers=auth).json()
    assert sim["status"] == "failed" and sim["error"]["type"] == "worker-lost"
    account = client.get("/v1/account", headers=auth).json()
    assert account["balance_credits"] == 20
    assert [e["kind"] for e in account["ledger"]].count("refund") == 1


def test_a_model_failure_is_not_refunded(client: ContractClient, raw_client: TestClient) -> None:
    from tests.conftest import hostile_fmu

    auth = new_account(client)
    with hostile_fmu("Crash").open("rb") as fh:
        files = {"file": ("c.fmu", fh, "application/octet-stream")}
        fmu_id = client.post("/v1/fmus", headers=auth, files=files).json()["id"]
    sim = client.post("/v1/simulations", headers=auth, json={"fmu_id": fmu_id, "interface": "CoSimulation"}).json()
    assert sim["status"] == "failed" and sim["error"]["type"] == "model-crashed"
    assert client.get("/v1/account", headers=auth).json()["balance_credits"] == 19


def test_tier_limits_are_enforced_with_clear_problems(client: ContractClient) -> None:
    auth = new_account(client)  # free tier: 60 s runs, 20 MiB FMUs
    too_long = run(client, auth, timeout_s=61)
    assert too_long.status_code == 422 and too_long.json()["type"].endswith("/timeout-too-long")
    assert "tier" in too_long.json()["detail"]
    files = {"file": ("big.fmu", bytes(21 << 20), "application/octet-stream")}
    big = client.post("/v1/fmus", headers=auth, files=files)
    assert big.status_code == 413 and big.json()["type"].endswith("/fmu-too-large")
    assert client.get("/v1/account", headers=auth).json()["balance_credits"] == 20


def test_the_request_rate_is_limited_per_key_and_a_429_never_debits(client: ContractClient) -> None:
    auth = new_account(client)
    codes = [client.get("/v1/account", headers=auth).status_code for _ in range(125)]
    assert codes.count(429) >= 1 and codes[0] == 200
    limited = run(client, auth)
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.headers["ratelimit-policy"] == '"minute";q=120;w=60'
    assert limited.headers["ratelimit"].startswith('"minute";r=0;')
    assert limited.json()["type"].endswith("/rate-limited")
    other = new_account(client)  # another key has its own budget
    ok = client.get("/v1/account", headers=other)
    assert ok.status_code == 200 and "ratelimit" in ok.headers
    assert client.get("/v1/simulations", headers=other).status_code == 200


def test_pricing_is_served_from_the_validated_file(client: ContractClient) -> None:
    pricing = client.get("/v1/pricing").json()
    assert set(pricing["tiers"]) >= {"free", "pro", "enterprise"}
    assert pricing["tiers"]["enterprise"]["billing"] == "metered"
    assert {p["id"] for p in pricing["credit_packs"]} == {"pack_100", "pack_1000"}
