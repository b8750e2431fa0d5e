from typing import Literal

SimulationLogStatus = Literal["cancelled", "failed", "queued", "running", "succeeded"]

SIMULATION_LOG_STATUS_VALUES: set[SimulationLogStatus] = {
    "cancelled",
    "failed",
    "queued",
    "running",
    "succeeded",
}


def check_simulation_log_status(value: str) -> SimulationLogStatus:
    if value in SIMULATION_LOG_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SIMULATION_LOG_STATUS_VALUES!r}")
