"""Response bodies for FMUs and their model descriptions."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel


class VariableOut(BaseModel):
    name: str
    value_reference: int
    causality: str
    variability: str
    type: str
    start: float | int | bool | str | list[float | int | bool | str] | None
    unit: str | None
    description: str | None
    initial: str | None = None
    dimensions: list[int] | None = None


class VariableList(BaseModel):
    items: list[VariableOut]
    next_cursor: str | None


class DefaultExperimentOut(BaseModel):
    start_time: float | None
    stop_time: float | None
    tolerance: float | None
    step_size: float | None


class ModelInfo(BaseModel):
    fmi_version: str
    model_name: str
    instantiation_token: str
    description: str | None
    generation_tool: str | None
    interfaces: list[str]
    model_identifiers: dict[str, str]
    platforms: list[str]
    has_sources: bool
    built_from_sources: bool
    default_experiment: DefaultExperimentOut | None
    variable_count: int
    inputs: list[str]
    outputs: list[str]
    parameters: list[str]
    states: list[str]


class FmuOut(BaseModel):
    id: str
    sha256: str
    source: Literal["upload", "library"]
    filename: str
    size: int
    created_at: datetime | None
    model: ModelInfo
    warnings: list[str]


class FmuList(BaseModel):
    items: list[FmuOut]
