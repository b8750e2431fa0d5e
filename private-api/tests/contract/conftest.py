"""The schemathesis seed of this run: fresh each run, replayed with FMU_GATEWAY_SCHEMATHESIS_SEED, and
printed at the end of the session whatever the outcome."""

from __future__ import annotations

import os
import random

import pytest

SEED = int(os.environ.get("FMU_GATEWAY_SCHEMATHESIS_SEED") or random.SystemRandom().randrange(1, 2**31))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.write_line(f"schemathesis seed {SEED} (replay: FMU_GATEWAY_SCHEMATHESIS_SEED={SEED})")
