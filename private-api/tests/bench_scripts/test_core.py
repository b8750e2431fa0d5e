from __future__ import annotations

import json

import pytest

from tests.bench_scripts.runner import run_bench
from tests.conftest import LIBRARY_DIR


@pytest.mark.database_independent  # the bench's own gateway, on SQLite
def test_the_core_bench_runs_every_library_model() -> None:
    stdout = run_bench("bench_core.py", "--repeat", "1")
    printed = [line.split()[0] for line in stdout.splitlines() if line.startswith("lib:")]
    library = json.loads((LIBRARY_DIR / "library.json").read_text())
    assert printed == [e["id"] for e in library if e["fmi_version"] == "3.0"]
    assert "API/FMPy" in stdout
