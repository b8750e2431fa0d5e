"""KPIs and names of array elements, shared by the service (checks) and the columnar results (figures).

Numbers in JSON results are exact; in Float columns NaN and the infinities are the strings "NaN",
"Infinity", "-Infinity" (`NON_FINITE`), as the contract says."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
_ELEMENT = re.compile(r"^(?P<base>.+)\[(?P<index>[0-9]+(?:,[0-9]+)*)\]$")


def element_labels(name: str, dims: list[int]) -> list[str]:
    """The elements of an array variable, one-based and row-major: y[1], y[2], ... or A[1,1], A[1,2], ..."""
    return [f"{name}[{','.join(str(i + 1) for i in index)}]" for index in itertools.product(*map(range, dims))]


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
