from __future__ import annotations

import pytest

from tests.bench_scripts.runner import run_bench


@pytest.mark.database_independent  # the bench's own gateway, on SQLite
def test_the_results_bench_runs_and_prints_every_goal() -> None:
    stdout = run_bench("bench_results.py", "--repeat", "1", "--rows", "2000")
    for line in ("2001 rows", "1. simulate + fetch (Arrow)", "(goal <= 1.10x)", "2. download + parse",
                 "   json ", "   arrow ", "   parquet ", "goal: Arrow >= 5x faster and >= 3x smaller"):
        assert line in stdout, stdout
