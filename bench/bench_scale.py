"""Scale-out (issue 13): one API process (`serve --role api`) and worker processes (`worker`) on one
PostgreSQL database, sharing a blob directory as compose's volume does.

1. Enqueue-to-start with workers idle: runs submitted one at a time (no wait); for each, the time from its
   admission (`created_at`) to its claim by a worker (`started_at`), both stamped by the database's
   clients on this host. Goal: p50 <= 5 ms.
2. Throughput from 1 to 2 to 4 worker processes (one run at a time each) on a model that waits instead of
   computing (Sleeper: it sleeps in every step), so this machine's cores are not the limit. Goal: 4
   workers >= 0.9x linear.

    make bench    # or: .venv/bin/python bench/bench_scale.py [--runs 40] [--jobs 16]
Needs PostgreSQL (TEST_DATABASE_URL, or postgresql://postgres@127.0.0.1:5432/test).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from fmu_gateway_api.auth.tokens import SigningKey
from fmu_gateway_testkit import GatewayProcess, fresh_postgres, hostile_fmu, postgres_url
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import prepare  # noqa: E402

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Stack:
    def __init__(self, root: Path, database_url: str) -> None:
        self.root, self.database_url = root, database_url
        self.env = {"FMU_GATEWAY_ENVIRONMENT": "development", "FMU_GATEWAY_RUNNER_CONCURRENCY": "1",
                    "FMU_GATEWAY_RUNNER_WARM_POOL": "1",
                    "FMU_GATEWAY_JWT_KEYS": json.dumps([SigningKey.generate().to_json()])}
        self.api = GatewayProcess(root / "shared", database_url=database_url, env=self.env,
                                  command=["serve", "--role", "api"])
        self.workers: list[GatewayProcess] = []
        self.engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))

    def scale(self, n: int) -> None:
        while len(self.workers) < n:  # the blob directory is shared (compose's volume); scratch is not
            self.workers.append(GatewayProcess(self.root / "shared", database_url=self.database_url,
                                               env=self.env, command=["worker"]).start())

    def account(self) -> dict[str, str]:
        return prepare(self.root / "shared", self.api.url, tier="enterprise", database_url=self.database_url)

    def times(self, ids: list[str]) -> list[tuple[str, float, float, float]]:
        with self.engine.connect() as conn:
            rows = conn.execute(text("SELECT status, created_at, started_at, finished_at FROM simulations "
                                     "WHERE id = ANY(:ids)"), {"ids": ids}).all()
        return [(r[0], r[1].timestamp(), r[2].timestamp(), r[3].timestamp()) for r in rows if r[2] and r[3]]

    def wait_done(self, ids: list[str], timeout_s: float = 600) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self.engine.connect() as conn:
                left = conn.execute(text("SELECT count(*) FROM simulations WHERE id = ANY(:ids) AND status IN "
                                         "('queued', 'running')"), {"ids": ids}).scalar()
            if not left:
                return
            time.sleep(0.2)
        raise RuntimeError("the runs did not finish")

    def close(self) -> None:
        for process in [self.api, *self.workers]:
            process.cleanup()
        self.engine.dispose()


def submit(client: httpx.Client, fmu_id: str, auth: dict[str, str], **request: object) -> str:
    response = client.post("/v1/simulations", headers=auth, json={"fmu_id": fmu_id, "wait_s": 0, "cache": False,
                                                                  **request})
    assert response.status_code in (200, 202), response.text
    return str(response.json()["id"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="runs for the enqueue-to-start latency")
    parser.add_argument("--jobs", type=int, default=16, help="runs per throughput measurement")
    parser.add_argument("--steps", type=int, default=10, help="Sleeper steps of 0.1 s per run")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--database-url", help="a PostgreSQL server this bench may create a database on")
    args = parser.parse_args()
    url = args.database_url or postgres_url() or LOCAL_POSTGRES
    try:
        create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1)).connect().close()
    except Exception as exc:
        print(f"bench_scale: skipped (needs PostgreSQL at {url}: {type(exc).__name__})")
        return 0
    counts = [int(n) for n in args.workers.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp, fresh_postgres(url) as db:
        plain = db.replace("postgresql+psycopg://", "postgresql://", 1)
        stack = Stack(Path(tmp), plain)
        try:
            stack.api.migrate()
            stack.api.start()
            stack.scale(1)
            auth = stack.account()
            with httpx.Client(base_url=stack.api.url, timeout=120) as client, hostile_fmu("Sleeper").open("rb") as fh:
                fmu_id = client.post("/v1/fmus", headers=auth, files={"file": ("sleeper.fmu", fh)}).json()["id"]
                # 1. latency: one at a time, each finished before the next (the worker idle when it arrives)
                ids = []
                for _ in range(args.runs):
                    ids.append(submit(client, "lib:BouncingBall", auth, stop_time=0.1))
                    stack.wait_done(ids[-1:])
                latency = [(started - created) * 1000 for _s, created, started, _f in stack.times(ids)]
                p50, p95 = statistics.median(latency), percentile(latency, 0.95)
                print(f"enqueue-to-start, workers idle ({len(latency)} runs): p50 {p50:.2f} ms, p95 {p95:.2f} ms "
                      f"(goal: p50 <= 5 ms) {'MET' if p50 <= 5 else 'NOT MET'}")
                # 2. throughput on a model that waits
                rates: dict[int, float] = {}
                stop = args.steps * 0.1
                for n in counts:
                    stack.scale(n)
                    t0 = time.monotonic()
                    batch = [submit(client, fmu_id, auth, stop_time=stop, output_interval=0.1,
                                    start_values={"sleep_per_step": 0.1}) for _ in range(args.jobs)]
                    stack.wait_done(batch)
                    elapsed = time.monotonic() - t0
                    rows = stack.times(batch)
                    assert len(rows) == args.jobs and all(r[0] == "succeeded" for r in rows), rows
                    rates[n] = args.jobs / elapsed
                    print(f"{n} worker(s): {args.jobs} runs of ~{stop:g} s in {elapsed:.2f} s, "
                          f"{rates[n]:.2f} runs/s")
                base = rates[counts[0]] / counts[0]
                for n in counts[1:]:
                    ratio = rates[n] / (base * n)
                    print(f"scaling {counts[0]} -> {n} workers: {ratio:.2f}x linear "
                          f"(goal >= 0.9x) {'MET' if ratio >= 0.9 else 'NOT MET'}")
        finally:
            stack.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
