from __future__ import annotations

import pytest

from tests.bench_scripts.runner import run_bench


@pytest.mark.database_independent  # the bench's own gateway, on SQLite
def test_the_sandbox_bench_runs_and_prints_every_goal() -> None:
    stdout = run_bench("bench_sandbox.py", "--runs", "3", "--seconds", "1", "--no-docker")
    for line in ("1. one run over HTTP", "2. throughput", "3. Docker warm: skipped (--no-docker)",
                 "4. per-run cost of each layer", "5. where a single run's time goes"):
        assert line in stdout, stdout
