"""Request and response bodies for sweeps."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from fmu_gateway_api.simulations.schemas import SimulationCreate, SimulationError, StartValue

MAX_CASES = 10_000
SweepStatus = Literal["running", "completed", "cancelled"]
Range = Annotated[list[float], Field(min_length=2, max_length=2)]


class SweepLhs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ranges: dict[str, Range] = Field(min_length=1)
    samples: int = Field(ge=1, le=MAX_CASES)
    seed: int = Field(default=0, ge=0)


class SweepCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base: SimulationCreate
    cases: list[dict[str, StartValue]] | None = Field(default=None, min_length=1, max_length=MAX_CASES)
    grid: dict[str, Annotated[list[StartValue], Field(min_length=1, max_length=MAX_CASES)]] | None = Field(
        default=None, min_length=1)
    lhs: SweepLhs | None = None
    max_cases: int | None = Field(default=None, ge=1)
    callback_url: str | None = Field(default=None, max_length=2000)


class SweepQuote(BaseModel):
    case_count: int
    admitted_cases: int
    cached_cases: int
    price_per_run_credits: int
    price_credits: int
    balance_credits: int
    affordable_cases: int
    sufficient: bool
    tier: str
    billing: str
    currency: str


class SweepCounts(BaseModel):
    queued: int = 0
    running: int = 0
    succeeded: int = 0
    failed: int = 0
    cancelled: int = 0


class SweepOut(BaseModel):
    id: str
    status: SweepStatus
    fmu_id: str
    fmu_sha256: str
    case_count: int
    counts: SweepCounts
    progress: float
    price_credits: int
    parameters: list[str]
    kpis: list[str]
    created_at: datetime
    finished_at: datetime | None
    results_url: str


class SweepRow(BaseModel):
    case: int
    simulation_id: str
    status: Literal["queued", "running", "succeeded", "failed", "cancelled"]
    cached: bool
    start_values: dict[str, Any]
    kpis: dict[str, float | None]
    error: SimulationError | None


class SweepTable(BaseModel):
    sweep_id: str
    status: SweepStatus
    parameters: list[str]
    kpis: list[str]
    rows: list[SweepRow]
