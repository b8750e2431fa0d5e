"""Result formats and KPIs, computed from what the sandbox returned (never by the sandbox)."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import orjson


def result_document(result: np.ndarray, units: Mapping[str, str]) -> dict[str, Any]:
    """The stored result: JSON columns, time first. Non-finite numbers become null (JSON has none)."""
    names = list(result.dtype.names or ())
    data: dict[str, list[Any]] = {}
    for name in names:
        column = result[name]
        if column.dtype == np.bool_:
            data[name] = [bool(v) for v in column]
        elif np.issubdtype(column.dtype, np.integer):
            data[name] = [int(v) for v in column]
        else:
            values = column.astype(np.float64)
            finite = np.isfinite(values)
            listed = values.tolist()
            data[name] = listed if finite.all() else [v if ok else None for v, ok in zip(listed, finite, strict=False)]
    return {"columns": names, "units": {n: units[n] for n in names if n in units}, "data": data}


def encode(document: dict[str, Any]) -> bytes:
    """Compact JSON (orjson: shortest round-trip floats, the same numbers json.dumps writes)."""
    return orjson.dumps(document)


def decode(blob: bytes) -> dict[str, Any]:
    doc: dict[str, Any] = orjson.loads(blob)
    return doc


def csv_chunks(document: dict[str, Any]) -> Iterator[str]:
    """CSV with a header row; booleans as 0/1, missing numbers empty."""
    columns = document["columns"]
    data = document["data"]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    n = len(data[columns[0]]) if columns else 0
    for i in range(n):
        row = []
        for c in columns:
            v = data[c][i]
            row.append("" if v is None else int(v) if isinstance(v, bool) else repr(v) if isinstance(v, float) else v)
        writer.writerow(row)
        if buf.tell() > 1 << 16:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def compute_kpi(time: list[float], values: list[Any], kind: str) -> float | None:
    """Time-weighted where it matters: mean and rms are integrals over the simulated interval divided by
    its length (trapezoidal rule), so an uneven output grid (events) does not bias them."""
    pairs = [(t, float(v)) for t, v in zip(time, values, strict=False) if v is not None and t is not None]
    if not pairs:
        return None
    t = np.array([p[0] for p in pairs], dtype=np.float64)
    y = np.array([p[1] for p in pairs], dtype=np.float64)
    if kind == "min":
        return float(y.min())
    if kind == "max":
        return float(y.max())
    if kind == "final":
        return float(y[-1])
    span = float(t[-1] - t[0])
    if kind == "integral":
        return float(np.trapezoid(y, t)) if len(y) > 1 else 0.0
    if kind == "mean":
        return float(np.trapezoid(y, t) / span) if span > 0 else float(y.mean())
    if kind == "rms":
        return float(math.sqrt(np.trapezoid(y * y, t) / span)) if span > 0 else float(math.sqrt((y * y).mean()))
    raise ValueError(kind)


def kpi_key(spec: dict[str, Any]) -> str:
    return str(spec.get("name") or f"{spec['kind']}({spec['variable']})")


def compute_kpis(document: dict[str, Any], specs: list[dict[str, Any]]) -> dict[str, float | None]:
    data = document["data"]
    time = data.get("time", [])
    return {kpi_key(s): compute_kpi(time, data[s["variable"]], s["kind"]) for s in specs if s["variable"] in data}
