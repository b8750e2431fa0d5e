from typing import Literal

SimulationSummaryStatus = Literal["cancelled", "failed", "queued", "running", "succeeded"]

SIMULATION_SUMMARY_STATUS_VALUES: set[SimulationSummaryStatus] = {
    "cancelled",
    "failed",
    "queued",
    "running",
    "succeeded",
}


def check_simulation_summary_status(value: str) -> SimulationSummaryStatus:
    if value in SIMULATION_SUMMARY_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SIMULATION_SUMMARY_STATUS_VALUES!r}")
