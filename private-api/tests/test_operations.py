"""Operations: Prometheus metrics, JSON log lines carrying the request id into the job, graceful
shutdown that hands unfinished runs back to the queue."""

from __future__ import annotations

import io
import json
import logging
import time
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fmu_gateway_api.app import create_app
from fmu_gateway_api.kit.uow import unit_of_work
from fmu_gateway_api.observability import JsonFormatter
from fmu_gateway_api.settings import Settings
from fmu_gateway_api.tables import Simulation
from tests.conftest import LIBRARY_DIR, make_settings, new_account, own_database
from tests.contract_client import ContractClient


def test_metrics_expose_the_operational_series(client: ContractClient) -> None:
    auth = new_account(client)
    sim = client.post("/v1/simulations", headers=auth,
                      json={"fmu_id": "lib:BouncingBall", "stop_time": 0.9, "cache": False}).json()
    assert sim["status"] == "succeeded"
    text = client.get("/metrics").text
    assert 'fmu_gateway_http_request_duration_seconds_count{method="POST",route="/v1/simulations",status="200"}' in text
    assert 'fmu_gateway_runs_total{backend="local",status="succeeded"}' in text
    assert 'fmu_gateway_queue_depth{status="queued"}' in text
    assert "fmu_gateway_credits_debited_total" in text and "fmu_gateway_outbox_lag_seconds" in text
    debited = next(float(line.split()[-1]) for line in text.splitlines()
                   if line.startswith("fmu_gateway_credits_debited_total "))
    assert debited >= 1


def test_request_latency_is_labelled_by_route_template_never_by_id(client: ContractClient,
                                                                   raw_client: TestClient) -> None:
    auth = new_account(client)
    sims = [client.post("/v1/simulations", headers=auth, json={
        "fmu_id": "lib:BouncingBall", "stop_time": 0.41 + i / 100, "cache": False}).json()["id"] for i in range(3)]
    for sim_id in sims:
        assert client.get(f"/v1/simulations/{sim_id}", headers=auth).status_code == 200
        assert client.get(f"/v1/simulations/{sim_id}/result", headers=auth).status_code == 200
    assert client.get(f"/v1/fmus/{'0' * 64}", headers=auth).status_code == 404
    assert raw_client.get("/v1/no-such-route").status_code == 404  # not in the contract: the raw client
    text = client.get("/metrics").text
    routes = {part.split('"')[1] for line in text.splitlines()
              if line.startswith("fmu_gateway_http_request_duration_seconds_count")
              for part in line.split(",") if part.startswith("route=")}
    assert {"/v1/simulations/{simulation_id}", "/v1/simulations/{simulation_id}/result", "/v1/fmus/{fmu_id}",
            "unmatched"} <= routes
    assert not [r for r in routes if "sim_" in r or "0" * 64 in r or "no-such-route" in r], routes


def test_logs_are_json_lines_with_the_request_id_carried_into_the_job(client: ContractClient) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        auth = new_account(client)
        rid = f"test-{uuid.uuid4().hex[:12]}"
        response = client.post("/v1/simulations", headers={**auth, "X-Request-ID": rid},
                               json={"fmu_id": "lib:VanDerPol", "stop_time": 0.7, "cache": False})
        assert response.headers["x-request-id"] == rid
        assert client.get("/v1/health", headers={"X-Request-ID": "bad id with spaces"}).headers["x-request-id"] != \
            "bad id with spaces"
        time.sleep(0.2)
    finally:
        root.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    assert lines and all({"time", "level", "logger", "message", "request_id"} <= set(e) for e in lines)
    job_lines = [e for e in lines if e["logger"].endswith("dispatcher") and response.json()["id"] in e["message"]]
    assert job_lines and all(e["request_id"] == rid for e in job_lines)


def test_graceful_shutdown_requeues_what_is_still_running(tmp_path: Path, database_url: str | None) -> None:
    with own_database(database_url) as db:  # this gateway's queue must be its own
        _shutdown_scenario(make_settings(tmp_path, db, runner_warm_pool=0))


def _shutdown_scenario(settings) -> None:  # type: ignore[no-untyped-def]
    app = create_app(settings)
    with TestClient(app) as raw:
        client = ContractClient(raw)
        auth = new_account(client)
        sim_id = client.post("/v1/simulations", headers=auth, json={
            "fmu_id": "lib:VanDerPol", "stop_time": 8000.0, "output_interval": 0.01, "cache": False,
            "wait_s": 0}).json()["id"]
        deadline = time.monotonic() + 20
        while client.get(f"/v1/simulations/{sim_id}", headers=auth).json()["status"] != "running":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        ctx = app.state.ctx
        ctx.dispatcher.stop(grace_s=0.5)  # what the lifespan does on SIGTERM, with a short grace
        with unit_of_work(ctx.sessions) as session:
            sim = session.get(Simulation, sim_id)
            assert sim is not None and sim.status == "queued" and sim.worker is None
        ctx.dispatcher = None  # already stopped; the lifespan must not stop it twice
        app.state.ctx = ctx


def test_the_make_run_defaults_run_simulations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`make run` serves from the checkout with the default, relative data directory (`var`) and no scratch
    setting; sandboxes start in `/`, so every path they get must be absolute."""
    monkeypatch.chdir(tmp_path)
    settings = Settings(environment="test", database_url=None, redis_url=None, library_dir=LIBRARY_DIR,
                        runner_warm_pool=1)
    assert settings.data_dir == tmp_path.resolve() / "var"
    with TestClient(create_app(settings)) as raw:
        client = ContractClient(raw)
        auth = new_account(client)
        for body in ({"fmu_id": "lib:BouncingBall", "stop_time": 1.0}, {"fmu_id": "lib:VanDerPol"}):
            sim = client.post("/v1/simulations", headers=auth, json=body).json()
            assert sim["status"] == "succeeded", (sim["error"], sim.get("log"))


def test_a_backend_whose_extra_is_missing_stops_the_service_with_the_pip_command(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from fmu_gateway_api.kit.extras import MissingExtra, require

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "docker" else real(name, *a))
    with pytest.raises(MissingExtra, match=r"FMU_GATEWAY_RUNNER=docker needs the 'docker' extra: "
                                           r"pip install 'fmu-gateway-api\[docker\]'"):
        require("docker", "docker", "FMU_GATEWAY_RUNNER=docker")
    require("yaml", "none", "always there")  # an installed module passes
