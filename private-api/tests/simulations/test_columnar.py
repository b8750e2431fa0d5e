"""The stored Arrow table and what is rendered from it, for the types no test FMU of ours has (Binary,
Float32, UInt64, matrices, String arrays): built from arrays shaped as FMPy returns them."""

from __future__ import annotations

import base64
import csv
import io
import math
from types import SimpleNamespace
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from fmu_gateway_api.simulations import columnar
from fmu_sandbox.simulate import TextColumns

ROWS = 3


def result() -> np.ndarray:
    dtype = [("time", "f8"), ("A", "f8", (2, 2)), ("f", "f4"), ("n", "u8"), ("ok", "?")]
    array = np.zeros(ROWS, dtype=dtype)
    array["time"] = [0.0, 0.5, 1.0]
    array["A"] = [[[1.0, 2.0], [3.0, 4.0]], [[math.nan, math.inf], [-math.inf, 0.1]], [[5.0, 6.0], [7.0, 8.0]]]
    array["f"] = np.array([0.1, 1e-7, 3.5], dtype=np.float32)
    array["n"] = [0, 2**63, 2**64 - 1]
    array["ok"] = [True, False, True]
    return array


BLOBS = [b"\x00\x01", b"", b"\xff" * 5]
TEXT: dict[str, list[Any]] = {"b": [base64.b64encode(v).decode() for v in BLOBS],
                              "s": [["a", "b,c"], ["", "\u2713"], ["x", "y"]]}
VARIABLES = {"b": {"type": "Binary"}, "s": {"type": "String", "dimensions": [2]}}


def table() -> pa.Table:
    return columnar.build_table(result(), {"A": "1/s"}, TEXT, VARIABLES)


def test_types_and_dimensions_are_kept_in_arrow_and_parquet() -> None:
    t = columnar.decode(columnar.encode(table()))
    assert t.column_names == ["time", "A", "f", "n", "ok", "b", "s"]
    assert [columnar.dimensions_of(f) for f in t.schema] == [None, [2, 2], None, None, None, None, [2]]
    assert t.schema.field("f").type == pa.float32()
    assert t.schema.field("n").type == pa.uint64()
    assert t.schema.field("b").type == pa.binary()
    assert t.column("b").to_pylist() == BLOBS
    assert t.column("n").to_pylist() == [0, 2**63, 2**64 - 1]
    flat = np.asarray(t.column("A").combine_chunks().flatten())
    assert flat.tobytes() == np.ascontiguousarray(result()["A"]).tobytes()
    back = pq.read_table(io.BytesIO(columnar.parquet_bytes(t)))
    assert back.column_names == t.column_names
    for name in ("time", "f", "n", "ok", "b", "s"):
        assert back.column(name).to_pylist() == t.column(name).to_pylist(), name
    assert np.asarray(back.column("A").combine_chunks().flatten()).tobytes() == flat.tobytes()
    assert back.schema.field("A").metadata[b"dimensions"] == b"2,2"


def test_json_is_exact_nested_and_spells_non_finite_numbers() -> None:
    doc = orjson.loads(columnar.json_bytes(table(), {"simulation_id": "sim_x"}))
    assert doc["simulation_id"] == "sim_x"
    assert doc["types"] == {"time": "Float64", "A": "Float64", "f": "Float32", "n": "UInt64", "ok": "Boolean",
                            "b": "Binary", "s": "String"}
    assert doc["dimensions"] == {"A": [2, 2], "s": [2]}
    assert doc["units"] == {"A": "1/s"}
    assert doc["data"]["A"][1] == [["NaN", "Infinity"], ["-Infinity", 0.1]]
    assert doc["data"]["A"][0] == [[1.0, 2.0], [3.0, 4.0]]
    assert [np.float32(v) for v in doc["data"]["f"]] == list(result()["f"])  # float32 values, as doubles
    assert doc["data"]["f"][0] == float(np.float32(0.1))
    assert doc["data"]["n"] == [0, 2**63, 2**64 - 1]
    assert doc["data"]["ok"] == [True, False, True]
    assert doc["data"]["b"] == TEXT["b"]
    assert doc["data"]["s"] == TEXT["s"]


def test_csv_has_a_column_per_element_row_major() -> None:
    rows = list(csv.reader(io.StringIO("".join(columnar.csv_chunks(table())))))
    assert rows[0] == ["time", "A[1,1]", "A[1,2]", "A[2,1]", "A[2,2]", "f", "n", "ok", "b", "s[1]", "s[2]"]
    assert rows[2] == ["0.5", "NaN", "Infinity", "-Infinity", "0.1", repr(float(np.float32(1e-7))),
                       str(2**63), "0", "", "", "\u2713"]
    assert rows[1][-2:] == ["a", "b,c"]
    assert rows[3][-3] == base64.b64encode(BLOBS[2]).decode()


def test_kpis_on_a_matrix_element_and_per_element() -> None:
    specs = [{"variable": "A[2,2]", "kind": "max"}, {"variable": "A", "kind": "final", "name": "end"},
             {"variable": "A[1,2]", "kind": "max"}]
    figures = columnar.compute_kpis(table(), specs)
    assert figures == {"max(A[2,2])": 8.0, "end[1,1]": 5.0, "end[1,2]": 6.0, "end[2,1]": 7.0, "end[2,2]": 8.0,
                       "max(A[1,2])": None}  # an infinity in the column: not finite, so null


def test_a_json_result_stored_before_arrow_still_reads() -> None:
    old = orjson.dumps({"columns": ["time", "x", "k"], "units": {"x": "m"},
                        "data": {"time": [0.0, 1.0], "x": [None, 2.5], "k": [1, 2]}})
    doc = orjson.loads(columnar.json_bytes(columnar.decode(old)))
    assert doc["data"] == {"time": [0.0, 1.0], "x": ["NaN", 2.5], "k": [1, 2]}
    assert doc["types"] == {"time": "Float64", "x": "Float64", "k": "Int32"}


def test_the_sandbox_reads_binary_and_string_arrays_as_fmpy_3_hands_them_out() -> None:
    calls: list[tuple[list[int], int]] = []

    def get_binary(vr: list[int], nValues: int) -> list[bytes]:  # noqa: N803 - FMPy's keyword
        calls.append((vr, nValues))
        return [b"\x01\x02", b"\xff"]

    def get_string(vr: list[int], nValues: int) -> list[str]:  # noqa: N803
        return ["p", "q", "r"]

    recorder = SimpleNamespace(modelDescription=SimpleNamespace(fmiVersion="3.0"), text_info=[
        ("String", (["s", "t"], [5, 6], [(2,), ()], 3, get_string)),
        ("Binary", (["b"], [7], [(2,)], 2, get_binary))])
    assert TextColumns.read(recorder) == [["p", "q"], "r", ["AQI=", "/w=="]]
    assert calls == [([7], 2)]
