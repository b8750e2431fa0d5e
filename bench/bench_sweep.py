"""Server-side sweeps (issue 15): a 1,000-case sweep of lib:BouncingBall on a gateway, against the same
1,000 runs with bare FMPy in a 2-process pool (each process unpacks the FMU once). Goal: the sweep reaches
>= 50 % of the pool's rate.

The gateway is one all-in-one process (`fmu-gateway-api serve`) with two sandbox slots (the pool's two
processes), a pro account (8 concurrent runs) with credits; the sweep's wall time runs from its POST
(admission: every case checked, paid and queued) to the moment the last case has ended.

    make bench    # or: .venv/bin/python bench/bench_sweep.py [--cases 1000] [--workers 2]
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import fmpy
import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import LIBRARY, CpuBudget, prepare, start_gateway  # noqa: E402

MODEL = "BouncingBall"
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


def gateway_sweep(client: httpx.Client, values: list[float]) -> tuple[float, float, dict[str, Any]]:
    body = {"base": {"fmu_id": f"lib:{MODEL}", "interface": "CoSimulation", "stop_time": STOP_TIME,
                     "cache": False, "kpis": [{"variable": "h", "kind": "max"}]},
            "cases": [{"e": e} for e in values]}
    t0 = time.perf_counter()
    created = client.post("/v1/sweeps", json=body)
    created.raise_for_status()
    admitted = time.perf_counter() - t0
    sweep = created.json()
    while sweep["status"] == "running":
        time.sleep(0.05)
        sweep = client.get(f"/v1/sweeps/{sweep['id']}").json()
    wall = time.perf_counter() - t0
    table = client.get(f"/v1/sweeps/{sweep['id']}/results").json()
    return wall, admitted, table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    values = [float(v) for v in np.linspace(0.5, 0.95, args.cases)]

    fmpy_s, fmpy_kpis, fmpy_cpu = bare_fmpy(values, args.workers)
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_gateway(Path(tmp), FMU_GATEWAY_RUNNER_CONCURRENCY=str(args.workers))
        try:
            with httpx.Client(base_url=url, timeout=300) as client:
                client.headers.update(prepare(Path(tmp), url))
                warm = {"fmu_id": f"lib:{MODEL}", "stop_time": STOP_TIME, "cache": False}
                for _ in range(args.workers * 2):
                    client.post("/v1/simulations", json=warm).raise_for_status()
                budget = CpuBudget(proc.pid)
                wall, admitted, table = gateway_sweep(client, values)
                cpu = budget.per_run_ms(len(values))
        finally:
            proc.terminate()
            proc.wait(30)
            shutil.rmtree(tmp, ignore_errors=True)

    rows = table["rows"]
    succeeded = sum(1 for r in rows if r["status"] == "succeeded")
    same = sum(1 for r, k in zip(rows, fmpy_kpis, strict=True) if r["kpis"]["max(h)"] == k)
    fmpy_rate, sweep_rate = args.cases / fmpy_s, args.cases / wall
    print(f"{args.cases}-case sweep of lib:{MODEL} (CS, stop {STOP_TIME:g} s), {args.workers} workers")
    print(f"  bare FMPy, {args.workers}-process pool : {fmpy_s:8.2f} s  {fmpy_rate:8.1f} runs/s")
    print(f"  gateway sweep (POST to last case): {wall:8.2f} s  {sweep_rate:8.1f} runs/s  "
          f"(admission {admitted * 1000:.0f} ms)")
    print(f"  cases succeeded: {succeeded}/{args.cases}; max(h) equal to bare FMPy's: {same}/{args.cases}")
    print(f"  CPU per case (ms): {', '.join(f'{k} {v:.1f}' for k, v in cpu.items())}; total "
          f"{sum(cpu.values()):.1f}, against bare FMPy's {fmpy_cpu:.1f} per run")
    ratio = sweep_rate / fmpy_rate
    print(f"  sweep / FMPy rate: {ratio:.0%} (goal >= 50 %: {'met' if ratio >= 0.5 else 'NOT met'})")
    return 0 if succeeded == args.cases else 1


if __name__ == "__main__":
    sys.exit(main())
