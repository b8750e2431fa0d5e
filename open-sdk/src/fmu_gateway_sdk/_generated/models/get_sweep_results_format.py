from typing import Literal

GetSweepResultsFormat = Literal["csv", "json"]

GET_SWEEP_RESULTS_FORMAT_VALUES: set[GetSweepResultsFormat] = {
    "csv",
    "json",
}


def check_get_sweep_results_format(value: str) -> GetSweepResultsFormat:
    if value in GET_SWEEP_RESULTS_FORMAT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_SWEEP_RESULTS_FORMAT_VALUES!r}")
