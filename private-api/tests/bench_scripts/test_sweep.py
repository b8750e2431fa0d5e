from __future__ import annotations

import pytest

from tests.bench_scripts.runner import run_bench


@pytest.mark.database_independent  # the bench's own gateway, on SQLite
def test_the_sweep_bench_runs_and_prints_its_goal() -> None:
    stdout = run_bench("bench_sweep.py", "--cases", "12")
    for line in ("12-case sweep of lib:BouncingBall", "bare FMPy, 2-process pool", "cases succeeded: 12/12",
                 "max(h) equal to bare FMPy's: 12/12", "sweep / FMPy rate:"):
        assert line in stdout, stdout
