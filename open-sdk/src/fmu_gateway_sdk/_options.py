"""The simulation parameters, declared once: `simulate`, `quote`, `sweep` and the CLI all take these.

A new parameter of the contract's SimulationCreate is one entry in `SimulationOptions` (and one flag in
the CLI, whose test checks that every option has one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, TypedDict

KPI_CALL = re.compile(r"^\s*(min|max|mean|rms|final|integral)\s*\(\s*(.+?)\s*\)\s*$")
KpiLike = str | tuple[str, str] | Mapping[str, Any]
Interface = Literal["auto", "ModelExchange", "CoSimulation"]
Solver = Literal["CVode", "Euler"]


class SimulationOptions(TypedDict, total=False):
    """What a simulation request can say besides the FMU; every key is optional.

    `start_time`/`stop_time` default to the model's default experiment; `output_interval` to its step
    size, else 1/500 of the interval. `start_values` by variable name. `inputs` is a DataFrame with a
    `time` column (or index), or a dict of equal-length lists with a `time` key. `outputs` are the
    variables to record (default: the model's outputs, else its states). `kpis` take `"mean(p)"`,
    `("mean", "p")` or `{"variable": "p", "kind": "mean", "name": "p_avg"}`, kind one of min, max, mean,
    rms, final, integral. `interface` "auto" means Co-Simulation when the FMU has it, except that a
    `solver` (Model Exchange only) selects Model Exchange. `relative_tolerance` for CVode, `step_size`
    the fixed step of Euler. `timeout_s` bounds the run's wall-clock time. `cache=False` runs it even
    when an identical result is stored. `debug_logging=True` has the FMU log its debug categories too
    (see `Gateway.log`). `callback_url`: the gateway POSTs the final status there, signed (see the
    gateway's README, "Completion callbacks"); in a sweep, once when every case has ended.
    """

    start_time: float
    stop_time: float
    output_interval: float
    start_values: Mapping[str, Any]
    inputs: Any
    outputs: Sequence[str]
    kpis: Iterable[KpiLike]
    interface: Interface
    solver: Solver
    relative_tolerance: float
    step_size: float
    timeout_s: float
    cache: bool
    debug_logging: bool
    callback_url: str


OPTION_NAMES: tuple[str, ...] = tuple(SimulationOptions.__annotations__)


def request_body(fmu_id: str, options: Mapping[str, Any], *, wait_s: float | None = None) -> dict[str, Any]:
    """The contract's SimulationCreate body for `options` (None values are left out)."""
    unknown = set(options) - set(OPTION_NAMES)
    if unknown:
        raise TypeError(f"unknown simulation option(s): {', '.join(sorted(unknown))}; "
                        f"the options are {', '.join(OPTION_NAMES)}")
    body: dict[str, Any] = {"fmu_id": fmu_id, "interface": options.get("interface") or "auto",
                            "cache": bool(options.get("cache", True))}
    for name in ("start_time", "stop_time", "output_interval", "solver", "relative_tolerance", "step_size",
                 "timeout_s", "callback_url"):
        if options.get(name) is not None:
            body[name] = options[name]
    if options.get("debug_logging"):
        body["debug_logging"] = True
    if wait_s is not None:
        body["wait_s"] = wait_s
    if options.get("start_values"):
        body["start_values"] = {k: _plain(v) for k, v in options["start_values"].items()}
    if options.get("inputs") is not None:
        body["inputs"] = input_series(options["inputs"])
    if options.get("outputs") is not None:
        body["outputs"] = list(options["outputs"])
    if options.get("kpis"):
        body["kpis"] = [kpi_spec(k) for k in options["kpis"]]
    return body


def kpi_spec(kpi: KpiLike) -> dict[str, Any]:
    """`"mean(x)"`, `("mean", "x")` or a KpiSpec mapping, as a KpiSpec mapping."""
    if isinstance(kpi, str):
        match = KPI_CALL.match(kpi)
        if not match:
            raise ValueError(f"KPI '{kpi}' is not of the form kind(variable), kind one of "
                             "min, max, mean, rms, final, integral")
        return {"variable": match.group(2), "kind": match.group(1)}
    if isinstance(kpi, tuple):
        kind, variable = kpi
        return {"variable": variable, "kind": kind}
    return {k: v for k, v in kpi.items() if v is not None}


def input_series(inputs: Any) -> dict[str, Any]:
    """An InputSeries from a DataFrame (time column or index), a dict of lists, or an InputSeries."""
    if isinstance(inputs, Mapping):
        if "signals" in inputs:
            return {"time": [float(t) for t in inputs["time"]],
                    "signals": {k: [_plain(v) for v in vs] for k, vs in inputs["signals"].items()}}
        if "time" not in inputs:
            raise ValueError("inputs need a 'time' entry")
        return {"time": [float(t) for t in inputs["time"]],
                "signals": {k: [_plain(v) for v in vs] for k, vs in inputs.items() if k != "time"}}
    columns = getattr(inputs, "columns", None)
    if columns is not None:  # a pandas DataFrame
        frame = inputs if "time" in columns else inputs.reset_index().rename(columns={"index": "time"})
        frame = frame.rename(columns={frame.columns[0]: "time"}) if "time" not in frame.columns else frame
        return input_series({str(c): frame[c].tolist() for c in frame.columns})
    raise TypeError("inputs must be a pandas DataFrame or a mapping of lists with a 'time' entry")


def _plain(value: Any) -> Any:
    """NumPy scalars as plain Python numbers (JSON has no numpy.float64)."""
    item = getattr(value, "item", None)
    return item() if callable(item) else value
