"""A finished simulation: its columns, KPIs and provenance, and converters to pandas, NumPy, CSV and PNG."""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from matplotlib.figure import Figure

Value = float | int | bool | None


@dataclass(frozen=True)
class SimulationResult:
    """What `Gateway.simulate` returns.

    `columns` lists the recorded variables, time first; `data` holds one list per column; `kpis` the
    figures asked for; `provenance` where and how it ran (FMU sha256, FMPy version, runner, solver, times).
    """

    id: str
    status: str
    fmu_id: str
    cached: bool = False
    kpis: dict[str, float | None] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)
    data: dict[str, list[Value]] = field(default_factory=dict)
    request: dict[str, Any] = field(default_factory=dict)
    error: dict[str, Any] | None = None

    @classmethod
    def from_api(cls, simulation: Mapping[str, Any],
                 result: Mapping[str, Any] | None = None) -> SimulationResult:
        """From a Simulation document and, when not inline, its Result document."""
        data = result if result is not None else (simulation.get("result") or {})
        return cls(
            id=str(simulation.get("id", "")), status=str(simulation.get("status", "")),
            fmu_id=str(simulation.get("fmu_id", "")), cached=bool(simulation.get("cached", False)),
            kpis=dict(simulation.get("kpis") or {}), provenance=dict(simulation.get("provenance") or {}),
            columns=list(data.get("columns") or []), units=dict(data.get("units") or {}),
            data={k: list(v) for k, v in (data.get("data") or {}).items()},
            request=dict(simulation.get("request") or {}), error=simulation.get("error"),
        )

    def __getitem__(self, column: str) -> list[Value]:
        return self.data[column]

    @property
    def time(self) -> list[Value]:
        return self.data[self.columns[0]] if self.columns else []

    def to_pandas(self) -> pd.DataFrame:
        """One column per variable, `time` included (extra `pandas`)."""
        import pandas as pd

        frame = pd.DataFrame({c: self.data[c] for c in self.columns}, columns=self.columns)
        frame.attrs["units"] = dict(self.units)
        frame.attrs["simulation_id"] = self.id
        return frame

    def to_numpy(self) -> np.ndarray:
        """A structured array like FMPy's `simulate_fmu` result (extra `pandas`, which brings NumPy)."""
        import numpy as np

        dtypes = [(c, "f8" if i == 0 else _column_dtype(self.data[c])) for i, c in enumerate(self.columns)]
        n = len(self.time)
        array = np.zeros(n, dtype=dtypes)
        for name, dtype in dtypes:
            values = self.data[name]
            if dtype == "f8":
                array[name] = [math.nan if v is None else v for v in values]
            else:
                array[name] = values
        return array

    def to_csv(self, path: str | Path) -> Path:
        """Write the columns as CSV (header row `time,var1,...`); needs no extra."""
        path = Path(path)
        with path.open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(self.columns)
            for row in zip(*(self.data[c] for c in self.columns), strict=True):
                writer.writerow(["" if v is None else (int(v) if isinstance(v, bool) else v) for v in row])
        return path

    def plot(self, path: str | Path | None = None, *, variables: Sequence[str] | None = None,
             title: str | None = None) -> Figure:
        """One panel per variable over time (extra `plot`); saved as PNG when `path` is given."""
        from matplotlib.figure import Figure

        names = list(variables) if variables is not None else self.columns[1:9]
        figure = Figure(figsize=(9, 1.2 + 1.9 * max(len(names), 1)), layout="constrained")
        axes = figure.subplots(max(len(names), 1), 1, sharex=True, squeeze=False)[:, 0]
        t = [math.nan if v is None else v for v in self.time]
        for ax, name in zip(axes, names, strict=False):
            y = [math.nan if v is None else float(v) for v in self.data[name]]
            ax.plot(t, y, linewidth=1.2)
            unit = self.units.get(name)
            ax.set_ylabel(f"{name} [{unit}]" if unit else name)
            ax.grid(True, alpha=0.3)
        axes[-1].set_xlabel(f"time [{self.units.get(self.columns[0], 's')}]" if self.columns else "time")
        figure.suptitle(title or f"{self.fmu_id} ({self.id})")
        if path is not None:
            figure.savefig(path, dpi=110)
        return figure


def _column_dtype(values: Sequence[Value]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present) and len(present) == len(values):
        return "?"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present) \
            and len(present) == len(values):
        return "i8"
    return "f8"
