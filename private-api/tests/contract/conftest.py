"""The schemathesis seed of this run: fresh each run, replayed with FMU_GATEWAY_SCHEMATHESIS_SEED. The
suite's conftest picks it before any test process starts (pytest-xdist's workers inherit it) and prints it
at the end of the session whatever the outcome."""

from __future__ import annotations

import os
import random

from tests.conftest import SEED_VARIABLE

SEED = int(os.environ.get(SEED_VARIABLE) or random.SystemRandom().randrange(1, 2**31))
