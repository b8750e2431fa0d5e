"""Server-side sweeps: one quote, admission all or nothing (or exactly max_cases), cases run as ordinary
queued simulations in parallel (several to a sandbox, one after the other, unless the model forbids it), a
table equal to the single runs, cancel refunds what has not run."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fmu_gateway_api.kit.uow import unit_of_work
from fmu_gateway_api.tables import Simulation, Sweep
from tests.billing.conftest import drain, ledger_consistent
from tests.conftest import account_id, grant, library_fmu, new_account, set_tier, wait_for_end
from tests.contract_client import ContractClient
from tests.fmus.test_quirks import patched
from tests.fmus.test_upload_api import post_fmu

BASE = {"fmu_id": "lib:BouncingBall", "stop_time": 1.0, "kpis": [{"variable": "h", "kind": "max"},
                                                                  {"variable": "v", "kind": "final"}]}
E = [round(0.5 + 0.05 * i, 2) for i in range(10)]
G = [round(3.0 + 1.0 * i, 1) for i in range(10)]


def ctx_of(raw_client: TestClient) -> Any:
    return raw_client.app.state.ctx  # type: ignore[attr-defined]


def funded(client: ContractClient, raw_client: TestClient, credits: int, tier: str = "free") -> dict[str, str]:
    """A new account with exactly `credits`."""
    ctx = ctx_of(raw_client)
    auth = new_account(client)
    account = account_id(client, auth)
    if tier != "free":
        set_tier(ctx, account, tier)
    drain(ctx, account)
    if credits:
        grant(ctx, account, credits)
    return auth


def wait_for_sweep(ctx: Any, client: ContractClient, auth: dict[str, str], sweep_id: str) -> dict[str, Any]:
    """Every case ended (each waited for on the bus, as a request waits), then the table."""
    table = client.get(f"/v1/sweeps/{sweep_id}/results", headers=auth).json()
    for row in table["rows"]:
        assert wait_for_end(ctx, row["simulation_id"], timeout_s=300) in ("succeeded", "failed", "cancelled")
    return dict(client.get(f"/v1/sweeps/{sweep_id}/results", headers=auth).json())


def balance(client: ContractClient, auth: dict[str, str]) -> int:
    return int(client.get("/v1/account", headers=auth).json()["balance_credits"])


def test_a_100_case_grid_sweep_quoted_then_run_equals_100_single_runs(client: ContractClient,
                                                                      raw_client: TestClient) -> None:
    ctx = ctx_of(raw_client)
    auth = funded(client, raw_client, 250, tier="pro")
    body = {"base": {**BASE, "cache": False}, "grid": {"e": E, "g": G}}

    quote = client.post("/v1/sweeps/quote", headers=auth, json=body).json()
    assert quote == {"case_count": 100, "admitted_cases": 100, "cached_cases": 0, "price_per_run_credits": 1,
                     "price_credits": 100, "balance_credits": 250, "affordable_cases": 100, "sufficient": True,
                     "tier": "pro", "billing": "prepaid", "currency": "usd"}
    assert balance(client, auth) == 250  # a quote charges nothing

    created = client.post("/v1/sweeps", headers=auth, json=body)
    assert created.status_code == 201
    sweep = created.json()
    assert created.headers["location"] == f"/v1/sweeps/{sweep['id']}"
    assert sweep["case_count"] == 100 and sweep["price_credits"] == 100
    assert sweep["parameters"] == ["e", "g"] and sweep["kpis"] == ["max(h)", "final(v)"]
    assert balance(client, auth) == 150  # paid at admission, in one debit

    table = wait_for_sweep(ctx, client, auth, sweep["id"])
    done = client.get(f"/v1/sweeps/{sweep['id']}", headers=auth).json()
    assert done["status"] == "completed" and done["progress"] == 1.0 and done["finished_at"] is not None
    assert done["counts"] == {"queued": 0, "running": 0, "succeeded": 100, "failed": 0, "cancelled": 0}
    assert [row["case"] for row in table["rows"]] == list(range(100))
    assert [row["start_values"] for row in table["rows"]] == [{"e": e, "g": g} for e in E for g in G]
    assert all(row["status"] == "succeeded" and row["error"] is None for row in table["rows"])

    singles = []
    for e in E:
        for g in G:
            sim = client.post("/v1/simulations", headers=auth,
                              json={**BASE, "cache": False, "start_values": {"e": e, "g": g}}).json()
            assert sim["status"] == "succeeded"
            singles.append(sim["kpis"])
    assert [row["kpis"] for row in table["rows"]] == singles
    assert balance(client, auth) == 50

    first = client.get(f"/v1/simulations/{table['rows'][7]['simulation_id']}/result", headers=auth).json()
    assert first["columns"][:3] == ["time", "h", "v"]
    assert max(first["data"]["h"]) == table["rows"][7]["kpis"]["max(h)"]

    answer = client.get(f"/v1/sweeps/{sweep['id']}/results", headers=auth, params={"format": "csv"})
    assert answer.headers["vary"] == "Accept"
    text = answer.text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["case", "simulation_id", "status", "cached", "e", "g", "max(h)", "final(v)", "error"]
    assert len(rows) == 101
    assert [float(r[6]) for r in rows[1:]] == [k["max(h)"] for k in singles]
    assert ledger_consistent(ctx, account_id(client, auth)) == (50, 50)


def test_a_sweep_the_balance_cannot_pay_is_refused_before_anything_runs(client: ContractClient,
                                                                        raw_client: TestClient) -> None:
    ctx = ctx_of(raw_client)
    auth = funded(client, raw_client, 40)
    body = {"base": {**BASE, "cache": False}, "grid": {"e": E, "g": G}}
    quote = client.post("/v1/sweeps/quote", headers=auth, json=body).json()
    assert (quote["price_credits"], quote["affordable_cases"], quote["sufficient"]) == (100, 40, False)

    refused = client.post("/v1/sweeps", headers=auth, json=body)
    assert refused.status_code == 402
    problem = refused.json()
    assert problem["type"].endswith("/payment-required")
    assert problem["price_credits"] == 100 and problem["balance_credits"] == 40
    assert problem["affordable_cases"] == 40
    assert balance(client, auth) == 40
    account = account_id(client, auth)
    with unit_of_work(ctx.sessions) as session:
        assert session.scalar(select(func.count()).select_from(Sweep).where(Sweep.account_id == account)) == 0
        assert session.scalar(select(func.count()).select_from(Simulation)
                              .where(Simulation.account_id == account)) == 0

    exact = client.post("/v1/sweeps", headers=auth, json={**body, "max_cases": quote["affordable_cases"]})
    assert exact.status_code == 201
    assert exact.json()["case_count"] == 40
    assert balance(client, auth) == 0
    table = wait_for_sweep(ctx, client, auth, exact.json()["id"])
    assert len(table["rows"]) == 40
    assert [row["start_values"] for row in table["rows"]] == [{"e": e, "g": g} for e in E for g in G][:40]
    assert all(row["status"] == "succeeded" for row in table["rows"])
    assert ledger_consistent(ctx, account) == (0, 0)


def test_cases_share_sandboxes_unless_the_model_allows_one_instance_per_process(client: ContractClient,
                                                                               raw_client: TestClient) -> None:
    """Cases of one sweep run several to a sandbox, one after the other, each its own instance (provenance
    `batch`); a model that declares canBeInstantiatedOnlyOncePerProcess gets a sandbox per case. Either way
    each case's result is its single run's."""
    ctx = ctx_of(raw_client)
    auth = funded(client, raw_client, 40)
    plain = post_fmu(client, auth, library_fmu("BouncingBall", 2).read_bytes())
    once = post_fmu(client, auth, patched("BouncingBall", 2, lambda md: md.replace(
        "<CoSimulation", '<CoSimulation canBeInstantiatedOnlyOncePerProcess="true"', 1)), "once.fmu")
    assert plain.status_code == once.status_code == 201, (plain.text, once.text)
    values = [round(0.5 + 0.05 * i, 2) for i in range(8)]
    for fmu_id, shared in ((plain.json()["id"], True), (once.json()["id"], False)):
        base = {"fmu_id": fmu_id, "interface": "CoSimulation", "stop_time": 3.0, "cache": False,
                "kpis": [{"variable": "h", "kind": "max"}]}
        created = client.post("/v1/sweeps", headers=auth, json={"base": base, "cases": [{"e": e} for e in values]})
        assert created.status_code == 201, created.text
        table = wait_for_sweep(ctx, client, auth, created.json()["id"])
        assert [row["status"] for row in table["rows"]] == ["succeeded"] * len(values)
        batches = [client.get(f"/v1/simulations/{row['simulation_id']}", headers=auth).json()["provenance"].get("batch")
                   for row in table["rows"]]
        if shared:  # the first claim takes its share of the 8 queued cases over the worker's slots: two or more
            assert any(b is not None and b["cases"] >= 2 for b in batches), batches
        else:
            assert batches == [None] * len(values)
        singles = [client.post("/v1/simulations", headers=auth, json={**base, "start_values": {"e": e}}).json()
                   for e in values]
        assert [row["kpis"] for row in table["rows"]] == [sim["kpis"] for sim in singles]
        assert all("batch" not in sim["provenance"] for sim in singles)
    assert balance(client, auth) == 40 - 4 * len(values)


def test_cancel_mid_sweep_refunds_what_has_not_run(client: ContractClient, raw_client: TestClient) -> None:
    """Free tier: two runs at a time, so most of 30 long cases have not begun when the cancel comes: the queued
    ones are refunded at once, those a worker claimed in a batch as its sandbox reaches them."""
    ctx = ctx_of(raw_client)
    auth = funded(client, raw_client, 30)
    body = {"base": {"fmu_id": "lib:VanDerPol", "interface": "CoSimulation", "stop_time": 1500.0,
                     "output_interval": 0.01, "cache": False},
            "cases": [{"mu": 1.0 + i / 100} for i in range(30)]}
    sweep = client.post("/v1/sweeps", headers=auth, json=body).json()
    assert balance(client, auth) == 0
    cancelled = client.delete(f"/v1/sweeps/{sweep['id']}", headers=auth)
    assert cancelled.status_code == 202
    after = cancelled.json()
    assert after["status"] == "cancelled"
    at_once = after["counts"]["cancelled"]
    assert at_once >= 30 - 2 * ctx.settings.sweep_batch and balance(client, auth) == at_once

    table = wait_for_sweep(ctx, client, auth, sweep["id"])
    refunded = sum(1 for row in table["rows"] if row["status"] == "cancelled")
    # At most two batches begin a case at a time and each case takes a while: most never began.
    assert refunded >= 20 and refunded >= at_once
    ran = [row for row in table["rows"] if row["status"] != "cancelled"]
    assert len(ran) == 30 - refunded
    assert all(row["status"] == "succeeded" for row in ran)  # running cases finish, paid and kept
    assert balance(client, auth) == refunded
    again = client.delete(f"/v1/sweeps/{sweep['id']}", headers=auth)
    assert again.status_code == 409 and again.json()["type"].endswith("/sweep-ended")
    assert ledger_consistent(ctx, account_id(client, auth)) == (refunded, refunded)


def test_latin_hypercube_samples_are_stratified_and_reproducible(client: ContractClient,
                                                                 raw_client: TestClient) -> None:
    auth = funded(client, raw_client, 30)
    body = {"base": BASE, "lhs": {"ranges": {"e": [0.5, 0.9], "g": [5.0, 10.0]}, "samples": 8, "seed": 7},
            "max_cases": 8}
    sweep = client.post("/v1/sweeps", headers=auth, json=body).json()
    table = wait_for_sweep(ctx_of(raw_client), client, auth, sweep["id"])
    values = [row["start_values"] for row in table["rows"]]
    for name, (low, high) in (("e", (0.5, 0.9)), ("g", (5.0, 10.0))):
        strata = sorted(int((v[name] - low) / (high - low) * 8) for v in values)
        assert strata == list(range(8))  # one sample in each eighth of the range
    again = client.post("/v1/sweeps", headers=auth, json=body).json()
    repeat = client.get(f"/v1/sweeps/{again['id']}/results", headers=auth).json()
    assert [row["start_values"] for row in repeat["rows"]] == values
    assert all(row["cached"] for row in repeat["rows"])  # the same cases: served from the first sweep's results
    assert again["price_credits"] == 0


def test_bad_sweeps_are_problems_and_cost_nothing(client: ContractClient, raw_client: TestClient) -> None:
    auth = funded(client, raw_client, 10)

    def refused(body: dict[str, Any], slug: str) -> dict[str, Any]:
        response = client.post("/v1/sweeps", headers=auth, json=body)
        assert response.status_code == 422, response.text
        assert response.json()["type"].endswith(f"/{slug}")
        return dict(response.json())

    refused({"base": BASE}, "invalid-sweep")
    refused({"base": BASE, "grid": {"e": [0.5]}, "cases": [{"e": 0.5}]}, "invalid-sweep")
    problem = refused({"base": BASE, "cases": [{"e": 0.5}, {"e": 0.6}, {"ee": 0.7}]}, "invalid-variable")
    assert problem["case"] == 2 and problem["detail"].startswith("case 2: ")
    refused({"base": BASE, "grid": {"e": [0.5] * 101, "g": [1.0] * 100}}, "too-many-cases")
    refused({"base": BASE, "lhs": {"ranges": {"e": [0.9, 0.5]}, "samples": 3}}, "invalid-sweep")
    refused({"base": BASE, "grid": {"e": [0.5]}, "max_cases": 0}, "invalid-request")
    missing = client.post("/v1/sweeps", headers=auth, json={"base": {**BASE, "fmu_id": "lib:Nope"}, "grid": {"e": [1]}})
    assert missing.status_code == 404
    assert balance(client, auth) == 10
    assert client.get("/v1/simulations", headers=auth).json()["items"] == []
    assert client.get(f"/v1/sweeps/swp_{'0' * 32}", headers=auth).status_code == 404


def test_an_idempotent_retry_returns_the_same_sweep_charged_once(client: ContractClient,
                                                                 raw_client: TestClient) -> None:
    auth = funded(client, raw_client, 10)
    body = {"base": {**BASE, "cache": False}, "cases": [{"e": 0.55}, {"e": 0.65}]}
    headers = {**auth, "Idempotency-Key": "sweep-1"}
    first = client.post("/v1/sweeps", headers=headers, json=body)
    second = client.post("/v1/sweeps", headers=headers, json=body)
    assert first.status_code == second.status_code == 201
    assert second.headers["idempotent-replayed"] == "true"
    assert first.json()["id"] == second.json()["id"]
    assert balance(client, auth) == 8
    other = client.post("/v1/sweeps", headers=headers, json={**body, "cases": [{"e": 0.75}]})
    assert other.status_code == 422 and other.json()["type"].endswith("/idempotency-key-reused")
    wait_for_sweep(ctx_of(raw_client), client, auth, first.json()["id"])
