"""A run's log: the FMU's logger messages (kept even when the model crashes), then its stdout and stderr,
capped per run, served as text or JSON."""

from __future__ import annotations

from tests.conftest import hostile_fmu, new_account
from tests.contract_client import ContractClient


def _upload(client: ContractClient, auth: dict[str, str], name: str) -> str:
    with hostile_fmu(name).open("rb") as fh:
        files = {"file": (f"{name}.fmu", fh, "application/octet-stream")}
        response = client.post("/v1/fmus", headers=auth, files=files)
    assert response.status_code in (200, 201), response.text
    return str(response.json()["id"])


def test_a_crashing_models_log_survives_the_crash(client: ContractClient) -> None:
    auth = new_account(client)
    fmu_id = _upload(client, auth, "Crash")
    sim = client.post("/v1/simulations", headers=auth,
                      json={"fmu_id": fmu_id, "interface": "CoSimulation", "cache": False}).json()
    assert sim["status"] == "failed" and sim["error"]["type"] == "model-crashed"

    text = client.get(f"/v1/simulations/{sim['id']}/log", headers=auth)
    assert text.status_code == 200
    assert text.headers["content-type"].startswith("text/plain")
    assert text.headers["vary"] == "Accept"
    assert "[logModel] Crash: writing through a NULL pointer at t=" in text.text

    doc = client.get(f"/v1/simulations/{sim['id']}/log", headers=auth, params={"format": "json"}).json()
    assert doc["simulation_id"] == sim["id"] and doc["status"] == "failed"
    assert any("writing through a NULL pointer" in line for line in doc["lines"])
    assert doc["truncated"] is False

    last = client.get(f"/v1/simulations/{sim['id']}/log", headers={**auth, "Accept": "application/json"},
                      params={"tail": 1}).json()
    assert last["lines"] == doc["lines"][-1:]
    assert last["truncated"] is (len(doc["lines"]) > 1)


def test_a_chatty_models_log_is_capped(client: ContractClient) -> None:
    auth = new_account(client)
    fmu_id = _upload(client, auth, "Chatty")
    sim = client.post("/v1/simulations", headers=auth,
                      json={"fmu_id": fmu_id, "interface": "CoSimulation", "cache": False,
                            "start_values": {"bytes_per_step": 256 * 1024}}).json()
    assert sim["status"] == "succeeded", sim
    doc = client.get(f"/v1/simulations/{sim['id']}/log", headers=auth, params={"format": "json"}).json()
    assert doc["truncated"] is True
    assert 0 < len("\n".join(doc["lines"])) <= 20_000


def test_the_log_of_a_cached_run_is_empty_and_debug_logging_is_a_run_of_its_own(client: ContractClient) -> None:
    auth = new_account(client)
    body = {"fmu_id": "lib:BouncingBall", "stop_time": 0.5, "start_values": {"e": 0.61}}
    first = client.post("/v1/simulations", headers=auth, json=body).json()
    again = client.post("/v1/simulations", headers=auth, json=body).json()
    assert again["cached"] is True
    empty = client.get(f"/v1/simulations/{again['id']}/log", headers=auth)
    assert empty.status_code == 204 and empty.content == b""
    assert client.get(f"/v1/simulations/{again['id']}/log", headers=auth, params={"format": "json"}).json()[
        "lines"] == []
    debug = client.post("/v1/simulations", headers=auth, json={**body, "debug_logging": True}).json()
    assert debug["status"] == "succeeded" and debug["cached"] is False
    assert debug["request"]["debug_logging"] is True
    assert "debug_logging" not in first["request"]


def test_log_errors_are_problems(client: ContractClient) -> None:
    auth = new_account(client)
    missing = client.get(f"/v1/simulations/sim_{'0' * 32}/log", headers=auth)
    assert missing.status_code == 404 and missing.json()["type"].endswith("/not-found")
    sim = client.post("/v1/simulations", headers=auth, json={"fmu_id": "lib:BouncingBall", "stop_time": 0.2}).json()
    refused = client.get(f"/v1/simulations/{sim['id']}/log", headers={**auth, "Accept": "image/png"})
    assert refused.status_code == 406 and refused.json()["type"].endswith("/not-acceptable")
    bad = client.get(f"/v1/simulations/{sim['id']}/log", headers=auth, params={"tail": 0})
    assert bad.status_code == 422
    other = new_account(client)
    assert client.get(f"/v1/simulations/{sim['id']}/log", headers=other).status_code == 404
