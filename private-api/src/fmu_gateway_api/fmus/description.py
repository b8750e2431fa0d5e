"""The model description the service keeps for an FMU: what the ingest sandbox reported, checked here.

The sandbox's report is attacker output (it parsed and compiled what a tenant sent), so it is validated
field by field before the service stores or uses it: types, lengths, and the facts later code relies on.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

Name = Annotated[str, Field(max_length=4096)]
Text = Annotated[str, Field(max_length=65536)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


class StoredVariable(_Strict):
    name: Name
    value_reference: Annotated[int, Field(ge=0, le=2**32 - 1)]
    causality: Annotated[str, Field(max_length=40)]
    variability: Annotated[str, Field(max_length=40)]
    type: Annotated[str, Field(max_length=40)]
    start: float | int | bool | Text | Annotated[list[float | int | bool], Field(max_length=1 << 20)] | None = None
    unit: Name | None = None
    description: Text | None = None
    initial: Annotated[str, Field(max_length=40)] | None = None
    declared_type: Name | None = None
    dimensions: Annotated[list[Annotated[int, Field(ge=0, le=1 << 20)]], Field(max_length=32)] | None = None


class StoredExperiment(_Strict):
    start_time: float | None = None
    stop_time: float | None = None
    tolerance: float | None = None
    step_size: float | None = None


class StoredDescription(_Strict):
    fmi_version: Annotated[str, Field(max_length=20)]
    model_name: Name
    instantiation_token: Name
    description: Text | None = None
    generation_tool: Text | None = None
    interfaces: Annotated[list[Literal["ModelExchange", "CoSimulation"]], Field(min_length=1, max_length=2)]
    model_identifiers: dict[Name, Name]
    platforms: Annotated[list[Name], Field(max_length=64)]
    has_sources: bool
    needs_build: bool
    default_experiment: StoredExperiment | None = None
    variables: list[StoredVariable]
    states: list[Name] = []
    # interfaces whose model can be instantiated only once per process; None: not known (stored before
    # this was read), which counts as "once" (such a model's sweep cases never share a process)
    once_per_process: list[Literal["ModelExchange", "CoSimulation"]] | None = None
    # schema quirks the upload was accepted with (see fmu_sandbox.modeldescription)
    warnings: Annotated[list[Annotated[str, Field(max_length=2000)]], Field(max_length=50)] = []


class DescriptionInvalid(Exception):
    pass


def validated(raw: Any, max_variables: int) -> dict[str, Any]:
    """The description as the service stores it, or DescriptionInvalid (the sandbox may lie about what
    it parsed: the bounds are checked again here)."""
    try:
        desc = StoredDescription.model_validate(raw)
    except ValidationError as exc:
        raise DescriptionInvalid(f"the model description could not be read: {exc.errors()[0]['msg']}") from None
    if len(desc.variables) > max_variables:
        raise DescriptionInvalid(f"the model has {len(desc.variables)} variables, more than this gateway's limit "
                                 f"of {max_variables}")
    data: dict[str, Any] = desc.model_dump()
    return data
