"""Result formats and KPIs, computed from what the sandbox returned (never by the sandbox).

The stored document has one column per recorded variable, time first: `columns`, `units`, `types` (FMI
types), `dimensions` (array columns only) and `data`. Numbers are exact; in Float columns NaN and the
infinities are the strings "NaN", "Infinity", "-Infinity" (JSON has no literal for them); an FMI 3 array
is one column of nested lists; String columns are strings and Binary columns base64 strings."""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import orjson

NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
_NUMPY_TYPES = {"f8": "Float64", "f4": "Float32", "i1": "Int8", "u1": "UInt8", "i2": "Int16", "u2": "UInt16",
                "i4": "Int32", "u4": "UInt32", "i8": "Int64", "u8": "UInt64", "b1": "Boolean"}
_ELEMENT = re.compile(r"^(?P<base>.+)\[(?P<index>[0-9]+(?:,[0-9]+)*)\]$")


def _values(column: np.ndarray) -> list[Any]:
    """A column as JSON-ready lists (nested for arrays), non-finite floats spelled out."""
    if column.dtype.kind != "f":
        return list(column.tolist())
    finite = np.isfinite(column)
    if finite.all():
        return list(column.tolist())
    spelled = column.astype(object)
    spelled[np.isnan(column)] = "NaN"
    spelled[column == np.inf] = "Infinity"
    spelled[column == -np.inf] = "-Infinity"
    return list(spelled.tolist())


def result_document(result: np.ndarray, units: Mapping[str, str], text: Mapping[str, list[Any]] | None = None,
                    variables: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """The stored result from FMPy's structured array and the String/Binary columns recorded beside it."""
    variables = variables or {}
    names = list(result.dtype.names or ())
    data: dict[str, list[Any]] = {}
    types: dict[str, str] = {}
    dimensions: dict[str, list[int]] = {}
    for name in names:
        column = result[name]
        data[name] = _values(column)
        types[name] = _NUMPY_TYPES.get(column.dtype.str[1:], column.dtype.str[1:])
        if column.ndim > 1:
            dimensions[name] = [int(n) for n in column.shape[1:]]
    for name, values in (text or {}).items():
        names.append(name)
        data[name] = values
        var = variables.get(name) or {}
        types[name] = "Binary" if var.get("type") == "Binary" else "String"
        if var.get("dimensions"):
            dimensions[name] = [int(n) for n in var["dimensions"]]
    return {"columns": names, "units": {n: units[n] for n in names if n in units}, "types": types,
            "dimensions": dimensions, "data": data}


def encode(document: dict[str, Any]) -> bytes:
    """Compact JSON (orjson: shortest round-trip floats, the same numbers json.dumps writes)."""
    return orjson.dumps(document)


def decode(blob: bytes) -> dict[str, Any]:
    doc: dict[str, Any] = orjson.loads(blob)
    doc.setdefault("types", {})
    doc.setdefault("dimensions", {})
    return doc


def element_labels(name: str, dims: list[int]) -> list[str]:
    """The elements of an array variable, one-based and row-major: y[1], y[2], ... or A[1,1], A[1,2], ..."""
    return [f"{name}[{','.join(str(i + 1) for i in index)}]" for index in itertools.product(*map(range, dims))]


def _flat(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [x for v in value for x in _flat(v)]
    return [value]


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return repr(value)
    return value


def csv_chunks(document: dict[str, Any]) -> Iterator[str]:
    """CSV with a header row; an array is one column per element (y[1], y[2], ...); booleans as 0/1;
    non-finite numbers as NaN, Infinity, -Infinity."""
    columns = document["columns"]
    data = document["data"]
    dims = document.get("dimensions") or {}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([label for c in columns for label in (element_labels(c, dims[c]) if c in dims else [c])])
    n = len(data[columns[0]]) if columns else 0
    for i in range(n):
        row: list[Any] = []
        for c in columns:
            v = data[c][i]
            if c in dims:
                row.extend(_cell(x) for x in _flat(v))
            else:
                row.append("" if v is None else _cell(v))
        writer.writerow(row)
        if buf.tell() > 1 << 16:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def split_element(name: str, variables: Mapping[str, Any]) -> tuple[str, tuple[int, ...] | None]:
    """`y[2]` of an array variable `y` as ("y", (1,)) (zero-based); a variable's own name as (name, None).
    A name the model has as a variable is that variable (FMI 2 models may call a scalar `a[1]`)."""
    if name in variables:
        return name, None
    match = _ELEMENT.match(name)
    if match is None or match["base"] not in variables:
        return name, None
    return match["base"], tuple(int(i) - 1 for i in match["index"].split(","))


def compute_kpi(time: np.ndarray, values: np.ndarray, kind: str) -> float | None:
    """Time-weighted where it matters: mean and rms are integrals over the simulated interval divided by
    its length (trapezoidal rule), so an uneven output grid (events) does not bias them. A figure that is
    not finite is None (null)."""
    if len(values) == 0:
        return None
    t = np.asarray(time, dtype=np.float64)
    y = np.asarray(values, dtype=np.float64)
    with np.errstate(all="ignore"):
        if kind == "min":
            figure = float(y.min())
        elif kind == "max":
            figure = float(y.max())
        elif kind == "final":
            figure = float(y[-1])
        else:
            span = float(t[-1] - t[0])
            if kind == "integral":
                figure = float(np.trapezoid(y, t)) if len(y) > 1 else 0.0
            elif kind == "mean":
                figure = float(np.trapezoid(y, t) / span) if span > 0 else float(y.mean())
            elif kind == "rms":
                figure = (float(math.sqrt(np.trapezoid(y * y, t) / span)) if span > 0
                          else float(math.sqrt((y * y).mean())))
            else:
                raise ValueError(kind)
    return figure if math.isfinite(figure) else None


def kpi_key(spec: dict[str, Any]) -> str:
    return str(spec.get("name") or f"{spec['kind']}({spec['variable']})")


def _has_text(values: list[Any]) -> bool:
    return any(isinstance(x, str) for v in values for x in (_flat(v) if isinstance(v, list) else [v]))


def _column(document: dict[str, Any], name: str) -> np.ndarray:
    values = document["data"][name]
    if _has_text(values):
        values = [_replace_text(v) for v in values]
    return np.array(values, dtype=np.float64)


def _replace_text(value: Any) -> Any:
    if isinstance(value, list):
        return [_replace_text(v) for v in value]
    return NON_FINITE.get(value, value) if isinstance(value, str) else value


def compute_kpis(document: dict[str, Any], specs: list[dict[str, Any]]) -> dict[str, float | None]:
    """One figure per KPI; a whole array variable gives one per element (keys `kind(y[1])`, or `name[1]`)."""
    data = document["data"]
    dims = document.get("dimensions") or {}
    time = _column(document, "time") if "time" in data else np.zeros(0)
    figures: dict[str, float | None] = {}
    for spec in specs:
        base, index = split_element(spec["variable"], data)
        if base not in data:
            continue
        column = _column(document, base)
        if index is not None:
            if base not in dims or len(index) != len(dims[base]):
                continue
            at: tuple[Any, ...] = (slice(None), *index)
            figures[kpi_key(spec)] = compute_kpi(time, column[at], spec["kind"])
        elif base in dims:
            for label, idx in zip(element_labels(base, dims[base]),
                                  itertools.product(*map(range, dims[base])), strict=True):
                key = f"{spec['name']}{label[len(base):]}" if spec.get("name") else f"{spec['kind']}({label})"
                element: tuple[Any, ...] = (slice(None), *idx)
                figures[key] = compute_kpi(time, column[element], spec["kind"])
        else:
            figures[kpi_key(spec)] = compute_kpi(time, column, spec["kind"])
    return figures
