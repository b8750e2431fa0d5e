"""Durable jobs: 202 and polling with progress, cancel, per-account concurrency, and a service killed
mid-run that comes back without losing or double-charging the run."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import LIBRARY_DIR, new_account, own_database, postgres_url
from tests.contract_client import ContractClient

LONG = {"fmu_id": "lib:VanDerPol", "interface": "CoSimulation", "stop_time": 1500.0, "output_interval": 0.01,
        "cache": False, "wait_s": 0}


def poll(client: Any, auth: dict[str, str], sim_id: str, until: tuple[str, ...], timeout: float = 60) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    while True:
        sim = client.get(f"/v1/simulations/{sim_id}", headers=auth).json()
        if sim["status"] in until or time.monotonic() > deadline:
            return dict(sim)
        time.sleep(0.3)


def test_a_long_run_answers_202_shows_progress_and_can_be_cancelled(client: ContractClient) -> None:
    auth = new_account(client)
    started = client.post("/v1/simulations", headers=auth, json={**LONG, "stop_time": 8000.0})
    assert started.status_code == 202
    sim_id = started.json()["id"]
    running = poll(client, auth, sim_id, ("running",))
    assert running["status"] == "running"
    deadline = time.monotonic() + 20
    progress = None
    while time.monotonic() < deadline and not progress:
        time.sleep(0.5)
        progress = client.get(f"/v1/simulations/{sim_id}", headers=auth).json()["progress"]
    assert progress is not None and 0 < progress < 1
    cancelled = client.delete(f"/v1/simulations/{sim_id}", headers=auth)
    assert cancelled.status_code == 202
    final = poll(client, auth, sim_id, ("cancelled", "failed", "succeeded"))
    assert final["status"] == "cancelled" and final["error"]["type"] == "simulation-cancelled"
    again = client.delete(f"/v1/simulations/{sim_id}", headers=auth)
    assert again.status_code == 409
    assert client.get("/v1/account", headers=auth).json()["balance_credits"] == 19  # it ran: not refunded


def test_an_account_runs_at_most_its_tier_concurrency(client: ContractClient) -> None:
    auth = new_account(client)  # free tier: 2 concurrent runs
    # Runs far longer than the test: none ends while it looks, so every look sees the limit itself.
    ids = [client.post("/v1/simulations", headers=auth,
                       json={**LONG, "stop_time": 8000.0 + i}).json()["id"] for i in range(3)]
    seen_running, looks_at_limit = 0, 0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and looks_at_limit < 8:
        statuses = [client.get(f"/v1/simulations/{i}", headers=auth).json()["status"] for i in ids]
        assert statuses.count("running") <= 2, statuses
        seen_running = max(seen_running, statuses.count("running"))
        looks_at_limit += statuses.count("running") == 2
        time.sleep(0.25)
    assert seen_running == 2
    assert statuses.count("queued") == 1  # the third waits for a free slot
    for i in ids:
        assert client.delete(f"/v1/simulations/{i}", headers=auth).status_code in (200, 202)
    for i in ids:
        assert poll(client, auth, i, ("succeeded", "cancelled", "failed"))["status"] == "cancelled"


# -- kill -9 of the service -------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Gateway:
    def __init__(self, data: Path, database_url: str | None) -> None:
        self.data, self.database_url = data, database_url
        self.scratch = Path(tempfile.mkdtemp(prefix="fmu-gw-kill-", dir="/var/tmp"))
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self) -> None:
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
        env.update(FMU_GATEWAY_DATA_DIR=str(self.data), FMU_GATEWAY_SCRATCH_DIR=str(self.scratch),
                   FMU_GATEWAY_LIBRARY_DIR=str(LIBRARY_DIR), FMU_GATEWAY_LOG_LEVEL="WARNING",
                   FMU_GATEWAY_RUNNER_WARM_POOL="0")
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        self.proc = subprocess.Popen([sys.executable, "-m", "fmu_gateway_api.cli", "serve", "--port", str(port)],
                                     env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/v1/ready", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("the gateway did not start")

    def children(self) -> list[int]:
        assert self.proc is not None
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[Gateway]:
    with own_database(postgres_url()) as db:
        gw = Gateway(tmp_path, db)
        yield gw
        gw.stop()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rpartition(b")")[2].split()[0] != b"Z"
    except OSError:
        return False


def test_killing_the_service_mid_run_loses_nothing_and_charges_once(gateway: Gateway) -> None:
    gateway.start()
    with httpx.Client(base_url=gateway.url, timeout=30) as http:
        key = http.post("/v1/keys", json={"name": "kill"}).json()["api_key"]
        auth = {"Authorization": f"Bearer {key}"}
        sim_id = http.post("/v1/simulations", headers=auth, json=LONG).json()["id"]
        assert poll(http, auth, sim_id, ("running",))["status"] == "running"
        time.sleep(0.5)
        sandboxes = gateway.children()
        assert sandboxes, "the run should be in a sandbox process"
        gateway.kill()
        time.sleep(1.0)
        assert [p for p in sandboxes if _alive(p)] == [], "a sandbox outlived the killed service"

    gateway.start()  # same database, same data directory
    with httpx.Client(base_url=gateway.url, timeout=30) as http:
        final = poll(http, auth, sim_id, ("succeeded", "failed"), timeout=120)
        assert final["status"] == "succeeded", final["error"]
        ledger = http.get("/v1/account", headers=auth).json()["ledger"]
        debits = [e for e in ledger if e["kind"] == "debit" and e["reference"] == sim_id]
        assert len(debits) == 1 and not [e for e in ledger if e["kind"] == "refund"]
        assert http.get(f"/v1/simulations/{sim_id}/result", headers=auth).status_code == 200
