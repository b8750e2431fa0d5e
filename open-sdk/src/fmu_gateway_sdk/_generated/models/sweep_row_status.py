from typing import Literal

SweepRowStatus = Literal["cancelled", "failed", "queued", "running", "succeeded"]

SWEEP_ROW_STATUS_VALUES: set[SweepRowStatus] = {
    "cancelled",
    "failed",
    "queued",
    "running",
    "succeeded",
}


def check_sweep_row_status(value: str) -> SweepRowStatus:
    if value in SWEEP_ROW_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SWEEP_ROW_STATUS_VALUES!r}")
