"""A bounded soak on loopback: mixed traffic at a steady rate against one gateway, reporting 5xx,
latency percentiles and the server's memory (RSS) at the start and the end.

    .venv/bin/python bench/soak.py [--seconds 600] [--rate 6]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import LIBRARY, prepare, start_gateway  # noqa: E402


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--rate", type=float, default=6.0, help="requests per second, all kinds")
    args = parser.parse_args()
    models = ["lib:BouncingBall", "lib:VanDerPol", "lib:FirstOrderLag", "lib:MassSpringDamper"]
    fmu_bytes = (LIBRARY / "fmi2" / "VanDerPol.fmu").read_bytes()
    codes: Counter[str] = Counter()
    latency: dict[str, list[float]] = {"simulate": [], "upload": [], "poll": []}
    sims: list[str] = []
    lock = threading.Lock()

    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_gateway(Path(tmp), FMU_GATEWAY_LOG_LEVEL="ERROR")
        try:
            auth = prepare(Path(tmp), url)
            time.sleep(2)
            rss = [(0.0, rss_kb(proc.pid))]
            start = time.monotonic()

            def one(kind: str) -> None:
                with httpx.Client(base_url=url, headers=auth, timeout=120) as c:
                    t0 = time.perf_counter()
                    if kind == "simulate":
                        r = c.post("/v1/simulations", json={
                            "fmu_id": random.choice(models), "stop_time": random.choice([1.0, 2.0, 3.0]),
                            "cache": random.random() < 0.5, "wait_s": 5})
                        if r.status_code in (200, 202):
                            with lock:
                                sims.append(r.json()["id"])
                    elif kind == "upload":
                        r = c.post("/v1/fmus", files={"file": ("vdp.fmu", fmu_bytes, "application/octet-stream")})
                    else:
                        with lock:
                            sim_id = random.choice(sims) if sims else None
                        if sim_id is None:
                            return
                        r = c.get(f"/v1/simulations/{sim_id}" + random.choice(["", "/result"]))
                    elapsed = time.perf_counter() - t0
                with lock:
                    codes[f"{r.status_code // 100}xx"] += 1
                    latency[kind].append(elapsed)

            threads: list[threading.Thread] = []
            n = 0
            next_sample = 30.0
            while (now := time.monotonic() - start) < args.seconds:
                kind = random.choices(["simulate", "upload", "poll"], weights=[5, 1, 4])[0]
                t = threading.Thread(target=one, args=(kind,), daemon=True)
                t.start()
                threads.append(t)
                n += 1
                if now >= next_sample:
                    rss.append((now, rss_kb(proc.pid)))
                    next_sample += 30
                time.sleep(max(0.0, n / args.rate - (time.monotonic() - start)))
            for t in threads:
                t.join(timeout=120)
            time.sleep(2)
            rss.append((time.monotonic() - start, rss_kb(proc.pid)))
        finally:
            proc.terminate()
            proc.wait(timeout=60)

    def pct(values: list[float], q: float) -> float:
        values = sorted(values)
        return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else 0.0

    total = sum(codes.values())
    print(f"FMU Gateway soak: {args.seconds:.0f} s at {args.rate:g} req/s on loopback (SQLite, local runner)")
    print(f"requests {total}: " + ", ".join(f"{k} {v}" for k, v in sorted(codes.items())))
    for kind, values in latency.items():
        if values:
            print(f"{kind:<9} n={len(values):<6} p50 {statistics.median(values) * 1000:7.1f} ms  "
                  f"p95 {pct(values, 0.95):7.1f} ms  max {max(values) * 1000:7.1f} ms")
    print(f"server RSS: start {rss[0][1] / 1024:.1f} MiB, end {rss[-1][1] / 1024:.1f} MiB, "
          f"max {max(r for _, r in rss) / 1024:.1f} MiB over {len(rss)} samples")
    print("server RSS MiB by minute: " + " ".join(f"{r / 1024:.1f}" for t, r in rss if t == 0 or t % 60 < 30))
    return 1 if codes.get("5xx") else 0


if __name__ == "__main__":
    sys.exit(main())
