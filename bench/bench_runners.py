"""Per-run overhead of each sandbox backend against bare FMPy in-process, and latency under load.

For local cold (no warm pool), local warm, docker cold and docker warm: the median wall time of one
simulation through the HTTP API (uncached), the overhead over bare FMPy, and with 8 concurrent clients
p50/p95 latency and throughput. Docker rows need the engine and `make runner-image`; they are skipped,
with a line saying so, when either is missing.

    make bench            # or: .venv/bin/python bench/bench_runners.py [--runs N] [--load N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import fmpy
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import LIBRARY, prepare, start_gateway  # noqa: E402

MODEL = "lib:BouncingBall"
BODY = {"fmu_id": MODEL, "interface": "CoSimulation", "stop_time": 3.0, "cache": False}


def docker_ready() -> str | None:
    try:
        import docker

        client = docker.from_env()
        client.ping()
        client.images.get("fmu-gateway-runner:latest")
    except Exception as exc:  # any reason means: no docker rows
        return str(exc).splitlines()[0][:120]
    return None


def bare_fmpy(runs: int) -> float:
    path = str(LIBRARY / "fmi3" / "BouncingBall.fmu")
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fmpy.simulate_fmu(path, validate=False, fmi_type="CoSimulation", stop_time=3.0, output_interval=0.01,
                          remote_platform=None)
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def measure(runner: str, warm: int, runs: int, load: int) -> tuple[float, float, float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        proc, url = start_gateway(data, FMU_GATEWAY_RUNNER=runner, FMU_GATEWAY_RUNNER_WARM_POOL=str(warm),
                                  FMU_GATEWAY_RUNNER_CONCURRENCY="2")
        try:
            auth = prepare(data, url)
            with httpx.Client(base_url=url, headers=auth, timeout=120) as client:
                client.post("/v1/simulations", json=BODY)  # first run: images, caches
                single = []
                for _ in range(runs):
                    time.sleep(0.3 if warm else 0)  # let the pool refill, as between real requests
                    t0 = time.perf_counter()
                    r = client.post("/v1/simulations", json=BODY)
                    single.append(time.perf_counter() - t0)
                    assert r.status_code == 200 and r.json()["status"] == "succeeded", r.text

            def one(_: int) -> float:
                with httpx.Client(base_url=url, headers=auth, timeout=300) as c:
                    t0 = time.perf_counter()
                    r = c.post("/v1/simulations", json=BODY)
                    assert r.status_code == 200 and r.json()["status"] == "succeeded", r.text
                    return time.perf_counter() - t0

            t0 = time.perf_counter()
            with ThreadPoolExecutor(8) as pool:
                latencies = sorted(pool.map(one, range(load)))
            elapsed = time.perf_counter() - t0
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    return statistics.median(single), statistics.median(latencies), p95, load / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--load", type=int, default=64, help="requests of the 8-client load phase")
    args = parser.parse_args()
    bare = bare_fmpy(args.runs)
    configs = [("local cold", "local", 0), ("local warm", "local", 2)]
    why_not = docker_ready()
    if why_not is None:
        configs += [("docker cold", "docker", 0), ("docker warm", "docker", 2)]
    rows = [(name, *measure(runner, warm, args.runs, args.load)) for name, runner, warm in configs]
    print(f"FMU Gateway runner bench: {MODEL} (CS, 3 s, 301 points), {os.cpu_count()} CPUs, SQLite, "
          f"2 runs at once per gateway; bare FMPy in-process median {bare * 1000:.1f} ms")
    print(f"{'backend':<13}{'single ms':>10}{'overhead ms':>12}{'x FMPy':>8}{'8-client p50':>14}"
          f"{'p95 ms':>8}{'runs/s':>8}")
    for name, single, p50, p95, rate in rows:
        print(f"{name:<13}{single * 1000:>10.1f}{(single - bare) * 1000:>12.1f}{single / bare:>8.1f}"
              f"{p50 * 1000:>14.1f}{p95 * 1000:>8.1f}{rate:>8.1f}")
    if why_not is not None:
        print(f"docker rows skipped: {why_not} (start dockerd and run `make runner-image`)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
