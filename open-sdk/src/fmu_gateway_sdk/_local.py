"""Opt-in local fallback: run FMPy on this machine when the gateway cannot be reached (extra `local`)."""

from __future__ import annotations

import hashlib
import math
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fmu_gateway_sdk._results import SimulationResult, Value


def simulate_locally(path: Path, payload: Mapping[str, Any], *, reason: str) -> SimulationResult:
    """Simulate `path` with FMPy as the gateway would have for `payload` (a SimulationCreate body)."""
    try:
        import fmpy
        import numpy as np
    except ImportError as exc:  # pragma: no cover - depends on the extra
        raise ImportError("local fallback needs FMPy: pip install 'fmu-gateway-sdk[local]'") from exc

    inputs = payload.get("inputs")
    input_array = None
    if inputs:
        names = list(inputs["signals"])
        input_array = np.zeros(len(inputs["time"]), dtype=[("time", "f8")] + [(n, "f8") for n in names])
        input_array["time"] = inputs["time"]
        for name in names:
            input_array[name] = inputs["signals"][name]
    interface = payload.get("interface") or "auto"
    options: dict[str, Any] = {
        "start_time": payload.get("start_time"), "stop_time": payload.get("stop_time"),
        "output_interval": payload.get("output_interval"),
        "relative_tolerance": payload.get("relative_tolerance"), "step_size": payload.get("step_size"),
        "solver": payload.get("solver") or "CVode", "start_values": dict(payload.get("start_values") or {}),
        "input": input_array, "output": payload.get("outputs"),
        "fmi_type": None if interface == "auto" else interface,
        "timeout": payload.get("timeout_s"),
    }
    started, cpu = time.perf_counter(), time.process_time()
    array = fmpy.simulate_fmu(str(path), **{k: v for k, v in options.items() if v is not None})
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    columns = list(array.dtype.names)
    data: dict[str, list[Value]] = {
        c: [None if isinstance(v, float) and not math.isfinite(v) else v for v in array[c].tolist()]
        for c in columns
    }
    kpis = {_kpi_name(spec): compute_kpi(data["time"], data.get(spec["variable"]), spec["kind"])
            for spec in payload.get("kpis") or []}
    provenance = {
        "runner": "local-fallback", "reason": reason, "fmpy_version": fmpy.__version__,
        "fmu_sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "fmu_path": str(path),
        "interface": interface, "solver": options["solver"], "wall_time_s": wall, "cpu_time_s": cpu,
    }
    return SimulationResult(
        id=f"local_{uuid.uuid4().hex}", status="succeeded", fmu_id=str(payload.get("fmu_id", "")),
        kpis=kpis, provenance=provenance, columns=columns, units={}, data=data, request=dict(payload),
        model=path.name,
    )


def _kpi_name(spec: Mapping[str, Any]) -> str:
    return str(spec.get("name") or f"{spec['kind']}({spec['variable']})")


def compute_kpi(time_: Sequence[Value], values: Sequence[Value] | None, kind: str) -> float | None:
    """The gateway's KPI definitions: min/max/final from samples; mean/rms time-weighted; integral."""
    if not values:
        return None
    ys = [float(v) for v in values if v is not None]
    if not ys:
        return None
    if kind == "min":
        return min(ys)
    if kind == "max":
        return max(ys)
    if kind == "final":
        return ys[-1]
    ts = [float(t) if t is not None else math.nan for t in time_]
    pairs = [(t, float(v)) for t, v in zip(ts, values, strict=False) if v is not None]
    span = pairs[-1][0] - pairs[0][0] if len(pairs) > 1 else 0.0
    squared = kind == "rms"
    integral = sum((t1 - t0) * ((y0 * y0 + y1 * y1) if squared else (y0 + y1)) / 2
                   for (t0, y0), (t1, y1) in zip(pairs, pairs[1:], strict=False))
    if kind == "integral":
        return integral
    if span <= 0:
        return abs(pairs[0][1]) if squared else pairs[0][1]
    return math.sqrt(integral / span) if squared else integral / span
