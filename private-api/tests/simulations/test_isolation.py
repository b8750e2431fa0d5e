"""What one tenant may learn of another through results: nothing. Cached results are per account (library
models, which are ours, share); listings are summaries, whatever a run's inputs were."""

from __future__ import annotations

import uuid

from fmu_gateway_testkit import library_fmu

from tests.conftest import new_account
from tests.contract_client import ContractClient

REQUEST = {"stop_time": 0.75, "output_interval": 0.05, "start_values": {"e": 0.61}, "cache": True}


def upload(client: ContractClient, auth: dict[str, str]) -> str:
    with library_fmu("BouncingBall").open("rb") as fh:
        response = client.post("/v1/fmus", headers=auth, files={"file": ("bb.fmu", fh, "application/octet-stream")})
    assert response.status_code in (200, 201), response.text
    return str(response.json()["id"])


def run(client: ContractClient, auth: dict[str, str], fmu_id: str) -> dict:  # type: ignore[type-arg]
    response = client.post("/v1/simulations", headers=auth, json={"fmu_id": fmu_id, **REQUEST})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "succeeded"
    return dict(response.json())


def balance(client: ContractClient, auth: dict[str, str]) -> int:
    return int(client.get("/v1/account", headers=auth).json()["balance_credits"])


def test_another_accounts_identical_run_is_not_served_from_the_cache(client: ContractClient) -> None:
    alice, mallory = new_account(client), new_account(client)
    fmu_id = upload(client, alice)
    assert upload(client, mallory) == fmu_id  # the same bytes
    first = run(client, alice, fmu_id)
    assert first["cached"] is False
    before = balance(client, mallory)
    probe = run(client, mallory, fmu_id)  # same bytes, same request: was it run before? It must not tell.
    assert probe["cached"] is False and "cached_from" not in probe["provenance"]
    assert balance(client, mallory) == before - 1  # run (and paid) like any new request
    again = run(client, alice, fmu_id)
    assert (again["cached"], again["provenance"]["cached_from"]) == (True, first["id"])
    assert again["result"] == first["result"]


def test_library_results_are_shared_without_naming_the_first_run(client: ContractClient) -> None:
    alice, bob = new_account(client), new_account(client)
    mu = 1.0 + uuid.uuid4().int % 10**6 / 10**9  # a request nobody made before
    request = {"fmu_id": "lib:VanDerPol", "stop_time": 1.25, "output_interval": 0.25, "start_values": {"mu": mu}}
    first = client.post("/v1/simulations", headers=alice, json=request).json()
    assert (first["status"], first["cached"]) == ("succeeded", False)
    before = balance(client, bob)
    second = client.post("/v1/simulations", headers=bob, json=request).json()
    assert second["status"] == "succeeded" and second["result"] == first["result"]
    assert second["cached"] is True and "cached_from" not in second["provenance"]
    assert balance(client, bob) == before  # a cached result is free


def test_listings_are_summaries_with_a_link_to_the_full_run(client: ContractClient) -> None:
    auth = new_account(client)
    points = 2000
    inputs = {"time": [i * 0.001 for i in range(points)], "signals": {"u": [1.0] * points}}
    created = client.post("/v1/simulations", headers=auth, json={
        "fmu_id": "lib:FirstOrderLag", "stop_time": 1.0, "inputs": inputs})
    assert created.status_code == 200, created.text
    listing = client.get("/v1/simulations", headers=auth)
    item = listing.json()["items"][0]
    assert item["id"] == created.json()["id"] and item["url"] == f"/v1/simulations/{item['id']}"
    assert not {"request", "provenance", "result"} & set(item)
    assert len(listing.content) < 2000
    full = client.get(item["url"], headers=auth).json()
    assert full["request"]["inputs"]["time"] == inputs["time"]
