"""Results for real models: FMI 3 arrays in and out, String outputs, NaN and the infinities, each equal to
what FMPy gives directly (our own C test FMUs StateSpace, StringEcho, NonFinite)."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

import fmpy
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fmu_gateway_testkit import hostile_fmu

from tests.contract_client import ContractClient

PROBLEM = "https://fmu-gateway.dev/problems/"
D = [[0.0, 0.5], [1.0, -1.0], [0.25, 0.0]]
U = {"time": [0.0, 2.0, 2.0, 5.0], "signals": {"u": [[0.0, 1.0], [0.5, 1.0], [-1.0, 0.25], [2.0, 0.0]]}}


def upload(client: ContractClient, auth: dict[str, str], name: str, fmi: int) -> str:
    path = hostile_fmu(name, fmi)
    with path.open("rb") as fh:
        response = client.post("/v1/fmus", headers=auth, files={"file": (path.name, fh, "application/octet-stream")})
    assert response.status_code in (200, 201), response.text
    return str(response.json()["id"])


def direct(path: Path, req: dict[str, Any], **extra: Any) -> np.ndarray:
    """FMPy in this process with the request as the gateway completed it."""
    inputs = None
    if req.get("inputs"):
        signals = req["inputs"]["signals"]
        inputs = np.zeros(len(req["inputs"]["time"]), dtype=[("time", "f8")] + [
            (n, "f8", (len(v[0]),)) if isinstance(v[0], list) else (n, "f8") for n, v in signals.items()])
        inputs["time"] = req["inputs"]["time"]
        for name, values in signals.items():
            inputs[name] = values
    return fmpy.simulate_fmu(
        str(path), validate=False, fmi_type=req["interface"], start_time=req["start_time"],
        stop_time=req["stop_time"], output_interval=req["output_interval"], solver=req["solver"] or "CVode",
        relative_tolerance=req["relative_tolerance"], step_size=req["step_size"], output=req["outputs"],
        start_values=req["start_values"], input=inputs, remote_platform=None, **extra)


def spelled(values: np.ndarray) -> list[Any]:
    """What the contract says a Float column looks like in JSON."""
    out = values.astype(object)
    out[np.isnan(values)] = "NaN"
    out[values == np.inf] = "Infinity"
    out[values == -np.inf] = "-Infinity"
    return list(out.tolist())


def csv_columns(client: ContractClient, auth: dict[str, str], sim_id: str) -> dict[str, list[str]]:
    response = client.get(f"/v1/simulations/{sim_id}/result", headers=auth, params={"format": "csv"})
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.text)))
    return {name: [row[i] for row in rows[1:]] for i, name in enumerate(rows[0])}


def fetch_table(client: ContractClient, auth: dict[str, str], sim_id: str, kind: str) -> pa.Table:
    """The result as Arrow (by Accept; "arrow+zstd": a client that takes zstd buffers) or Parquet (by
    format=)."""
    if kind in ("arrow", "arrow+zstd"):
        codecs = '; codecs="zstd, lz4"' if kind == "arrow+zstd" else ""
        response = client.get(f"/v1/simulations/{sim_id}/result",
                              headers={**auth, "Accept": f"application/vnd.apache.arrow.stream{codecs}"})
        assert response.headers["content-type"] == "application/vnd.apache.arrow.stream"
        assert arrow_compressed(response.content) == (kind == "arrow+zstd")
        return pa.ipc.open_stream(response.content).read_all()
    response = client.get(f"/v1/simulations/{sim_id}/result", headers=auth, params={"format": "parquet"})
    assert response.headers["content-type"] == "application/vnd.apache.parquet"
    return pq.read_table(io.BytesIO(response.content))


def arrow_compressed(stream: bytes) -> bool:
    """Does this Arrow IPC stream compress its buffers? Uncompressed, its record batches' bodies are as
    long as the table's buffers (padded to 8 bytes); compressed, each buffer is a length and a frame."""
    table = pa.ipc.open_stream(stream).read_all()
    reader = pa.ipc.MessageReader.open_stream(pa.BufferReader(stream))
    body = sum(message.body.size for message in reader if message.type == "record batch")
    plain = sum(-(-buf.size // 8) * 8 for column in table.columns for chunk in column.chunks
                for buf in chunk.buffers() if buf is not None)
    return body != plain


def test_array_variables_are_listed_with_their_dimensions(client: ContractClient, auth: dict[str, str]) -> None:
    fmu = upload(client, auth, "StateSpace", 3)
    items = {v["name"]: v for v in client.get(f"/v1/fmus/{fmu}/variables", headers=auth).json()["items"]}
    assert items["y"]["dimensions"] == [3] and items["y"]["causality"] == "output"
    assert items["A"]["dimensions"] == [3, 3]
    assert items["A"]["start"] == [0.0, 1.0, 0.0, 0.0, 0.0, 1.0, -6.0, -11.0, -6.0]
    assert items["u"]["dimensions"] == [2] and items["u"]["start"] == [0.0, 0.0]
    assert items["energy"]["dimensions"] is None and items["energy"]["start"] is None


@pytest.mark.parametrize("interface", ["ModelExchange", "CoSimulation"])
def test_state_space_equals_fmpy_bit_for_bit_through_json_and_csv(client: ContractClient, auth: dict[str, str],
                                                                  interface: str) -> None:
    fmu = upload(client, auth, "StateSpace", 3)
    response = client.post("/v1/simulations", headers=auth, json={
        "fmu_id": fmu, "interface": interface, "stop_time": 5.0, "output_interval": 0.05,
        "start_values": {"x0": [1.0, 2.0, 3.0], "D": D}, "inputs": U,
        "kpis": [{"variable": "y", "kind": "max"}, {"variable": "y[2]", "kind": "final", "name": "y2_end"},
                 {"variable": "energy", "kind": "mean"}]})
    assert response.status_code == 200, response.text
    sim = response.json()
    assert sim["status"] == "succeeded", sim["error"]
    req = sim["request"]
    assert req["start_values"]["D"] == [0.0, 0.5, 1.0, -1.0, 0.25, 0.0]
    expected = direct(hostile_fmu("StateSpace", 3), req)
    result = sim["result"]
    assert result["columns"] == list(expected.dtype.names) == ["time", "y", "energy"]
    assert result["types"] == {"time": "Float64", "y": "Float64", "energy": "Float64"}
    assert result["dimensions"] == {"y": [3]}
    for name in expected.dtype.names:
        assert result["data"][name] == expected[name].tolist(), name
    assert len(result["data"]["time"]) >= 101  # the input step at t = 2 is an event (one more row in ME)
    # getSimulationResult holds the same numbers
    fetched = client.get(f"/v1/simulations/{sim['id']}/result", headers=auth).json()
    assert fetched["data"] == result["data"] and fetched["dimensions"] == {"y": [3]}
    # CSV: one column per element, every number exact
    columns = csv_columns(client, auth, sim["id"])
    assert list(columns) == ["time", "y[1]", "y[2]", "y[3]", "energy"]
    for i in range(3):
        assert [float(v) for v in columns[f"y[{i + 1}]"]] == expected["y"][:, i].tolist()
    assert [float(v) for v in columns["energy"]] == expected["energy"].tolist()
    # Arrow and Parquet: the same bits, the array as a fixed-size list with its dimensions
    for kind in ("arrow", "arrow+zstd", "parquet"):
        table = fetch_table(client, auth, sim["id"], kind)
        assert table.column_names == ["time", "y", "energy"]
        y = table.schema.field("y")
        assert y.metadata[b"dimensions"] == b"3"
        assert y.metadata[b"fmi_type"] == b"Float64"
        assert y.metadata[b"unit"] == b"1"
        got = np.asarray(table.column("y").combine_chunks().flatten()).reshape(-1, 3)
        assert got.tobytes() == np.ascontiguousarray(expected["y"]).tobytes()
        assert np.asarray(table.column("time")).tobytes() == expected["time"].tobytes()
    # KPIs per element, on a named element, and on a scalar
    kpis = sim["kpis"]
    assert set(kpis) == {"max(y[1])", "max(y[2])", "max(y[3])", "y2_end", "mean(energy)"}
    assert [kpis[f"max(y[{i}])"] for i in (1, 2, 3)] == expected["y"].max(axis=0).tolist()
    assert kpis["y2_end"] == float(expected["y"][-1, 1])


def _balance(client: ContractClient, auth: dict[str, str]) -> int:
    return int(client.get("/v1/account", headers=auth).json()["balance_credits"])


@pytest.mark.parametrize(("body", "variable"), [
    ({"start_values": {"x0": [1.0, 2.0]}}, "x0"),
    ({"start_values": {"A": [[1.0, 2.0, 3.0], [1.0, 2.0]]}}, "A"),
    ({"start_values": {"x0": 1.0}}, "x0"),
    ({"start_values": {"energy": [1.0]}}, "energy"),
    ({"start_values": {"x0": [1.0, "two", 3.0]}}, "x0"),
    ({"inputs": {"time": [0.0, 1.0], "signals": {"u": [1.0, 2.0]}}}, "u"),
    ({"inputs": {"time": [0.0], "signals": {"u": [[1.0, 2.0, 3.0]]}}}, "u"),
    ({"kpis": [{"variable": "y[4]", "kind": "max"}]}, "y[4]"),
    ({"kpis": [{"variable": "y[1,1]", "kind": "max"}]}, "y[1,1]"),
])
def test_bad_array_values_are_refused_before_anything_is_charged(client: ContractClient, auth: dict[str, str],
                                                                  body: dict[str, Any], variable: str) -> None:
    fmu = upload(client, auth, "StateSpace", 3)
    before = _balance(client, auth)
    response = client.post("/v1/simulations", headers=auth, json={"fmu_id": fmu, **body})
    assert response.status_code == 422, response.text
    assert response.json()["type"] == PROBLEM + "invalid-variable"
    assert response.json()["variable"] == variable
    assert _balance(client, auth) == before
    assert client.get("/v1/simulations", headers=auth).json()["items"] == []


@pytest.mark.parametrize("fmi", [2, 3])
def test_string_outputs_come_back(client: ContractClient, auth: dict[str, str], fmi: int) -> None:
    fmu = upload(client, auth, "StringEcho", fmi)
    response = client.post("/v1/simulations", headers=auth, json={
        "fmu_id": fmu, "stop_time": 1.0, "output_interval": 0.5, "start_values": {"tag": "a,b \"c\"\nd ✓"},
        "outputs": ["echo", "greeting_length", "tag_length"]})
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    echo = "hello|a,b \"c\"\nd ✓"
    assert result["columns"] == ["time", "greeting_length", "tag_length", "echo"]
    assert result["types"]["echo"] == "String" and result["types"]["tag_length"] == "Int32"
    assert result["data"]["echo"] == [echo] * 3
    assert result["data"]["tag_length"] == [len(echo.encode()) - 6] * 3
    columns = csv_columns(client, auth, response.json()["id"])
    assert columns["echo"] == [echo] * 3
    table = fetch_table(client, auth, response.json()["id"], "parquet")
    assert table.column("echo").to_pylist() == [echo] * 3
    assert table.schema.field("echo").metadata[b"fmi_type"] == b"String"


@pytest.mark.parametrize("fmi", [2, 3])
def test_nan_and_infinities_are_spelled_out(client: ContractClient, auth: dict[str, str], fmi: int) -> None:
    fmu = upload(client, auth, "NonFinite", fmi)
    response = client.post("/v1/simulations", headers=auth, json={
        "fmu_id": fmu, "interface": "CoSimulation", "stop_time": 1.0, "output_interval": 0.25,
        "start_values": {"trigger_time": 0.5},
        "kpis": [{"variable": "pinf_out", "kind": "max"}, {"variable": "nan_out", "kind": "min"}]})
    assert response.status_code == 200, response.text
    sim = response.json()
    assert sim["status"] == "succeeded", sim["error"]
    expected = direct(hostile_fmu("NonFinite", fmi), sim["request"])
    data = sim["result"]["data"]
    for name in ("nan_out", "pinf_out", "ninf_out"):
        assert data[name] == spelled(expected[name]), name
    assert data["pinf_out"][-1] == "Infinity" and data["ninf_out"][-1] == "-Infinity" and data["nan_out"][-1] == "NaN"
    assert data["pinf_out"][0] == 0.0
    assert sim["kpis"] == {"max(pinf_out)": None, "min(nan_out)": None}
    columns = csv_columns(client, auth, sim["id"])
    for name in ("nan_out", "pinf_out", "ninf_out"):
        parsed = np.array([float(v) for v in columns[name]])
        assert np.array_equal(parsed, expected[name], equal_nan=True), name
    assert columns["pinf_out"][-1] == "Infinity" and columns["nan_out"][-1] == "NaN"
    assert math.isinf(float(columns["ninf_out"][-1]))
    for kind in ("arrow", "arrow+zstd"):
        table = fetch_table(client, auth, sim["id"], kind)
        for name in ("nan_out", "pinf_out", "ninf_out"):
            assert np.asarray(table.column(name)).tobytes() == expected[name].tobytes(), (kind, name)


def test_a_result_can_be_left_out_of_the_answer_and_fetched_as_arrow(client: ContractClient,
                                                                     auth: dict[str, str]) -> None:
    response = client.post("/v1/simulations", headers=auth, json={
        "fmu_id": "lib:VanDerPol", "stop_time": 2.0, "output_interval": 0.001, "inline_result": False})
    assert response.status_code == 200, response.text
    sim = response.json()
    assert sim["status"] == "succeeded"
    assert "result" not in sim or sim["result"] is None
    table = fetch_table(client, auth, sim["id"], "arrow")
    assert table.num_rows == 2001
    doc = client.get(f"/v1/simulations/{sim['id']}/result", headers=auth).json()
    assert doc["data"]["x0"] == table.column("x0").to_pylist()
    refused = client.get(f"/v1/simulations/{sim['id']}/result", headers={**auth, "Accept": "image/png"})
    assert refused.status_code == 406
    assert "application/vnd.apache.arrow.stream" in refused.json()["detail"]
