from __future__ import annotations

import pytest

from tests.bench_scripts.runner import run_bench


@pytest.mark.database_independent  # the bench's own gateway, on SQLite
def test_the_edge_bench_runs_and_prints_every_goal() -> None:
    stdout = run_bench("bench_edge.py", "--clients", "5", "--seconds", "3")
    for goal in ("no 5xx", "health p99 < 250 ms", "RSS flat"):
        assert goal in stdout, stdout
    assert " 500 " not in stdout
