"""The contract under every schemathesis check, as a partner would run it: the schemathesis CLI with
`--checks all` and its default phases (examples, coverage, fuzzing, stateful) against a gateway process,
with a fixed budget and a fresh random seed each run (printed; FMU_GATEWAY_SCHEMATHESIS_SEED replays one).
Settings in schemathesis.toml at the repository root, which a run by hand from there reads too."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fmu_gateway_testkit import GatewayProcess

from tests.conftest import REPO
from tests.contract.conftest import SEED

MAX_EXAMPLES = 20
# Its gateway process runs on a SQLite file of its own in either lane.
pytestmark = pytest.mark.database_independent


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A gateway whose account can afford every request: rate limits off (they are tested on their own;
    here they would hide the logic behind 429s) and credits granted as an operator does."""
    data = tmp_path_factory.mktemp("schemathesis")
    gw = GatewayProcess(data, env={"FMU_GATEWAY_RATE_LIMIT_ENABLED": "false"}).start()
    try:
        key = httpx.post(f"{gw.url}/v1/keys", json={"name": "schemathesis"}).json()["api_key"]
        account = httpx.get(f"{gw.url}/v1/account", headers={"Authorization": f"Bearer {key}"}).json()["account_id"]
        subprocess.run([sys.executable, "-m", "fmu_gateway_api.cli", "grant-credits", account, "1000000"],
                       env=gw.env, check=True, capture_output=True)
        yield gw.url, key
    finally:
        gw.stop()


def test_every_check_with_the_default_phases_and_a_random_seed(gateway: tuple[str, str]) -> None:
    url, key = gateway
    cli = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert cli is not None
    proc = subprocess.run([cli, "run", "shared-specs/openapi.yaml", "--url", url, "-H", f"Authorization: Bearer {key}",
                           "--checks", "all", "--seed", str(SEED), "--max-examples", str(MAX_EXAMPLES),
                           "--no-color"], cwd=REPO, capture_output=True, text=True, timeout=900, check=False)
    out = proc.stdout
    assert proc.returncode == 0, f"seed {SEED}\n{out[-12000:]}\n{proc.stderr[-2000:]}"
    assert "Configuration:    " + str(REPO / "schemathesis.toml") in out
    assert f"Seed: {SEED}" in out
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅  {phase}" in out, out[-6000:]
