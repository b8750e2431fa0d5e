"""The Docker backend through the HTTP API: the same numbers as the local backend, warm containers, and no
container left behind (the hostile suite runs on this backend too: test_hostile.py).

Needs a Docker engine and the runner image (`make runner-image`; CI: deploy/ci-docker.sh). Skipped with a
reason starting "needs Docker:" otherwise, and CI fails on that skip.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from fmu_gateway_api.app import create_app
from fmu_gateway_api.settings import Settings
from tests.conftest import docker_missing, make_settings, new_account, own_database
from tests.contract_client import ContractClient

IMAGE = Settings().runner_image
ROLE = {"label": "fmu-gateway.role=runner"}
MODELS = ["BouncingBall", "VanDerPol", "FirstOrderLag", "MassSpringDamper", "FuelRail", "ScavengePump"]
FAKE_SECRETS = {"DATABASE_URL": "postgresql://user:hunter2@db.invalid/prod",
                "FMU_GATEWAY_FAKE_TOKEN": "fake-token", "STRIPE_FAKE_KEY": "sk_test_fake",
                "JWT_FAKE_KEY": "fake-jwt", "AWS_SECRET_ACCESS_KEY": "fake-aws"}


SKIP_REASON = docker_missing(IMAGE)
pytestmark = pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")


@pytest.fixture(scope="module")
def engine() -> Iterator[Any]:
    import docker

    client = docker.from_env(timeout=60)
    yield client
    client.close()


def _runner_of(app: Any) -> Any:
    return app.state.ctx.dispatcher.runner


@pytest.fixture(scope="module")
def docker_app(tmp_path_factory: pytest.TempPathFactory, database_url: str | None, client: ContractClient,
               engine: Any) -> Iterator[tuple[ContractClient, Any]]:
    """A gateway on the Docker backend, its API process holding (fake) secrets in its environment.

    Depends on `client` so that the shared local gateway and the session database exist before the
    environment changes."""
    with own_database(database_url) as db, pytest.MonkeyPatch.context() as mp:
        settings = make_settings(tmp_path_factory.mktemp("docker-gw"), db, runner="docker",
                                 runner_memory_mb=384, runner_tmpfs_mb=64, runner_concurrency=3,
                                 runner_warm_pool=1)
        for name, value in FAKE_SECRETS.items():
            mp.setenv(name, value)
        app = create_app(settings)
        with TestClient(app, raise_server_exceptions=True) as raw:
            yield ContractClient(raw), app
            instance = _runner_of(app).instance
    left = engine.containers.list(all=True, filters={"label": f"fmu-gateway.instance={instance}"})
    assert not left, f"runner containers left after the gateway closed: {left}"


@pytest.fixture(scope="module")
def dclient(docker_app: tuple[ContractClient, Any]) -> ContractClient:
    return docker_app[0]


@pytest.fixture
def dauth(dclient: ContractClient) -> dict[str, str]:
    """Headers of a fresh account on the Docker gateway."""
    return new_account(dclient, "docker")


def upload(client: ContractClient, auth: dict[str, str], path: Path) -> str:
    with path.open("rb") as fh:
        response = client.post("/v1/fmus", headers=auth,
                               files={"file": (path.name, fh, "application/octet-stream")})
    assert response.status_code in (200, 201), response.text
    return str(response.json()["id"])


def simulate(client: ContractClient, auth: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post("/v1/simulations", headers=auth, json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def last(sim: dict[str, Any], name: str) -> float:
    assert sim["status"] == "succeeded", sim["error"]
    return float(sim["result"]["data"][name][-1])


def test_ready_reports_the_docker_runner(dclient: ContractClient) -> None:
    response = dclient.get("/v1/ready")
    assert response.status_code == 200, response.text
    assert response.json()["checks"]["runner"] == "ok"


@pytest.mark.parametrize("interface", ["ModelExchange", "CoSimulation"])
@pytest.mark.parametrize("fmi", [2, 3])
@pytest.mark.parametrize("model", MODELS)
def test_docker_equals_local(client: ContractClient, auth: dict[str, str], dclient: ContractClient,
                             dauth: dict[str, str], model: str, fmi: int, interface: str) -> None:
    body = {"fmu_id": f"lib:{model}" + ("@fmi2" if fmi == 2 else ""), "interface": interface}
    local = simulate(client, auth, **body)
    remote = simulate(dclient, dauth, **body)
    assert local["status"] == "succeeded", (local["error"], local.get("log"), local.get("provenance"))
    assert remote["status"] == "succeeded", remote["error"]
    assert remote["provenance"]["runner"] == "docker"
    assert remote["provenance"]["image"].startswith("sha256:")
    assert remote["result"]["columns"] == local["result"]["columns"]
    for name in local["result"]["columns"]:
        assert np.array_equal(np.asarray(remote["result"]["data"][name], dtype=float),
                              np.asarray(local["result"]["data"][name], dtype=float)), name
    assert len(local["result"]["data"]["time"]) > 10


def test_only_warm_containers_between_runs(docker_app: tuple[ContractClient, Any], engine: Any) -> None:
    """A run's container is removed after its result is reported (off the critical path), soon after."""
    client, app = docker_app
    sim = simulate(client, new_account(client, "docker-idle"), fmu_id="lib:BouncingBall", stop_time=0.5)
    instance = _runner_of(app).instance
    deadline = time.monotonic() + 30
    while True:
        # The engine's list alone (no inspect of each): containers come and go while we look.
        jobs = [c["Labels"].get("fmu-gateway.job") for c in engine.api.containers(
            all=True, filters={"label": f"fmu-gateway.instance={instance}"})]
        if all(job == "warm" for job in jobs) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert all(job == "warm" for job in jobs), jobs
    assert sim["id"] not in jobs
    assert len(jobs) <= app.state.ctx.settings.runner_warm_pool + 1  # one replacement may be starting


def test_a_closed_gateway_leaves_no_container(tmp_path: Path, database_url: str | None, engine: Any) -> None:
    with own_database(database_url) as db:
        app = create_app(make_settings(tmp_path, db, runner="docker", runner_warm_pool=2))
        with TestClient(app) as raw:
            client = ContractClient(raw)
            sim = simulate(client, new_account(client, "docker-close"), fmu_id="lib:BouncingBall",
                           stop_time=0.5)
            assert sim["status"] == "succeeded", sim["error"]
            instance = _runner_of(app).instance
    assert not engine.containers.list(all=True, filters={"label": f"fmu-gateway.instance={instance}"})


def test_orphans_are_removed_at_start(tmp_path: Path, database_url: str | None, engine: Any) -> None:
    from fmu_gateway_api.runners.docker import DockerRunner
    from fmu_gateway_api.runners.local import SandboxHost

    orphan = engine.containers.run(IMAGE, ["sleep", "600"], detach=True, network_mode="none",
                                   labels={"fmu-gateway.role": "runner", "fmu-gateway.job": "orphan"})
    settings = make_settings(tmp_path, database_url, runner="docker", runner_warm_pool=0)
    host = SandboxHost(settings)
    runner = DockerRunner(settings, host)
    try:
        import docker

        with pytest.raises(docker.errors.NotFound):
            orphan.reload()
        assert runner.ready()
    finally:
        runner.close()
        host.close()
        try:
            orphan.remove(force=True)
        except Exception:  # removed, as it should be
            pass
