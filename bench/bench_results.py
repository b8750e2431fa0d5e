"""Large results: a 100k-row run through the gateway (simulate + fetch) against FMPy's own time for the same
run, and the result downloaded as Arrow and Parquet against JSON (time including the client's parse, size).
Arrow is fetched as the SDK asks for it (`codecs="zstd, lz4"`: the stored stream, zstd buffers, as it is);
"arrow plain" names no codecs (uncompressed buffers, what every Arrow reader takes).

Starts a gateway (`fmu-gateway-api serve`) on loopback with a throw-away data directory, one keep-alive
connection, medians of --repeat runs.

    make bench            # or: .venv/bin/python bench/bench_results.py [--repeat N] [--rows N]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import fmpy
import httpx
import pyarrow as pa
import pyarrow.parquet as pq

from bench_core import LIBRARY, prepare, start_gateway

MODEL = "VanDerPol"
INTERVAL = 0.001
# What the SDK sends (pyarrow reads zstd and lz4 buffers): the gateway answers with its stored stream as it is.
ARROW = 'application/vnd.apache.arrow.stream; codecs="zstd, lz4"'
# download -> (query, headers); "arrow plain" names no codecs (uncompressed buffers, what any Arrow reader takes)
DOWNLOADS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "json": ({"format": "json"}, {}),
    "arrow": ({"format": "arrow"}, {"Accept": ARROW}),
    "arrow plain": ({"format": "arrow"}, {}),
    "parquet": ({"format": "parquet"}, {}),
}


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    stop = args.rows * INTERVAL
    path = str(LIBRARY / "fmi3" / f"{MODEL}.fmu")
    body = {"fmu_id": f"lib:{MODEL}", "interface": "CoSimulation", "stop_time": stop, "output_interval": INTERVAL,
            "cache": False, "wait_s": 120}
    bare, lean, inline, sizes = [], [], [], {}
    downloads: dict[str, list[float]] = {kind: [] for kind in DOWNLOADS}
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_gateway(Path(tmp))
        try:
            with httpx.Client(base_url=url, timeout=300) as client:
                client.headers.update(prepare(Path(tmp), url))
                client.post("/v1/simulations", json={**body, "stop_time": 1.0})  # warms the pool and caches
                for _ in range(args.repeat):
                    t0 = time.perf_counter()
                    direct = fmpy.simulate_fmu(path, validate=False, fmi_type="CoSimulation", stop_time=stop,
                                               output_interval=INTERVAL, remote_platform=None)
                    bare.append(time.perf_counter() - t0)
                    # simulate + fetch as Arrow: the answer without the data, then the columns
                    t0 = time.perf_counter()
                    r = client.post("/v1/simulations", json={**body, "inline_result": False})
                    assert r.status_code == 200 and r.json()["status"] == "succeeded", r.text
                    got = client.get(r.json()["result_url"], headers={"Accept": f"{ARROW}, application/json;q=0.5"})
                    table = pa.ipc.open_stream(got.content).read_all()
                    lean.append(time.perf_counter() - t0)
                    assert table.num_rows == len(direct)
                    # simulate with the result inline as JSON
                    t0 = time.perf_counter()
                    r = client.post("/v1/simulations", json=body)
                    doc = json.loads(r.content)
                    inline.append(time.perf_counter() - t0)
                    assert len(doc["result"]["data"]["time"]) == len(direct)
                    sim_url = r.json()["result_url"]
                    for kind, (query, headers) in DOWNLOADS.items():
                        t0 = time.perf_counter()
                        got = client.get(sim_url, params=query, headers=headers)
                        if kind == "json":
                            json.loads(got.content)
                        elif kind.startswith("arrow"):
                            pa.ipc.open_stream(got.content).read_all()
                        else:
                            pq.read_table(io.BytesIO(got.content))
                        downloads[kind].append(time.perf_counter() - t0)
                        sizes[kind] = len(got.content)
        finally:
            proc.terminate()
            proc.wait(timeout=30)

    rows = len(direct)
    fmpy_ms, lean_ms, inline_ms = median_ms(bare), median_ms(lean), median_ms(inline)
    json_ms = median_ms(downloads["json"])
    print(f"FMU Gateway results bench: lib:{MODEL} FMI 3 Co-Simulation, {rows} rows x {len(direct.dtype)} columns, "
          f"{args.repeat} runs each, medians, {os.cpu_count()} CPUs, SQLite, local runner")
    print(f"1. simulate + fetch (Arrow)  {lean_ms:8.1f} ms   FMPy alone {fmpy_ms:8.1f} ms   "
          f"ratio {lean_ms / fmpy_ms:.2f}x (goal <= 1.10x)")
    print(f"   simulate, JSON inline     {inline_ms:8.1f} ms   ratio {inline_ms / fmpy_ms:.2f}x")
    print("2. download + parse          time ms     bytes   faster than JSON   smaller than JSON")
    for kind in DOWNLOADS:
        ms = median_ms(downloads[kind])
        print(f"   {kind:<24}{ms:9.1f}{sizes[kind]:>11}{json_ms / ms:>15.1f}x{sizes['json'] / sizes[kind]:>18.1f}x")
    print("   goal: Arrow >= 5x faster and >= 3x smaller than JSON (arrow: as the SDK asks, codecs=zstd: the "
          "stored stream as it is; arrow plain: no codecs named, uncompressed buffers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
