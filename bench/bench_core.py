"""Per-model latency: bare FMPy in-process against the HTTP API end to end (uncached and cached).

Starts a gateway (`fmu-gateway-api serve`) on loopback with a throw-away data directory, talks to it
over one keep-alive connection, and prints medians and the ratio API / FMPy for each library model.

    make bench            # or: .venv/bin/python bench/bench_core.py [--repeat N] [--fmi 2|3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import fmpy
import httpx
from fmu_gateway_testkit import GatewayProcess

REPO = Path(__file__).resolve().parents[1]
LIBRARY = REPO / "build" / "models"


def start_gateway(data: Path, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    """A gateway process (the test kit's, as every suite starts one) on a free loopback port."""
    gateway = GatewayProcess(data, env={"FMU_GATEWAY_ENVIRONMENT": "development", **env})
    gateway.start()
    assert gateway.proc is not None
    return gateway.proc, gateway.url


def prepare(data: Path, url: str, *, tier: str = "pro", database_url: str | None = None) -> dict[str, str]:
    """An account on `tier` with plenty of credits, as an operator would set one up (through the CLI, on the
    gateway's data directory and database: its SQLite file when database_url is None)."""
    key = httpx.post(f"{url}/v1/keys", json={"name": "bench"}, timeout=30).json()["api_key"]
    auth = {"Authorization": f"Bearer {key}"}
    account = httpx.get(f"{url}/v1/account", headers=auth, timeout=30).json()["account_id"]
    env = {**os.environ, "FMU_GATEWAY_DATA_DIR": str(data)}
    env.pop("DATABASE_URL", None)
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    for args in (["set-tier", account, tier], ["grant-credits", account, "100000"]):
        subprocess.run([sys.executable, "-m", "fmu_gateway_api.cli", *args], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(5.5)  # the key cache (at most 5 s) picks up the new tier
    return auth


_TICK_S = 1.0 / os.sysconf("SC_CLK_TCK")


def _cpu_s(pid: int) -> tuple[float, float]:
    """CPU seconds a process used itself (all its threads) and what its reaped children used."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rpartition(")")[2].split()
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return (utime + stime) * _TICK_S, (cutime + cstime) * _TICK_S


def _templates(api_pid: int) -> list[int]:
    """The gateway's sandbox templates: its direct children (they fork and reap every run)."""
    pids = []
    for task in os.listdir(f"/proc/{api_pid}/task"):
        with open(f"/proc/{api_pid}/task/{task}/children") as fh:
            pids += [int(x) for x in fh.read().split()]
    return pids


class CpuBudget:
    """Where the CPU of a load phase goes, per run: the clients (this process), the API process, the
    template(s), and the sandboxes (the runs the templates reaped, rehearsals included)."""

    def __init__(self, api_pid: int) -> None:
        self.api_pid = api_pid
        self.templates = _templates(api_pid)
        self.start = self._sample()

    def _sample(self) -> dict[str, float]:
        api, _ = _cpu_s(self.api_pid)
        own = [_cpu_s(pid) for pid in self.templates]
        return {"clients": time.process_time(), "API process": api, "templates": sum(o[0] for o in own),
                "sandboxes": sum(o[1] for o in own)}

    def per_run_ms(self, runs: int) -> dict[str, float]:
        end = self._sample()
        return {k: (end[k] - v) * 1000.0 / max(runs, 1) for k, v in self.start.items()}


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--fmi", type=int, choices=(2, 3), default=3)
    args = parser.parse_args()
    entries = [e for e in json.loads((LIBRARY / "library.json").read_text())
               if e["fmi_version"] == f"{args.fmi}.0"]

    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_gateway(Path(tmp))
        try:
            with httpx.Client(base_url=url, timeout=120) as client:  # one keep-alive connection
                client.headers.update(prepare(Path(tmp), url))
                rows = []
                for entry in entries:
                    path = str(LIBRARY / entry["file"])
                    body = {"fmu_id": entry["id"], "interface": "CoSimulation"}
                    first = client.post("/v1/simulations", json=body).json()  # warms caches, fixes settings
                    req = first["request"]
                    bare, api, cached = [], [], []
                    for _ in range(args.repeat):
                        t0 = time.perf_counter()
                        fmpy.simulate_fmu(path, validate=False, fmi_type="CoSimulation",
                                          start_time=req["start_time"], stop_time=req["stop_time"],
                                          output_interval=req["output_interval"], output=req["outputs"],
                                          relative_tolerance=req["relative_tolerance"], remote_platform=None)
                        bare.append(time.perf_counter() - t0)
                        t0 = time.perf_counter()
                        r = client.post("/v1/simulations", json={**body, "cache": False})
                        api.append(time.perf_counter() - t0)
                        assert r.status_code == 200 and r.json()["status"] == "succeeded", r.text
                        t0 = time.perf_counter()
                        r = client.post("/v1/simulations", json=body)
                        cached.append(time.perf_counter() - t0)
                        assert r.json()["cached"], r.text
                    rows.append((entry["id"], len(first["result"]["data"]["time"]), median_ms(bare),
                                 median_ms(api), median_ms(cached)))
        finally:
            proc.terminate()
            proc.wait(timeout=30)

    print(f"FMU Gateway core bench: FMI {args.fmi}.0 Co-Simulation, {args.repeat} runs each, medians, "
          f"{os.cpu_count()} CPUs, SQLite, local runner (warm pool)")
    print(f"{'model':<26}{'points':>7}{'FMPy ms':>10}{'API ms':>9}{'cached ms':>11}{'API/FMPy':>10}"
          f"{'cached/FMPy':>13}")
    for model_id, points, bare_ms, api_ms, cached_ms in rows:
        print(f"{model_id:<26}{points:>7}{bare_ms:>10.1f}{api_ms:>9.1f}{cached_ms:>11.1f}"
              f"{api_ms / bare_ms:>10.2f}{cached_ms / bare_ms:>13.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
