"""Large models: 100,000 variables are described once (in the ingest sandbox), kept indexed, paged when
listed and simulated like any model, or refused with a clear 422 above the operator's limit; 2,000 outputs
come back as 2,001 columns (the result format caps nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from fmu_gateway_testkit import hostile_fmu, own_database, postgres_url

from fmu_gateway_api.app import create_app
from tests.conftest import make_settings, new_account
from tests.contract_client import ContractClient

PROBLEM = "https://fmu-gateway.dev/problems/"


def upload(client: ContractClient, auth: dict[str, str], path: Path) -> object:
    with path.open("rb") as fh:
        return client.post("/v1/fmus", headers=auth, files={"file": (path.name, fh, "application/octet-stream")})


@pytest.mark.parametrize("fmi", [2, 3])
def test_a_model_of_100k_variables_is_described_paged_and_simulated(client: ContractClient, fmi: int) -> None:
    auth = new_account(client)
    response = upload(client, auth, hostile_fmu("Huge", fmi))
    assert response.status_code in (200, 201), response.text  # type: ignore[attr-defined]
    fmu = response.json()  # type: ignore[attr-defined]
    total = fmu["model"]["variable_count"]
    assert total == 100_000 + (fmi == 3)  # FMI 3 lists `time` as a variable too
    page = client.get(f"/v1/fmus/{fmu['id']}/variables", headers=auth).json()
    assert len(page["items"]) == 1000 and page["next_cursor"] == "1000"
    last = client.get(f"/v1/fmus/{fmu['id']}/variables", headers=auth,
                      params={"cursor": str(total - 10), "limit": 5000}).json()
    assert len(last["items"]) == 10 and last["next_cursor"] is None
    outputs = [v["name"] for v in client.get(f"/v1/fmus/{fmu['id']}/variables", headers=auth,
                                             params={"causality": "output", "limit": 5000}).json()["items"]]
    run = client.post("/v1/simulations", headers=auth, json={"fmu_id": fmu["id"], "stop_time": 1.0,
                                                             "output_interval": 0.25})
    assert run.status_code == 200, run.text
    assert run.json()["status"] == "succeeded", run.json()["error"]
    assert run.json()["result"]["columns"] == ["time", *outputs]


@pytest.fixture(scope="module")
def strict_limits(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ContractClient]:
    with own_database(postgres_url()) as db:
        settings = make_settings(tmp_path_factory.mktemp("limits"), db, max_model_variables=50_000,
                                 sim_max_outputs=1000, runner_warm_pool=0)
        with TestClient(create_app(settings)) as raw:
            yield ContractClient(raw)


def test_a_model_above_the_operators_limit_is_refused_and_not_kept(strict_limits: ContractClient) -> None:
    auth = new_account(strict_limits)
    refused = upload(strict_limits, auth, hostile_fmu("Huge"))
    assert refused.status_code == 422  # type: ignore[attr-defined]
    body = refused.json()  # type: ignore[attr-defined]
    assert body["type"] == PROBLEM + "model-too-large"
    assert body["detail"] == "the model has 100000 variables, more than this gateway's limit of 50000"
    assert strict_limits.get("/v1/fmus", headers=auth).json()["items"] == []


@pytest.mark.parametrize("fmi", [2, 3])
def test_two_thousand_outputs_simulate(client: ContractClient, fmi: int) -> None:
    auth = new_account(client)
    response = upload(client, auth, hostile_fmu("Wide", fmi))
    assert response.status_code in (200, 201), response.text  # type: ignore[attr-defined]
    fmu_id = response.json()["id"]  # type: ignore[attr-defined]
    run = client.post("/v1/simulations", headers=auth, json={
        "fmu_id": fmu_id, "stop_time": 1.0, "output_interval": 0.5, "start_values": {"k": 2.0}})
    assert run.status_code == 200, run.text
    sim = run.json()
    assert sim["status"] == "succeeded", sim["error"]
    columns = sim["result"]["columns"]
    assert columns == ["time", *[f"y_{i}" for i in range(1, 2001)]]
    data = sim["result"]["data"]
    assert data["time"] == [0.0, 0.5, 1.0]
    assert data["y_2000"] == [0.0, 2000.0, 4000.0]  # y_i = k * i * time
    csv = client.get(f"/v1/simulations/{sim['id']}/result", headers=auth, params={"format": "csv"})
    assert csv.text.splitlines()[0].split(",")[-1] == "y_2000"


def test_too_many_outputs_for_one_run_is_a_clear_422(strict_limits: ContractClient) -> None:
    auth = new_account(strict_limits)
    fmu_id = upload(strict_limits, auth, hostile_fmu("Wide")).json()["id"]  # type: ignore[attr-defined]
    refused = strict_limits.post("/v1/simulations", headers=auth, json={"fmu_id": fmu_id, "stop_time": 1.0})
    assert (refused.status_code, refused.json()["type"]) == (422, PROBLEM + "too-many-outputs")
