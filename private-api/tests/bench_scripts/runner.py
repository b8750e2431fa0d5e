"""Running a bench script as `make bench` runs it."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO


def run_bench(script: str, *args: str) -> str:
    """bench/<script> run as `make bench` runs it (no FMU_GATEWAY_* or DATABASE_URL of ours); its stdout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FMU_GATEWAY_")}
    env.pop("DATABASE_URL", None)
    proc = subprocess.run([sys.executable, str(REPO / "bench" / script), *args], env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    return proc.stdout
