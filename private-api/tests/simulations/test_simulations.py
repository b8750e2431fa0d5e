"""Simulations behave as physics and the contract say: start values, inputs, KPIs, cache, results."""

from __future__ import annotations

import csv
import io
import math
from typing import Any

import pytest

from tests.conftest import new_account
from tests.contract_client import ContractClient


def simulate(client: ContractClient, auth: dict[str, str], **body: object) -> dict:  # type: ignore[type-arg]
    response = client.post("/v1/simulations", headers=auth, json=body)
    assert response.status_code == 200, response.text
    sim = response.json()
    assert sim["status"] == "succeeded", sim["error"]
    return sim  # type: ignore[no-any-return]


def test_restitution_changes_the_rebound(client: ContractClient, auth: dict[str, str]) -> None:
    def rebound(e: float) -> float:
        sim = simulate(client, auth, fmu_id="lib:BouncingBall", stop_time=1.5, output_interval=0.001,
                       start_values={"e": e})
        data = sim["result"]["data"]
        # Highest point after the first impact (t ~ 0.45 s from 1 m).
        return max(h for t, h in zip(data["time"], data["h"], strict=False) if t > 0.5)

    high, low = rebound(0.9), rebound(0.5)
    assert high == pytest.approx(0.81, rel=0.03)  # h1 = e^2 h0
    assert low == pytest.approx(0.25, rel=0.03)


@pytest.mark.parametrize("fmu_id", ["lib:FirstOrderLag", "lib:FirstOrderLag@fmi2"])
@pytest.mark.parametrize("interface", ["ModelExchange", "CoSimulation"])
def test_lag_step_response(client: ContractClient, auth: dict[str, str], fmu_id: str, interface: str) -> None:
    sim = simulate(client, auth, fmu_id=fmu_id, interface=interface, stop_time=6.0, output_interval=0.01,
                   start_values={"K": 2.0, "T": 0.5},
                   inputs={"time": [0.0, 1.0, 1.0, 6.0], "signals": {"u": [0.0, 0.0, 1.0, 1.0]}},
                   kpis=[{"variable": "y", "kind": "final"}, {"variable": "y", "kind": "max", "name": "peak"}])
    data = sim["result"]["data"]
    y_at = {round(t, 2): y for t, y in zip(data["time"], data["y"], strict=False)}
    assert y_at[0.9] == pytest.approx(0.0, abs=1e-6)
    expected = 2.0 * (1 - math.exp(-1.0))  # one time constant after the step
    assert y_at[1.5] == pytest.approx(expected, rel=0.02)
    assert sim["kpis"]["final(y)"] == pytest.approx(2.0, rel=1e-3)
    assert sim["kpis"]["peak"] <= 2.0 + 1e-6


def test_kpis_match_the_result(client: ContractClient, auth: dict[str, str]) -> None:
    kinds = ["min", "max", "mean", "rms", "final", "integral"]
    sim = simulate(client, auth, fmu_id="lib:VanDerPol", stop_time=10.0, output_interval=0.01,
                   kpis=[{"variable": "x0", "kind": k} for k in kinds])
    import numpy as np

    t = np.array(sim["result"]["data"]["time"])
    x = np.array(sim["result"]["data"]["x0"])
    k = sim["kpis"]
    assert k["min(x0)"] == pytest.approx(x.min()) and k["max(x0)"] == pytest.approx(x.max())
    assert k["final(x0)"] == pytest.approx(x[-1])
    assert k["integral(x0)"] == pytest.approx(np.trapezoid(x, t))
    assert k["mean(x0)"] == pytest.approx(np.trapezoid(x, t) / 10.0)
    assert k["rms(x0)"] == pytest.approx(math.sqrt(np.trapezoid(x * x, t) / 10.0))
    assert 1.9 < k["max(x0)"] < 2.1  # the Van der Pol limit cycle has amplitude ~2 for mu = 1


def test_identical_request_is_served_from_the_cache(client: ContractClient, auth: dict[str, str]) -> None:
    body = {"fmu_id": "lib:MassSpringDamper", "stop_time": 3.25, "start_values": {"m": 1.5}}
    first = simulate(client, auth, **body)
    second = simulate(client, new_account(client), **body)
    assert not first["cached"] and second["cached"]
    assert second["id"] != first["id"]
    assert second["result"] == first["result"]
    prov = first["provenance"]
    assert prov["fmu_sha256"] == first["fmu_sha256"] and prov["fmpy_version"] == "0.3.32"
    assert prov["runner"] == "local" and prov["wall_time_s"] > 0 and prov["cpu_time_s"] >= 0
    assert prov["solver"]["relative_tolerance"] == first["request"]["relative_tolerance"]


def test_a_result_made_by_another_fmpy_is_not_served_from_the_cache(
        raw_client: Any, client: ContractClient, auth: dict[str, str]) -> None:
    """The cache key names the FMPy installed here; a stored result whose runner reported another FMPy
    version (a runner image out of step) never answers: the request runs again."""
    from fmu_gateway_api.kit.uow import unit_of_work
    from fmu_gateway_api.simulations.repository import SimulationRepository

    body = {"fmu_id": "lib:MassSpringDamper", "stop_time": 3.5, "start_values": {"m": 1.25}}
    first = simulate(client, auth, **body)
    ctx = raw_client.app.state.ctx
    with unit_of_work(ctx.sessions) as session:
        row = SimulationRepository(session).get(first["id"])
        assert row is not None
        row.provenance = {**(row.provenance or {}), "fmpy_version": "0.0.1"}
    again = simulate(client, auth, **body)
    assert (first["cached"], again["cached"]) == (False, False)
    assert again["result"] == first["result"]


def test_result_as_json_and_csv(client: ContractClient, auth: dict[str, str]) -> None:
    sim = simulate(client, auth, fmu_id="lib:BouncingBall", stop_time=0.5, output_interval=0.1)
    as_json = client.get(f"/v1/simulations/{sim['id']}/result", headers=auth)
    assert as_json.headers["content-type"] == "application/json"
    assert as_json.json()["data"]["h"] == sim["result"]["data"]["h"]
    as_csv = client.get(f"/v1/simulations/{sim['id']}/result", headers={**auth, "Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert (as_json.headers["vary"], as_csv.headers["vary"]) == ("Accept", "Accept")  # one cache entry per form
    rows = list(csv.reader(io.StringIO(as_csv.text)))
    assert rows[0] == ["time", "h", "v", "bounces"][: len(rows[0])] and rows[0][:3] == ["time", "h", "v"]
    assert [float(r[1]) for r in rows[1:]] == pytest.approx(sim["result"]["data"]["h"])
    unacceptable = client.get(f"/v1/simulations/{sim['id']}/result", headers={**auth, "Accept": "image/png"})
    assert (unacceptable.status_code, unacceptable.headers["vary"]) == (406, "Accept")  # Accept chose it too
    # An answer whose form Accept does not choose says nothing of it.
    assert "vary" not in client.get(f"/v1/simulations/{sim['id']}", headers=auth).headers


@pytest.mark.parametrize(("body", "variable", "slug"), [
    ({"start_values": {"nope": 1.0}}, "nope", "invalid-variable"),
    ({"start_values": {"e": "high"}}, "e", "invalid-variable"),
    ({"start_values": {"e": True}}, "e", "invalid-variable"),
    ({"start_values": {"bounces": 1.5}}, "bounces", "invalid-variable"),
    ({"outputs": ["h", "missing"]}, "missing", "invalid-variable"),
    ({"kpis": [{"variable": "ghost", "kind": "max"}]}, "ghost", "invalid-variable"),
    ({"inputs": {"time": [0, 1], "signals": {"h": [0, 1]}}}, "h", "invalid-variable"),
    ({"interface": "CoSimulation", "solver": "Euler"}, None, "solver-not-applicable"),
    ({"timeout_s": 10_000}, None, "timeout-too-long"),
    ({"start_time": 2.0, "stop_time": 1.0}, None, "invalid-simulation-request"),
    ({"output_interval": 1e-9}, None, "invalid-simulation-request"),
    ({"unknown_field": 1}, None, "invalid-request"),
])
def test_bad_requests_are_422_problems_naming_the_variable(client: ContractClient, auth: dict[str, str],
                                                           body: dict, variable: str | None, slug: str) -> None:  # type: ignore[type-arg]
    response = client.post("/v1/simulations", headers=auth, json={"fmu_id": "lib:BouncingBall", **body})
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"] == f"https://fmu-gateway.dev/problems/{slug}"
    if variable:
        assert problem["variable"] == variable and variable in problem["detail"]
    listed = client.get("/v1/simulations", headers=auth).json()["items"]
    assert listed == []  # nothing was admitted


def test_unknown_fmu_and_simulation_are_404(client: ContractClient, auth: dict[str, str]) -> None:
    assert client.post("/v1/simulations", headers=auth, json={"fmu_id": "lib:Nope"}).status_code == 404
    assert client.post("/v1/simulations", headers=auth, json={"fmu_id": "a" * 64}).status_code == 404
    assert client.get(f"/v1/simulations/sim_{'0' * 32}", headers=auth).status_code == 404


def test_simulations_are_private_to_their_account(client: ContractClient, auth: dict[str, str]) -> None:
    sim = simulate(client, auth, fmu_id="lib:VanDerPol", stop_time=1.0)
    other = new_account(client)
    assert client.get(f"/v1/simulations/{sim['id']}", headers=other).status_code == 404
    assert client.get(f"/v1/simulations/{sim['id']}/result", headers=other).status_code == 404
    assert sim["id"] not in [s["id"] for s in client.get("/v1/simulations", headers=other).json()["items"]]
    assert client.get(f"/v1/simulations/{sim['id']}", headers=auth).json()["status"] == "succeeded"


def test_short_wait_answers_202_and_the_job_finishes(client: ContractClient, auth: dict[str, str]) -> None:
    response = client.post("/v1/simulations", headers=auth, json={
        "fmu_id": "lib:VanDerPol", "stop_time": 200.0, "output_interval": 0.001, "wait_s": 0})
    assert response.status_code in (200, 202)
    sim_id = response.json()["id"]
    assert response.headers["location"] == f"/v1/simulations/{sim_id}"
    import time

    deadline = time.monotonic() + 60
    status = response.json()["status"]
    while status in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
        status = client.get(f"/v1/simulations/{sim_id}", headers=auth).json()["status"]
    assert status == "succeeded"
