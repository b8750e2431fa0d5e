"""`make bench` keeps working: the core bench runs end to end (one repetition, no figures checked) against
its own gateway process and prints a row for every library model."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from fmu_gateway_testkit import POSTGRES_SKIP, postgres_url

from tests.conftest import LIBRARY_DIR, REPO


def _run_bench(script: str, *args: str) -> str:
    """bench/<script> run as `make bench` runs it (no FMU_GATEWAY_* or DATABASE_URL of ours); its stdout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FMU_GATEWAY_")}
    env.pop("DATABASE_URL", None)
    proc = subprocess.run([sys.executable, str(REPO / "bench" / script), *args], env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    return proc.stdout


@pytest.mark.database_independent  # the bench's own gateway, on SQLite
def test_the_core_bench_runs_every_library_model() -> None:
    stdout = _run_bench("bench_core.py", "--repeat", "1")
    printed = [line.split()[0] for line in stdout.splitlines() if line.startswith("lib:")]
    library = json.loads((LIBRARY_DIR / "library.json").read_text())
    assert printed == [e["id"] for e in library if e["fmi_version"] == "3.0"]
    assert "API/FMPy" in stdout


@pytest.mark.database_independent  # the bench's own gateway, on SQLite
def test_the_sandbox_bench_runs_and_prints_every_goal() -> None:
    stdout = _run_bench("bench_sandbox.py", "--runs", "3", "--seconds", "1", "--no-docker")
    for line in ("1. one run over HTTP", "2. throughput", "3. Docker warm: skipped (--no-docker)",
                 "4. per-run cost of each layer", "5. where a single run's time goes"):
        assert line in stdout, stdout


@pytest.mark.database_independent  # the bench's own gateway, on SQLite
def test_the_edge_bench_runs_and_prints_every_goal() -> None:
    stdout = _run_bench("bench_edge.py", "--clients", "5", "--seconds", "3")
    for goal in ("no 5xx", "health p99 < 250 ms", "RSS flat"):
        assert goal in stdout, stdout
    assert " 500 " not in stdout


@pytest.mark.skipif(postgres_url() is None, reason=POSTGRES_SKIP)
def test_the_scale_bench_runs_and_prints_every_goal() -> None:
    stdout = _run_bench("bench_scale.py", "--runs", "3", "--jobs", "2", "--steps", "2", "--workers", "1,2",
                        "--database-url", str(postgres_url()))
    for goal in ("enqueue-to-start, workers idle (3 runs)", "2 worker(s): 2 runs", "scaling 1 -> 2 workers"):
        assert goal in stdout, stdout


@pytest.mark.database_independent  # the bench's own gateway, on SQLite
def test_the_results_bench_runs_and_prints_every_goal() -> None:
    stdout = _run_bench("bench_results.py", "--repeat", "1", "--rows", "2000")
    for line in ("2001 rows", "1. simulate + fetch (Arrow)", "(goal <= 1.10x)", "2. download + parse",
                 "   json ", "   arrow ", "   parquet ", "goal: Arrow >= 5x faster and >= 3x smaller"):
        assert line in stdout, stdout


@pytest.mark.database_independent  # the bench's own gateway, on SQLite
def test_the_sweep_bench_runs_and_prints_its_goal() -> None:
    stdout = _run_bench("bench_sweep.py", "--cases", "12")
    for line in ("12-case sweep of lib:BouncingBall", "bare FMPy, 2-process pool", "cases succeeded: 12/12",
                 "max(h) equal to bare FMPy's: 12/12", "sweep / FMPy rate:"):
        assert line in stdout, stdout
