from typing import Literal

SweepStatus = Literal["cancelled", "completed", "running"]

SWEEP_STATUS_VALUES: set[SweepStatus] = {
    "cancelled",
    "completed",
    "running",
}


def check_sweep_status(value: str) -> SweepStatus:
    if value in SWEEP_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SWEEP_STATUS_VALUES!r}")
