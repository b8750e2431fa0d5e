from __future__ import annotations

import pytest

from tests.bench_scripts.runner import run_bench


@pytest.mark.database_independent  # the bench's own gateway, on SQLite
def test_the_sweep_bench_runs_and_prints_its_goal() -> None:
    stdout = run_bench("bench_sweep.py", "--cases", "12", "--rounds", "1")
    for line in ("12-case sweep of lib:BouncingBall", "round 1: bare FMPy, 2-process pool", "cases succeeded: 12/12",
                 "max(h) equal to bare FMPy's: 12/12", "sweep / FMPy rate, median of 1:"):
        assert line in stdout, stdout
