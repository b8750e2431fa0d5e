"""The runner interface every backend (local process, Docker container, ECS task) implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np


@dataclass(frozen=True)
class JobSpec:
    """One simulation, fully resolved: nothing in it is left for the sandbox to decide.

    `fmu_dir` is the FMU unpacked once into this host's read-only cache (local and Docker runs read it in
    place; an ECS task gets it zipped)."""

    job_id: str
    fmu_sha256: str
    fmu_dir: Path
    fmi_type: Literal["ModelExchange", "CoSimulation"]
    start_time: float
    stop_time: float
    output_interval: float
    solver: str
    relative_tolerance: float | None
    step_size: float | None
    start_values: dict[str, Any]
    inputs: dict[str, Any] | None
    outputs: list[str]
    timeout_s: float
    debug_logging: bool = False

    def to_sandbox(self) -> dict[str, Any]:
        """What the sandbox's simulation needs (the FMU's and the run's paths travel beside it)."""
        return {
            "job_id": self.job_id,
            "fmi_type": self.fmi_type,
            "start_time": self.start_time,
            "stop_time": self.stop_time,
            "output_interval": self.output_interval,
            "solver": self.solver,
            "relative_tolerance": self.relative_tolerance,
            "step_size": self.step_size,
            "start_values": self.start_values,
            "inputs": self.inputs,
            "outputs": self.outputs,
            "debug_logging": self.debug_logging,
        }


@dataclass
class RunFailure:
    """Why a run failed. `platform` is True when we, not the model, are to blame (refundable).
    `retry_after_s`: the run never started (the backend was throttled); queue it again after that long."""

    slug: str
    detail: str
    platform: bool = False
    retry_after_s: float | None = None


@dataclass
class RunOutcome:
    result: np.ndarray | None
    failure: RunFailure | None
    provenance: dict[str, Any] = field(default_factory=dict)
    log: str = ""
    text: dict[str, list[Any]] = field(default_factory=dict)  # String/Binary outputs, one value per row

    @property
    def ok(self) -> bool:
        return self.failure is None and self.result is not None


class Runner(Protocol):
    """Runs one job in a fresh sandbox and blocks until it has ended, one way or another."""

    name: str

    def run(self, job: JobSpec) -> RunOutcome: ...

    def cancel(self, job_id: str) -> bool: ...

    def ready(self) -> bool: ...

    def close(self) -> None: ...
