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
from tests.simulations.test_arrays import arrow_compressed

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


def assert_same_bits(got: pa.Table, want: pa.Table) -> None:
    """Schema with metadata, and every buffer of every column the same bytes (NaN is not equal to itself,
    so Table.equals cannot say it)."""
    assert got.schema.equals(want.schema, check_metadata=True)
    for name in want.column_names:
        for ours, theirs in zip(got.column(name).chunks, want.column(name).chunks, strict=True):
            assert [b.to_pybytes() if b else None for b in ours.buffers()] == \
                [b.to_pybytes() if b else None for b in theirs.buffers()], name


def test_the_stored_stream_is_zstd_compressed_and_round_trips_bit_for_bit() -> None:
    t = table()
    stored = columnar.encode(t)
    plain = columnar.encode(t, compressed=False)
    assert arrow_compressed(stored) and not arrow_compressed(plain)
    for blob in (stored, plain, columnar.arrow_download(stored, ()), columnar.arrow_download(stored, {"zstd"})):
        assert_same_bits(columnar.decode(blob), t)
    assert columnar.arrow_download(stored, {"zstd", "lz4"}) is stored  # as stored, nothing re-encoded
    assert not arrow_compressed(columnar.arrow_download(stored, ()))  # no codec named: uncompressed
    assert not arrow_compressed(columnar.arrow_download(stored, {"lz4"}))  # one we do not store: uncompressed
    assert columnar.json_bytes(columnar.decode(stored)) == columnar.json_bytes(t)
    assert "".join(columnar.csv_chunks(columnar.decode(stored))) == "".join(columnar.csv_chunks(t))


def test_a_large_smooth_result_is_smaller_compressed() -> None:
    n = 100_000
    array = np.zeros(n, dtype=[("time", "f8"), ("x", "f8")])
    array["time"] = np.arange(n) * 1e-3
    array["x"] = np.sin(array["time"])
    t = columnar.build_table(array, {}, {}, {})
    stored, plain = columnar.encode(t), columnar.encode(t, compressed=False)
    assert len(stored) < 0.8 * len(plain)
    assert np.asarray(columnar.decode(stored).column("x")).tobytes() == array["x"].tobytes()


def test_an_uncompressed_stream_stored_before_compression_still_serves() -> None:
    old = columnar.encode(table(), compressed=False)
    assert columnar.arrow_download(old, {"zstd"}) is old  # uncompressed is always acceptable
    assert_same_bits(columnar.decode(old), table())


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
