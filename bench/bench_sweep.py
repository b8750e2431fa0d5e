"""Server-side sweeps (issue 15): a 1,000-case sweep of lib:BouncingBall on a gateway, against the same
1,000 runs with bare FMPy in a 2-process pool (each process unpacks the FMU once). Goal: the sweep reaches
>= 50 % of the pool's rate.

The gateway is one all-in-one process (`fmu-gateway-api serve`) with two sandbox slots (the pool's two
processes), a pro account (8 concurrent runs) with credits. The sweep's wall time is the gateway's own:
from the sweep's admission (`created_at`: every case checked, paid and queued) to its `finished_at` (the
last case's end). The client follows it as the SDK does (polls at 0.2, 0.5, 1, 2 s), and when it saw the
end is printed beside it. Bare FMPy and the sweep run side by side, in rounds that alternate which goes
first (a machine whose speed drifts moves both sides alike); the goal is judged on the median round.

    make bench    # or: .venv/bin/python bench/bench_sweep.py [--cases 1000] [--workers 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import fmpy
import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import LIBRARY, CpuBudget, prepare, start_gateway  # noqa: E402

MODEL = "BouncingBall"
POLL_S = (0.2, 0.5, 1.0, 2.0)  # as the SDK follows a sweep (fmu_gateway_sdk._sweep)
STOP_TIME = 3.0
_unpacked: str | None = None


def _init(fmu: str, root: str) -> None:
    global _unpacked
    _unpacked = tempfile.mkdtemp(dir=root)
    with zipfile.ZipFile(fmu) as archive:
        archive.extractall(_unpacked)


def _run(e: float) -> float:
    assert _unpacked is not None
    result = fmpy.simulate_fmu(_unpacked, fmi_type="CoSimulation", stop_time=STOP_TIME, start_values={"e": e},
                               validate=False)
    return float(np.max(result["h"]))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def bare_fmpy(values: list[float], workers: int) -> tuple[float, list[float], float]:
    """Wall time, the KPIs, and the CPU milliseconds each run took in the pool's processes."""
    fmu = str(LIBRARY / "fmi3" / f"{MODEL}.fmu")
    with tempfile.TemporaryDirectory() as root:
        with multiprocessing.get_context("fork").Pool(workers, _init, (fmu, root)) as pool:
            pool.map(_run, values[:workers * 2])  # warm: every process has unpacked and loaded the model
            t0 = time.perf_counter()
            kpis = pool.map(_run_timed, values, chunksize=1)
            wall = time.perf_counter() - t0
    cpu_ms = sum(c for _, c in kpis) * 1000.0 / max(len(values), 1)
    return wall, [k for k, _ in kpis], cpu_ms


def _run_timed(e: float) -> tuple[float, float]:
    c0 = _cpu()
    kpi = _run(e)
    return kpi, _cpu() - c0


def gateway_sweep(client: httpx.Client, values: list[float]) -> tuple[float, float, float, dict[str, Any]]:
    """The sweep's wall time (gateway clock), its admission and when the client saw the end (client clock),
    and its table."""
    body = {"base": {"fmu_id": f"lib:{MODEL}", "interface": "CoSimulation", "stop_time": STOP_TIME,
                     "cache": False, "kpis": [{"variable": "h", "kind": "max"}]},
            "cases": [{"e": e} for e in values]}
    t0 = time.perf_counter()
    created = client.post("/v1/sweeps", json=body)
    created.raise_for_status()
    admitted = time.perf_counter() - t0
    sweep = created.json()
    polls = 0
    while sweep["status"] == "running":
        time.sleep(POLL_S[min(polls, len(POLL_S) - 1)])
        polls += 1
        sweep = client.get(f"/v1/sweeps/{sweep['id']}").json()
    seen = time.perf_counter() - t0
    wall = (datetime.fromisoformat(sweep["finished_at"]) - datetime.fromisoformat(sweep["created_at"])).total_seconds()
    table = client.get(f"/v1/sweeps/{sweep['id']}/results").json()
    return wall, admitted, seen, table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="bare pool and sweep, side by side, this many times")
    parser.add_argument("--tier", default="pro", help="the account's tier")
    args = parser.parse_args()
    values = [float(v) for v in np.linspace(0.5, 0.95, args.cases)]

    rounds: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_gateway(Path(tmp), FMU_GATEWAY_RUNNER_CONCURRENCY=str(args.workers))
        try:
            with httpx.Client(base_url=url, timeout=300) as client:
                client.headers.update(prepare(Path(tmp), url, tier=args.tier))
                warm = {"fmu_id": f"lib:{MODEL}", "stop_time": STOP_TIME, "cache": False}
                for _ in range(args.workers * 2):
                    client.post("/v1/simulations", json=warm).raise_for_status()
                for r in range(args.rounds):  # alternate which side goes first: a drifting machine moves both
                    found: dict[str, Any] = {}
                    for side in (("bare", "sweep") if r % 2 == 0 else ("sweep", "bare")):
                        if side == "bare":
                            found["bare_s"], found["kpis"], found["bare_cpu"] = bare_fmpy(values, args.workers)
                        else:
                            budget = CpuBudget(proc.pid)
                            found["wall"], found["admitted"], found["seen"], found["table"] = gateway_sweep(
                                client, values)
                            found["cpu"] = budget.per_run_ms(len(values))
                    rounds.append(found)
        finally:
            proc.terminate()
            proc.wait(30)
            shutil.rmtree(tmp, ignore_errors=True)

    print(f"{args.cases}-case sweep of lib:{MODEL} (CS, stop {STOP_TIME:g} s), {args.workers} workers, "
          f"a {args.tier} account, {args.rounds} round(s) side by side")
    ok = True
    for r, found in enumerate(rounds, 1):
        rows = found["table"]["rows"]
        succeeded = sum(1 for row in rows if row["status"] == "succeeded")
        same = sum(1 for row, k in zip(rows, found["kpis"], strict=True) if row["kpis"]["max(h)"] == k)
        ok = ok and succeeded == same == args.cases
        cpu = found["cpu"]
        found["ratio"] = found["bare_s"] / found["wall"]
        print(f"  round {r}: bare FMPy, {args.workers}-process pool {found['bare_s']:6.2f} s "
              f"({args.cases / found['bare_s']:6.1f} runs/s); gateway sweep (admitted to last case) "
              f"{found['wall']:6.2f} s ({args.cases / found['wall']:6.1f} runs/s; admission "
              f"{found['admitted'] * 1000:.0f} ms; the client saw the end after {found['seen']:.2f} s): "
              f"{found['ratio']:.0%}")
        print(f"    cases succeeded: {succeeded}/{args.cases}; max(h) equal to bare FMPy's: {same}/{args.cases}; "
              f"CPU per case (ms): {', '.join(f'{k} {v:.1f}' for k, v in cpu.items())}; total "
              f"{sum(cpu.values()):.1f}, against bare FMPy's {found['bare_cpu']:.1f} per run")
    ratio = statistics.median(found["ratio"] for found in rounds)
    print(f"  sweep / FMPy rate, median of {len(rounds)}: {ratio:.0%} "
          f"(goal >= 50 %: {'met' if ratio >= 0.5 else 'NOT met'})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
