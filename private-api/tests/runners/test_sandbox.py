"""A model that crashes, hangs or eats memory fails its own run; the service and other runs carry on."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from tests.conftest import hostile_fmu
from tests.contract_client import ContractClient


def upload(client: ContractClient, auth: dict[str, str], path: Path) -> str:
    with path.open("rb") as fh:
        response = client.post("/v1/fmus", headers=auth, files={"file": (path.name, fh, "application/octet-stream")})
    assert response.status_code in (200, 201), response.text
    return str(response.json()["id"])


@pytest.mark.parametrize(("name", "slugs", "words"), [
    ("Crash", {"model-crashed"}, "crashed"),
    ("Hang", {"simulation-timeout"}, "timeout"),
    ("MemoryHog", {"model-out-of-memory", "model-killed", "model-crashed", "model-error"}, "memory"),
])
def test_hostile_model_fails_alone(client: ContractClient, auth: dict[str, str], name: str,
                                   slugs: set[str], words: str) -> None:
    fmu_id = upload(client, auth, hostile_fmu(name))
    outcome: dict[str, dict] = {}  # type: ignore[type-arg]

    def run(key: str, body: dict) -> None:  # type: ignore[type-arg]
        outcome[key] = client.post("/v1/simulations", headers=auth, json=body).json()

    threads = [
        threading.Thread(target=run, args=("hostile", {"fmu_id": fmu_id, "stop_time": 1.0, "timeout_s": 3.0,
                                                       "interface": "CoSimulation"})),
        threading.Thread(target=run, args=("healthy", {"fmu_id": "lib:VanDerPol", "stop_time": 5.0,
                                                       "output_interval": 0.01})),
    ]
    for t in threads:
        t.start()
    health_ok = 0
    while True:  # /v1/health answers all through the attack
        assert client.get("/v1/health").status_code == 200
        health_ok += 1
        if not any(t.is_alive() for t in threads):
            break
        time.sleep(0.05)
    for t in threads:
        t.join()
    assert outcome["healthy"]["status"] == "succeeded"
    hostile = outcome["hostile"]
    assert hostile["status"] == "failed"
    assert hostile["error"]["type"] in slugs, hostile["error"]
    assert words in hostile["error"]["detail"] or hostile["error"]["type"] != "model-out-of-memory"
    # The service still runs models afterwards.
    again = client.post("/v1/simulations", headers=auth, json={"fmu_id": "lib:BouncingBall", "stop_time": 0.7})
    assert again.json()["status"] == "succeeded"


def test_a_hung_model_is_killed_at_its_timeout(client: ContractClient, auth: dict[str, str]) -> None:
    fmu_id = upload(client, auth, hostile_fmu("Hang"))
    t0 = time.monotonic()
    sim = client.post("/v1/simulations", headers=auth,
                      json={"fmu_id": fmu_id, "timeout_s": 1.5, "interface": "CoSimulation"}).json()
    elapsed = time.monotonic() - t0
    assert sim["error"]["type"] == "simulation-timeout"
    assert "1.5 s" in sim["error"]["detail"]
    assert elapsed < 10
