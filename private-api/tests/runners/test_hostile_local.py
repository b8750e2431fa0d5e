"""The hostile-FMU suite on the local backend: each attack is contained, leaks no secret, leaves nothing
for the next run, and the service keeps answering."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from fmu_gateway_api.settings import Settings
from tests.conftest import hostile_fmu, new_account
from tests.contract_client import ContractClient


def upload(client: ContractClient, auth: dict[str, str], name: str) -> str:
    path: Path = hostile_fmu(name)
    with path.open("rb") as fh:
        response = client.post("/v1/fmus", headers=auth, files={"file": (path.name, fh, "application/octet-stream")})
    assert response.status_code in (200, 201), response.text
    return str(response.json()["id"])


def simulate(client: ContractClient, auth: dict[str, str], fmu_id: str, **extra: Any) -> dict[str, Any]:
    body = {"fmu_id": fmu_id, "interface": "CoSimulation", "stop_time": 1.0, "timeout_s": 20, "cache": False,
            **extra}
    response = client.post("/v1/simulations", headers=auth, json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def final(sim: dict[str, Any], name: str) -> Any:
    return sim["result"]["data"][name][-1]


def healthy_during(client: ContractClient, work: Any) -> Any:
    """Run `work` while /v1/health is polled; every poll must answer 200."""
    box: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: box.setdefault("value", work()))
    thread.start()
    polls = 0
    while True:
        assert client.get("/v1/health").status_code == 200
        polls += 1
        if not thread.is_alive():
            break
        time.sleep(0.05)
    thread.join()
    assert polls >= 1
    return box["value"]


@pytest.fixture
def auth(client: ContractClient) -> dict[str, str]:
    return new_account(client, "hostile")


def test_no_network(client: ContractClient, auth: dict[str, str]) -> None:
    sim = healthy_during(client, lambda: simulate(client, auth, upload(client, auth, "NetworkProbe"),
                                                  start_values={"timeout_ms": 300}))
    assert sim["status"] == "succeeded", sim["error"]
    assert final(sim, "attempts") >= 1 and final(sim, "connected") == 0
    assert sim["provenance"]["isolation"]["network"] is True


def test_secrets_are_invisible(client: ContractClient, auth: dict[str, str], settings: Settings,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    # The service's own environment holds secrets; the sandbox must see none of them.
    for name in ("DATABASE_URL", "FMU_GATEWAY_JWT_KEYS", "STRIPE_API_KEY", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "secret-value-that-must-not-leak")
    sim = simulate(client, auth, upload(client, auth, "Snoop"))
    assert sim["status"] == "succeeded", sim["error"]
    assert final(sim, "secret_count") == 0 and final(sim, "env_count") <= 12
    for flag in ("has_database_url", "has_fmu_gateway", "has_stripe", "has_jwt", "has_aws"):
        assert final(sim, flag) == 0, flag
    if os.geteuid() == 0:  # the run has a uid of its own: other processes' environments are closed
        assert final(sim, "proc1_environ_readable") == 0
    assert (settings.data_dir / "secrets" / "jwt-keys.json").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(("name", "extra"), [
    ("ForkBomb", {"start_values": {"child_seconds": 30}}),
    ("DiskFill", {}),
    ("Chatty", {"start_values": {"bytes_per_step": 2 * 1024 * 1024}}),
])
def test_contained_and_the_next_run_is_clean(client: ContractClient, auth: dict[str, str], name: str,
                                             extra: dict[str, Any]) -> None:
    sim = healthy_during(client, lambda: simulate(client, auth, upload(client, auth, name), **extra))
    assert sim["status"] in ("succeeded", "failed")
    if sim["status"] == "failed":
        assert sim["error"]["type"] in {"model-error", "model-crashed", "simulation-timeout", "model-killed",
                                        "output-too-large"}
    if name == "ForkBomb" and sim["status"] == "succeeded":
        assert final(sim, "children") < 64  # the per-run process limit stopped it
    nxt = simulate(client, auth, "lib:BouncingBall")
    assert nxt["status"] == "succeeded"
    if os.geteuid() == 0:
        assert _stray_sandbox_processes() == [], "a sandbox process outlived its run"


def test_no_leftovers_between_runs(client: ContractClient, auth: dict[str, str]) -> None:
    fmu_id = upload(client, auth, "Litter")
    first = simulate(client, auth, fmu_id)
    second = simulate(client, auth, fmu_id)
    assert first["status"] == second["status"] == "succeeded"
    assert final(first, "files_written") >= 1
    assert final(second, "found_previous") == 0
    assert not Path("/tmp/fmu_gateway_litter").exists() and not Path("/dev/shm/fmu_gateway_litter").exists()


def test_model_failures_are_charged_and_the_service_survives_all_of_them(client: ContractClient,
                                                                        auth: dict[str, str]) -> None:
    before = client.get("/v1/account", headers=auth).json()["balance_credits"]
    crash = simulate(client, auth, upload(client, auth, "Crash"))
    assert crash["error"]["type"] == "model-crashed"
    after = client.get("/v1/account", headers=auth).json()
    assert after["balance_credits"] == before - 1  # the model's fault: no refund
    assert client.get("/v1/ready").status_code == 200


def _stray_sandbox_processes() -> list[int]:
    """Processes of any sandbox uid that are not waiting warm sandboxes (those still run as root)."""
    stray = []
    with os.scandir("/proc") as entries:
        for entry in entries:
            if entry.name.isdigit():
                try:
                    if 970000 <= os.stat(entry.path).st_uid < 970000 + 64 * 256:
                        with open(f"{entry.path}/stat", "rb") as fh:
                            if fh.read().rpartition(b")")[2].split()[0] != b"Z":  # zombies are dead
                                stray.append(int(entry.name))
                except OSError:
                    continue
    return stray
