"""Request and response bodies for simulations."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr

# An FMI 3 array's elements: one list (row-major) or nested lists of its shape; checked against the model.
StartValue = StrictBool | StrictInt | StrictFloat | StrictStr | list[Any]
KpiKind = Literal["min", "max", "mean", "rms", "final", "integral"]


class InputSeries(BaseModel):
    """Input signals: one time vector and, per input variable, one value per time point.

    Real inputs are interpolated linearly between points and held constant before the first and after
    the last; integer and boolean inputs are piecewise constant. A repeated time point makes a step.
    """

    model_config = ConfigDict(extra="forbid")

    time: list[float] = Field(min_length=1, max_length=1_000_000)
    signals: dict[str, list[float | list[float]]] = Field(min_length=1)


class KpiSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    variable: str = Field(min_length=1, max_length=500)
    kind: KpiKind
    name: str | None = Field(default=None, max_length=200)


class SimulationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fmu_id: str = Field(min_length=1, max_length=100)
    interface: Literal["auto", "ModelExchange", "CoSimulation"] = "auto"
    start_time: float | None = None
    stop_time: float | None = None
    output_interval: float | None = Field(default=None, gt=0)
    solver: Literal["CVode", "Euler"] | None = None
    relative_tolerance: float | None = Field(default=None, gt=0, lt=1)
    step_size: float | None = Field(default=None, gt=0)
    start_values: dict[str, StartValue] = Field(default_factory=dict)
    inputs: InputSeries | None = None
    outputs: list[str] | None = Field(default=None, max_length=1000)
    kpis: list[KpiSpec] = Field(default_factory=list, max_length=100)
    timeout_s: float | None = Field(default=None, gt=0)
    wait_s: float | None = Field(default=None, ge=0)
    cache: bool = True
    inline_result: bool = True
    debug_logging: bool = False
    callback_url: str | None = Field(default=None, max_length=2000)


class SimulationError(BaseModel):
    type: str
    detail: str


class ResultData(BaseModel):
    columns: list[str]
    units: dict[str, str]
    types: dict[str, str] = Field(default_factory=dict)
    dimensions: dict[str, list[int]] = Field(default_factory=dict)
    data: dict[str, list[Any]]


class SimulationOut(BaseModel):
    id: str
    status: Literal["queued", "running", "succeeded", "failed", "cancelled"]
    fmu_id: str
    fmu_sha256: str
    cached: bool
    request: dict[str, Any]
    kpis: dict[str, float | None] | None
    provenance: dict[str, Any] | None
    error: SimulationError | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    progress: float | None = None
    result_url: str | None
    result: ResultData | None = None


class SimulationSummary(BaseModel):
    id: str
    status: Literal["queued", "running", "succeeded", "failed", "cancelled"]
    fmu_id: str
    fmu_sha256: str
    cached: bool
    kpis: dict[str, float | None] | None
    error: SimulationError | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    progress: float | None = None
    url: str
    result_url: str | None


class SimulationList(BaseModel):
    items: list[SimulationSummary]



class SimulationLog(BaseModel):
    simulation_id: str
    status: Literal["queued", "running", "succeeded", "failed", "cancelled"]
    lines: list[str]
    truncated: bool
