"""A result is stored once, as an Apache Arrow IPC stream with zstd-compressed buffers; JSON, CSV, Arrow and
Parquet are rendered from it (an Arrow client that accepts zstd gets the stored bytes as they are).

The table: one field per recorded variable, time first, with field metadata `fmi_type`, `unit` and (arrays)
`dimensions` ("3" or "3,3"). Numbers keep their FMI type (Float64, Int32, bool, ...); an FMI 3 array is a
fixed-size list of all its elements, row-major; String is utf8 and Binary is binary. NaN and the infinities
are kept as they are (the JSON rendering spells them out)."""

from __future__ import annotations

import base64
import io
import itertools
import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.ipc as ipc

from fmu_gateway_api.simulations.results import NON_FINITE, compute_kpi, element_labels, kpi_key, split_element

ARROW_STREAM = "application/vnd.apache.arrow.stream"
PARQUET = "application/vnd.apache.parquet"
_NUMPY_TYPES = {"f8": "Float64", "f4": "Float32", "i1": "Int8", "u1": "UInt8", "i2": "Int16", "u2": "UInt16",
                "i4": "Int32", "u4": "UInt32", "i8": "Int64", "u8": "UInt64", "b1": "Boolean"}
_SPELLED = np.array(["NaN", "Infinity", "-Infinity"], dtype=object)
_CHUNK_ROWS = 8192
CODEC = "zstd"  # the stored streams' buffer compression (Arrow IPC offers zstd and lz4_frame)


def _field(name: str, array: pa.Array, fmi_type: str, unit: str | None, dims: list[int] | None) -> pa.Field:
    meta = {"fmi_type": fmi_type}
    if unit:
        meta["unit"] = unit
    if dims:
        meta["dimensions"] = ",".join(str(n) for n in dims)
    return pa.field(name, array.type, metadata=meta)


def build_table(result: np.ndarray, units: Mapping[str, str], text: Mapping[str, list[Any]] | None = None,
                variables: Mapping[str, Mapping[str, Any]] | None = None) -> pa.Table:
    """The stored table from FMPy's structured array and the String/Binary columns recorded beside it."""
    variables = variables or {}
    arrays: list[pa.Array] = []
    fields: list[pa.Field] = []
    for name in result.dtype.names or ():
        column = np.ascontiguousarray(result[name])
        if column.dtype.kind not in "biuf":
            raise ValueError(f"column {name[:100]!r} has the type {column.dtype.str}, which no FMI variable has")
        fmi_type = _NUMPY_TYPES.get(column.dtype.str[1:], column.dtype.str[1:])
        if column.ndim > 1:
            dims = [int(n) for n in column.shape[1:]]
            flat = pa.array(column.reshape(len(column), -1).ravel())
            array: pa.Array = pa.FixedSizeListArray.from_arrays(flat, math.prod(dims))
        else:
            dims, array = None, pa.array(column)
        arrays.append(array)
        fields.append(_field(name, array, fmi_type, units.get(name), dims))
    for name, values in (text or {}).items():
        var = variables.get(name) or {}
        binary = var.get("type") == "Binary"
        dims = [int(n) for n in var.get("dimensions") or []] or None
        rows = [_flat(v) for v in values] if dims else values
        decode = (lambda v: base64.b64decode(v)) if binary else (lambda v: v)
        if dims:
            flat = pa.array([decode(x) for row in rows for x in row], type=pa.binary() if binary else pa.string())
            array = pa.FixedSizeListArray.from_arrays(flat, math.prod(dims))
        else:
            array = pa.array([decode(v) for v in rows], type=pa.binary() if binary else pa.string())
        arrays.append(array)
        fields.append(_field(name, array, "Binary" if binary else "String", units.get(name), dims))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata={"fmu_gateway.result": "2"}))


def _flat(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [x for v in value for x in _flat(v)]
    return [value]


def encode(table: pa.Table, *, compressed: bool = True) -> bytes:
    """The Arrow IPC stream: buffers compressed with zstd (as stored: a 100k-row Float64 result is ~30 %
    smaller than uncompressed; pyarrow and most Arrow readers decompress on their own), or uncompressed (what
    every Arrow reader takes, JavaScript's without codecs registered included)."""
    sink = pa.BufferOutputStream()
    options = ipc.IpcWriteOptions(compression=CODEC if compressed else None)
    with ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    stream: bytes = sink.getvalue().to_pybytes()
    return stream


def is_arrow(blob: bytes) -> bool:
    """Is this stored result an Arrow IPC stream (rather than a JSON document from before Arrow)?"""
    return blob[:1] != b"{"


def decode(blob: bytes) -> pa.Table:
    """A stored result: an Arrow IPC stream (compressed or not), or a JSON document stored before results
    were columnar."""
    if not is_arrow(blob):
        return _from_document(orjson.loads(blob))
    return ipc.open_stream(pa.BufferReader(blob)).read_all()


def arrow_download(blob: bytes, codecs: Iterable[str]) -> bytes:
    """The Arrow answer for a stored result: the stored bytes as they are when the client accepts their
    codec, else the same table with uncompressed buffers (an uncompressed stream is always acceptable)."""
    if CODEC in codecs and is_arrow(blob):
        return blob
    return encode(decode(blob), compressed=False)


def _from_document(doc: dict[str, Any]) -> pa.Table:
    """An older JSON result (no types; non-finite numbers were null) as a table."""
    fields, arrays = [], []
    units = doc.get("units") or {}
    for name in doc.get("columns") or []:
        values = doc["data"][name]
        present = [v for v in values if v is not None]
        if present and all(isinstance(v, bool) for v in present):
            array, fmi_type = pa.array(values, type=pa.bool_()), "Boolean"
        elif present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
            array, fmi_type = pa.array(values, type=pa.int32()), "Int32"
        else:
            array = pa.array([math.nan if v is None else NON_FINITE.get(v, v) if isinstance(v, str) else v
                              for v in values], type=pa.float64())
            fmi_type = "Float64"
        arrays.append(array)
        fields.append(_field(name, array, fmi_type, units.get(name), None))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _meta(field: pa.Field, key: str) -> str | None:
    value = (field.metadata or {}).get(key.encode())
    return value.decode() if value is not None else None


def dimensions_of(field: pa.Field) -> list[int] | None:
    dims = _meta(field, "dimensions")
    return [int(n) for n in dims.split(",")] if dims else None


def header(table: pa.Table) -> dict[str, Any]:
    """Everything of the JSON document but the data: columns, units, types, dimensions."""
    schema = table.schema
    units = {f.name: u for f in schema if (u := _meta(f, "unit"))}
    types = {f.name: _meta(f, "fmi_type") or str(f.type) for f in schema}
    dims = {f.name: d for f in schema if (d := dimensions_of(f))}
    return {"columns": list(schema.names), "units": units, "types": types, "dimensions": dims}


def _numbers(column: pa.ChunkedArray | pa.Array, dims: list[int] | None) -> np.ndarray:
    """A numeric or boolean column as NumPy, an array column shaped (rows, *dims)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if dims:
        flat: np.ndarray = column.flatten().to_numpy(zero_copy_only=False)
        return flat.reshape(len(column), *dims)
    values: np.ndarray = column.to_numpy(zero_copy_only=False)
    return values


def _column_json(column: pa.ChunkedArray, field: pa.Field) -> bytes:
    """One column as a JSON array: numbers exactly (orjson writes the shortest round-trip form), non-finite
    floats as "NaN"/"Infinity"/"-Infinity", Binary as base64, arrays nested as their dimensions."""
    dims = dimensions_of(field)
    kind = field.type.value_type if dims else field.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_binary(kind):
        values = column.combine_chunks().flatten() if dims else column
        items: list[Any] = values.to_pylist()
        if pa.types.is_binary(kind):
            items = [base64.b64encode(v).decode("ascii") if v is not None else None for v in items]
        if dims:
            items = np.array(items, dtype=object).reshape(len(column), *dims).tolist()
        return orjson.dumps(items)
    values = _numbers(column, dims)
    if values.dtype.kind == "f" and not np.isfinite(values).all():
        spelled = values.astype(object)
        spelled[np.isnan(values)] = _SPELLED[0]
        spelled[values == np.inf] = _SPELLED[1]
        spelled[values == -np.inf] = _SPELLED[2]
        return orjson.dumps(spelled.tolist())
    if values.dtype == np.float32:  # orjson writes float32 in its own shortest form; JSON has doubles
        return orjson.dumps(values.astype(np.float64), option=orjson.OPT_SERIALIZE_NUMPY)
    return orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY)


def json_chunks(table: pa.Table, extra: Mapping[str, Any] | None = None) -> Iterator[bytes]:
    """The JSON document (ResultData, plus `extra` members first), one column at a time."""
    head = orjson.dumps({**(extra or {}), **header(table)})
    yield head[:-1] + b',"data":{'
    for i, field in enumerate(table.schema):
        yield (b"," if i else b"") + orjson.dumps(field.name) + b":" + _column_json(table.column(i), field)
    yield b"}}"


def json_bytes(table: pa.Table, extra: Mapping[str, Any] | None = None) -> bytes:
    return b"".join(json_chunks(table, extra))


def document(table: pa.Table) -> dict[str, Any]:
    """The JSON document as Python objects (for KPIs over small results and for tests)."""
    doc: dict[str, Any] = orjson.loads(json_bytes(table))
    return doc


def _csv_column(column: pa.ChunkedArray, field: pa.Field) -> list[list[str]]:
    """One column's cells as text, one list per CSV column (an array gives one per element)."""
    dims = dimensions_of(field)
    kind = field.type.value_type if dims else field.type
    if pa.types.is_string(kind) or pa.types.is_binary(kind):
        values = column.combine_chunks().flatten() if dims else column.combine_chunks()
        items = values.to_pylist()
        if pa.types.is_binary(kind):
            items = [base64.b64encode(v).decode("ascii") for v in items]
        items = [_quoted(v) for v in items]
        width = math.prod(dims) if dims else 1
        return [items[j::width] for j in range(width)]
    values = _numbers(column, dims).reshape(len(column), -1)
    cells = []
    for j in range(values.shape[1]):
        part = values[:, j]
        if part.dtype == np.bool_:
            cells.append(["1" if v else "0" for v in part.tolist()])
        elif part.dtype.kind == "f":
            texts = [repr(v) for v in part.astype(np.float64).tolist()]
            if not np.isfinite(part).all():
                for k in np.flatnonzero(~np.isfinite(part)).tolist():
                    v = float(part[k])
                    texts[k] = "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
            cells.append(texts)
        else:
            cells.append([str(v) for v in part.tolist()])
    return cells


def _quoted(text: str) -> str:
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_chunks(table: pa.Table) -> Iterator[str]:
    """CSV with a header row; an array is one column per element (y[1], y[2], ...); booleans as 0/1;
    non-finite numbers as NaN, Infinity, -Infinity; text quoted as RFC 4180 says."""
    labels: list[str] = []
    for field in table.schema:
        dims = dimensions_of(field)
        labels.extend(element_labels(field.name, dims) if dims else [field.name])
    yield ",".join(_quoted(label) for label in labels) + "\n"
    for start in range(0, table.num_rows, _CHUNK_ROWS):
        part = table.slice(start, _CHUNK_ROWS)
        cells: list[list[str]] = []
        for i, field in enumerate(part.schema):
            cells.extend(_csv_column(part.column(i), field))
        yield "".join(",".join(row) + "\n" for row in zip(*cells, strict=True))


def parquet_bytes(table: pa.Table) -> bytes:
    """Parquet, zstd; floats byte-stream-split and never dictionary-encoded (simulation outputs are smooth
    but rarely repeat: a 100k-row result is ~4x smaller than its JSON, against ~2x with the defaults)."""
    import pyarrow.parquet as pq

    floats = [f.name for f in table.schema if pa.types.is_floating(f.type)]
    others = [f.name for f in table.schema if not pa.types.is_floating(f.type)]
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd", use_dictionary=others or False,
                   use_byte_stream_split=floats or False)
    return sink.getvalue()


def warm_up() -> None:
    """pyarrow sets itself up on first use (~0.1 s): at start-up, not in the first run's answer."""
    table = build_table(np.zeros(2, dtype=[("time", "f8"), ("y", "f8", (2,)), ("n", "i4")]), {}, {}, {})
    arrow_download(encode(table), ())
    json_bytes(table)


def compute_kpis(table: pa.Table, specs: list[dict[str, Any]]) -> dict[str, float | None]:
    """One figure per KPI; a whole array variable gives one per element (keys `kind(y[1])`, or `name[1]`)."""
    names = {f.name: f for f in table.schema}
    time = _numbers(table.column("time"), None) if "time" in names else np.zeros(0)
    figures: dict[str, float | None] = {}
    for spec in specs:
        base, index = split_element(spec["variable"], names)
        if base not in names:
            continue
        dims = dimensions_of(names[base])
        column = _numbers(table.column(base), dims).astype(np.float64)
        if index is not None:
            if not dims or len(index) != len(dims):
                continue
            at: tuple[Any, ...] = (slice(None), *index)
            figures[kpi_key(spec)] = compute_kpi(time, column[at], spec["kind"])
        elif dims:
            for label, idx in zip(element_labels(base, dims), itertools.product(*map(range, dims)), strict=True):
                key = f"{spec['name']}{label[len(base):]}" if spec.get("name") else f"{spec['kind']}({label})"
                element: tuple[Any, ...] = (slice(None), *idx)
                figures[key] = compute_kpi(time, column[element], spec["kind"])
        else:
            figures[kpi_key(spec)] = compute_kpi(time, column, spec["kind"])
    return figures
