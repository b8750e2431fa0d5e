"""A finished simulation: its columns, KPIs and provenance, and converters to pandas, NumPy, CSV and PNG."""

from __future__ import annotations

import csv
import html
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from matplotlib.figure import Figure

Value = float | int | bool | None
Cell = Value | str | list[Any]  # a String/Binary value, or an FMI 3 array's (nested) values
# How the gateway spells non-finite numbers in JSON (Float columns only).
NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
_NUMPY = {"Float64": "f8", "Float32": "f4", "Int8": "i1", "UInt8": "u1", "Int16": "i2", "UInt16": "u2",
          "Int32": "i4", "UInt32": "u4", "Int64": "i8", "UInt64": "u8", "Boolean": "?"}


HEAD_ROWS = 5
HEAD_COLUMNS = 12


@dataclass(frozen=True, repr=False)
class SimulationResult:
    """What `Gateway.simulate` returns.

    `columns` lists the recorded variables, time first; `data` holds one list per column (non-finite numbers
    as floats; an FMI 3 array's values as nested lists, its sizes in `dimensions`; `types` the FMI type of
    each column); `kpis` the
    figures asked for; `provenance` where and how it ran (FMU sha256, FMPy version, runner, solver, times);
    `request` the request as the gateway completed it (start values, inputs, every default); `model` a
    name to show (the library id or the FMU file's name).
    """

    id: str
    status: str
    fmu_id: str
    cached: bool = False
    kpis: dict[str, float | None] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)
    data: dict[str, list[Any]] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    dimensions: dict[str, list[int]] = field(default_factory=dict)
    table: Any = field(default=None, compare=False)  # the Arrow table, when the result came as Arrow
    request: dict[str, Any] = field(default_factory=dict)
    error: dict[str, Any] | None = None
    model: str = ""

    @classmethod
    def from_api(cls, simulation: Mapping[str, Any], result: Mapping[str, Any] | None = None, *,
                 model: str | None = None) -> SimulationResult:
        """From a Simulation document and, when not inline, its Result document."""
        data = result if result is not None else (simulation.get("result") or {})
        fmu_id = str(simulation.get("fmu_id", ""))
        types = {str(k): str(v) for k, v in (data.get("types") or {}).items()}
        return cls(
            id=str(simulation.get("id", "")), status=str(simulation.get("status", "")),
            fmu_id=str(simulation.get("fmu_id", "")), cached=bool(simulation.get("cached", False)),
            kpis=dict(simulation.get("kpis") or {}), provenance=dict(simulation.get("provenance") or {}),
            columns=list(data.get("columns") or []), units=dict(data.get("units") or {}),
            data={k: _numbers(v) if types.get(k, "Float64") in ("Float64", "Float32") else list(v)
                  for k, v in (data.get("data") or {}).items()},
            types=types,
            dimensions={str(k): [int(n) for n in v] for k, v in (data.get("dimensions") or {}).items()},
            request=dict(simulation.get("request") or {}), error=simulation.get("error"),
            model=model or short_model_name(fmu_id),
        )

    @classmethod
    def from_arrow(cls, simulation: Mapping[str, Any], table: Any, *,
                   model: str | None = None) -> SimulationResult:
        """From a Simulation document and its result as an Arrow table (extra `arrow`)."""
        base = cls.from_api(simulation, {}, model=model)
        types: dict[str, str] = {}
        dimensions: dict[str, list[int]] = {}
        units: dict[str, str] = {}
        data: dict[str, list[Any]] = {}
        for i, f in enumerate(table.schema):
            meta = {k.decode(): v.decode() for k, v in (f.metadata or {}).items()}
            types[f.name] = meta.get("fmi_type", str(f.type))
            if meta.get("unit"):
                units[f.name] = meta["unit"]
            column = table.column(i)
            if meta.get("dimensions"):
                dims = [int(n) for n in meta["dimensions"].split(",")]
                dimensions[f.name] = dims
                flat = column.combine_chunks().flatten()
                values = flat.to_numpy(zero_copy_only=False) if _fixed(flat.type) else flat.to_pylist()
                import numpy as np

                data[f.name] = np.asarray(values).reshape(len(column), *dims).tolist()
            elif _fixed(f.type):
                data[f.name] = column.to_numpy().tolist()
            else:
                data[f.name] = column.to_pylist()
        return replace(base, columns=list(table.column_names), units=units, data=data, types=types,
                       dimensions=dimensions, table=table)

    def __repr__(self) -> str:
        """One line: model, status, size and KPIs (the data stays out of it)."""
        status = self.status + (" (cached)" if self.cached else "")
        if self.error:
            status += f" ({self.error.get('type', 'error')})"
        kpis = ", ".join(f"{k}={_number(v)}" for k, v in list(self.kpis.items())[:6])
        more = f", +{len(self.kpis) - 6} more" if len(self.kpis) > 6 else ""
        return (f"<SimulationResult {self.model or self.fmu_id} {status}: {len(self.time)} rows x "
                f"{len(self.columns)} columns{'; ' + kpis + more if kpis else ''}; id {self.id}>")

    def _repr_html_(self) -> str:
        """Jupyter's view: model, status, KPIs and the first rows of the table."""
        esc = html.escape
        status = self.status + (" (cached)" if self.cached else "")
        values = self.title_values()
        parts = [f"<b>{esc(self.model or self.fmu_id)}</b> {esc(status)}",
                 f"{len(self.time)} rows &times; {len(self.columns)} columns", f"<code>{esc(self.id)}</code>"]
        lines = ["<div>", "<p>" + " &middot; ".join(parts + ([esc(values)] if values else [])) + "</p>"]
        if self.error:
            error = f"{self.error.get('type', '')}: {self.error.get('detail', '')}"
            lines.append(f"<p>{esc(error)}</p>")
        if self.kpis:
            lines.append(_html_table(["KPI", "value"], [[k, _number(v)] for k, v in self.kpis.items()]))
        if self.columns:
            shown = self.columns[:HEAD_COLUMNS]
            header = [self._label(c) for c in shown]
            if len(self.columns) > len(shown):
                header.append(f"+{len(self.columns) - len(shown)} more")
            rows = [[_number(self.data[c][i]) for c in shown] for i in range(min(HEAD_ROWS, len(self.time)))]
            lines.append(_html_table(header, rows))
            if len(self.time) > HEAD_ROWS:
                more = len(self.time) - HEAD_ROWS
                lines.append(f"<p>&hellip; {more} more rows (<code>.to_pandas()</code>)</p>")
        lines.append("</div>")
        return "\n".join(lines)

    def title_values(self) -> str:
        """The start values of the request, as `e=0.8, h=2` (what sets this run apart from another)."""
        values = self.request.get("start_values") or {}
        return ", ".join(f"{k}={_number(v)}" for k, v in values.items())

    def _label(self, column: str) -> str:
        unit = self.units.get(column)
        return f"{column} [{unit}]" if unit else column

    def __getitem__(self, column: str) -> list[Any]:
        return self.data[column]

    @property
    def time(self) -> list[Value]:
        return self.data[self.columns[0]] if self.columns else []

    def flat_columns(self) -> dict[str, list[Cell]]:
        """One list per scalar column, an FMI 3 array split into its elements `y[1]`, `y[2]`, ... (row-major),
        as in the gateway's CSV."""
        flat: dict[str, list[Cell]] = {}
        for c in self.columns:
            dims = self.dimensions.get(c)
            if not dims:
                flat[c] = self.data[c]
                continue
            labels = [f"{c}[{','.join(str(i + 1) for i in index)}]"
                      for index in itertools.product(*map(range, dims))]
            rows = [_flat(v) for v in self.data[c]]
            for j, label in enumerate(labels):
                flat[label] = [row[j] for row in rows]
        return flat

    def to_pandas(self) -> pd.DataFrame:
        """One column per variable, `time` included, an array as one column per element (extra `pandas`)."""
        import pandas as pd

        if self.table is not None and not self.dimensions:
            frame = self.table.to_pandas()  # Arrow to pandas without Python objects in between
        else:
            flat = self.flat_columns()
            frame = pd.DataFrame(flat, columns=list(flat))
        frame.attrs["units"] = dict(self.units)
        frame.attrs["simulation_id"] = self.id
        return frame

    def to_numpy(self) -> np.ndarray:
        """A structured array like FMPy's `simulate_fmu` result (extra `pandas`, which brings NumPy); from the
        Arrow columns when the result came as Arrow."""
        import numpy as np

        if self.table is not None:
            return _numpy_from_arrow(self.table)

        dtypes: list[Any] = []
        for i, c in enumerate(self.columns):
            kind = "f8" if i == 0 else _NUMPY.get(self.types.get(c, "")) or (
                "O" if self.types.get(c) in ("String", "Binary") else _column_dtype(self.data[c]))
            dims = self.dimensions.get(c)
            dtypes.append((c, kind, tuple(dims)) if dims else (c, kind))
        n = len(self.time)
        array = np.zeros(n, dtype=dtypes)
        for name, kind, *_shape in dtypes:
            values = self.data[name]
            if kind.startswith("f"):
                array[name] = [math.nan if v is None else v for v in values]
            else:
                array[name] = values
        return array

    def to_csv(self, path: str | Path) -> Path:
        """Write the columns as CSV (header row `time,var1,...`); needs no extra."""
        path = Path(path)
        with path.open("w", newline="") as fh:
            writer = csv.writer(fh)
            flat = self.flat_columns()
            writer.writerow(list(flat))
            for row in zip(*flat.values(), strict=True):
                writer.writerow(["" if v is None else _csv_cell(v) for v in row])
        return path

    def plot(self, path: str | Path | None = None, *, variables: Sequence[str] | None = None,
             title: str | None = None, show: bool = False) -> Figure:
        """One panel per input and recorded variable over time (extra `plot`), titled with the model and
        the start values; saved as PNG when `path` is given, shown in a window when `show`."""
        inputs = self.input_signals() if variables is None else {}
        names = list(variables) if variables is not None else self.columns[1:9]
        panels = [n for n in inputs if n not in names] + names
        size = (9, 1.2 + 1.9 * max(len(panels), 1))
        if show:
            import matplotlib.pyplot as plt

            figure = plt.figure(figsize=size, layout="constrained")
        else:
            from matplotlib.figure import Figure

            figure = Figure(figsize=size, layout="constrained")
        axes = figure.subplots(max(len(panels), 1), 1, sharex=True, squeeze=False)[:, 0]
        t = [math.nan if v is None else v for v in self.time]
        for ax, name in zip(axes, panels, strict=False):
            if name in inputs and name not in self.data:
                ax.plot(*inputs[name], linewidth=1.2, color="tab:orange")
                ax.set_ylabel(f"{self._label(name)}\n(input)")
            else:
                ax.plot(t, [math.nan if v is None else float(v) for v in self.data[name]], linewidth=1.2)
                ax.set_ylabel(self._label(name))
            ax.grid(True, alpha=0.3)
        axes[-1].set_xlabel(f"time [{self.units.get(self.columns[0], 's')}]" if self.columns else "time")
        values = self.title_values()
        default = f"{self.model or self.fmu_id}" + (f"  ({values})" if values else "")
        figure.suptitle(title or (default if len(default) <= 110 else default[:109] + "\u2026"))
        if path is not None:
            figure.savefig(path, dpi=110)
        if show:
            import matplotlib.pyplot as plt

            plt.show()
        return figure

    def input_signals(self) -> dict[str, tuple[list[float], list[float]]]:
        """The request's input signals as (time, value) over the simulated interval: held before the first
        and after the last point, as the gateway applies them."""
        inputs = self.request.get("inputs") or {}
        times = [float(x) for x in inputs.get("time") or []]
        start, stop = self.request.get("start_time"), self.request.get("stop_time")
        signals: dict[str, tuple[list[float], list[float]]] = {}
        for name, values in (inputs.get("signals") or {}).items():
            ts, ys = list(times), [float(v) for v in values]
            if not ts:
                continue
            if isinstance(start, int | float) and start < ts[0]:
                ts, ys = [float(start), *ts], [ys[0], *ys]
            if isinstance(stop, int | float) and stop > ts[-1]:
                ts, ys = [*ts, float(stop)], [*ys, ys[-1]]
            signals[name] = (ts, ys)
        return signals


def arrow_available() -> bool:
    """Is pyarrow installed (extra `arrow`)? Then results travel as Arrow."""
    import importlib.util

    try:
        return importlib.util.find_spec("pyarrow") is not None
    except (ImportError, ValueError):  # an import guard, a broken install: JSON then
        return False


def short_model_name(fmu_id: str) -> str:
    """A library id as it is; an uploaded FMU's sha256 cut to 12 characters."""
    return fmu_id[:12] if len(fmu_id) == 64 and not fmu_id.startswith("lib:") else fmu_id


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _number(value: Any) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def _fixed(arrow_type: Any) -> bool:
    """A fixed-width Arrow type (numbers, booleans): NumPy takes it as it is."""
    try:
        return bool(arrow_type.bit_width) and arrow_type.num_fields == 0
    except ValueError:  # strings, binaries
        return False


def _numpy_from_arrow(table: Any) -> np.ndarray:
    import numpy as np

    dtypes: list[Any] = []
    columns = []
    for i, f in enumerate(table.schema):
        meta = {k.decode(): v.decode() for k, v in (f.metadata or {}).items()}
        column = table.column(i).combine_chunks()
        if meta.get("dimensions"):
            dims = tuple(int(n) for n in meta["dimensions"].split(","))
            flat = column.flatten()
            values = np.asarray(flat.to_numpy(zero_copy_only=False) if _fixed(flat.type)
                                else np.array(flat.to_pylist(), dtype=object)).reshape(len(column), *dims)
            dtypes.append((f.name, values.dtype, dims))
        elif _fixed(f.type):
            values = column.to_numpy(zero_copy_only=False)
            dtypes.append((f.name, values.dtype))
        else:
            values = np.array(column.to_pylist(), dtype=object)
            dtypes.append((f.name, "O"))
        columns.append(values)
    array = np.zeros(table.num_rows, dtype=dtypes)
    for (name, *_rest), values in zip(dtypes, columns, strict=True):
        array[name] = values
    return array


def _numbers(values: Sequence[Any]) -> list[Any]:
    """A Float column with the gateway's spelled-out non-finite numbers as floats (nested lists kept)."""
    return [_number_of(v) for v in values]


def _number_of(value: Any) -> Any:
    if isinstance(value, list):
        return [_number_of(v) for v in value]
    return NON_FINITE.get(value, value) if isinstance(value, str) else value


def _flat(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [x for v in value for x in _flat(v)]
    return [value]


def _csv_cell(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


def _column_dtype(values: Sequence[Value]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present) and len(present) == len(values):
        return "?"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present) \
            and len(present) == len(values):
        return "i8"
    return "f8"
