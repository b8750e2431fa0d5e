from __future__ import annotations

import pytest
from fmu_gateway_testkit import POSTGRES_SKIP, postgres_url

from tests.bench_scripts.runner import run_bench


@pytest.mark.skipif(postgres_url() is None, reason=POSTGRES_SKIP)
def test_the_scale_bench_runs_and_prints_every_goal() -> None:
    stdout = run_bench("bench_scale.py", "--runs", "3", "--jobs", "2", "--steps", "2", "--workers", "1,2",
                        "--database-url", str(postgres_url()))
    for goal in ("enqueue-to-start, workers idle (3 runs)", "2 worker(s): 2 runs", "scaling 1 -> 2 workers"):
        assert goal in stdout, stdout
