from typing import Literal

SweepTableStatus = Literal["cancelled", "completed", "running"]

SWEEP_TABLE_STATUS_VALUES: set[SweepTableStatus] = {
    "cancelled",
    "completed",
    "running",
}


def check_sweep_table_status(value: str) -> SweepTableStatus:
    if value in SWEEP_TABLE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SWEEP_TABLE_STATUS_VALUES!r}")
