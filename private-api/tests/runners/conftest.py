"""The sandboxed gateway that the hostile and fidelity suites attack: one per module and backend, on its own
database, with strict sandboxing and tight limits."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fmu_gateway_api.app import create_app
from fmu_gateway_api.settings import Settings
from tests.conftest import docker_missing, grant, hostile_fmu, make_settings, new_account, own_database, postgres_url
from tests.contract_client import ContractClient

BACKENDS = ["local", "docker"]
MEMORY_MB = 512


class Gateway:
    def __init__(self, client: ContractClient, app: Any) -> None:
        self.client, self.app = client, app

    @property
    def settings(self) -> Settings:
        return self.app.state.ctx.settings  # type: ignore[no-any-return]

    def account(self, credits: int = 200) -> dict[str, str]:
        auth = new_account(self.client, "hostile")
        account_id = self.client.get("/v1/account", headers=auth).json()["account_id"]
        grant(self.app.state.ctx, account_id, credits)
        return auth

    def balance(self, auth: dict[str, str]) -> int:
        return int(self.client.get("/v1/account", headers=auth).json()["balance_credits"])

    def upload(self, auth: dict[str, str], path: Path | None = None, *, data: bytes | None = None,
               name: str = "model.fmu") -> Any:
        payload = data if data is not None else path.read_bytes()  # type: ignore[union-attr]
        return self.client.post("/v1/fmus", headers=auth,
                                files={"file": (name, io.BytesIO(payload), "application/octet-stream")})

    def fmu(self, auth: dict[str, str], name: str, fmi: int = 2) -> str:
        path = hostile_fmu(name) if fmi == 2 else hostile_fmu(name).parents[1] / "fmi3" / f"{name}.fmu"
        response = self.upload(auth, path)
        assert response.status_code in (200, 201), response.text
        return str(response.json()["id"])

    def simulate(self, auth: dict[str, str], fmu_id: str, **extra: Any) -> dict[str, Any]:
        body = {"fmu_id": fmu_id, "interface": "CoSimulation", "stop_time": 1.0, "timeout_s": 20, "cache": False,
                **extra}
        response = self.client.post("/v1/simulations", headers=auth, json=body)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def healthy_during(self, work: Any) -> Any:
        """Run `work` while /v1/health is polled; every poll must answer 200."""
        box: dict[str, Any] = {}
        thread = threading.Thread(target=lambda: box.setdefault("value", work()))
        thread.start()
        while thread.is_alive():
            assert self.client.get("/v1/health").status_code == 200
            time.sleep(0.05)
        thread.join()
        assert self.client.get("/v1/health").status_code == 200
        return box["value"]


@pytest.fixture(scope="module", params=BACKENDS)
def gw(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """Used by a module of this folder, it runs every one of that module's tests on each backend; on the
    lane's database, or on a SQLite file of its own for a module marked database_independent."""
    backend = request.param
    if backend == "docker":
        reason = docker_missing(Settings().runner_image)
        if reason:
            pytest.skip(reason)
    suite = request.module.__name__.rpartition(".")[2].removeprefix("test_")
    independent = request.node.get_closest_marker("database_independent") is not None
    with own_database(None if independent else postgres_url()) as db:
        settings = make_settings(tmp_path_factory.mktemp(f"{suite}-{backend}"), db, runner=backend,
                                 runner_memory_mb=MEMORY_MB, runner_tmpfs_mb=64, runner_warm_pool=1,
                                 runner_concurrency=3, build_timeout_s=60, sandbox_require="strict")
        app = create_app(settings)
        with TestClient(app, raise_server_exceptions=True) as raw:
            yield Gateway(ContractClient(raw), app)
