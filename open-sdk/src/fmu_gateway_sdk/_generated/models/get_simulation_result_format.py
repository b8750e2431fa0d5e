from typing import Literal

GetSimulationResultFormat = Literal["arrow", "csv", "json", "parquet"]

GET_SIMULATION_RESULT_FORMAT_VALUES: set[GetSimulationResultFormat] = {
    "arrow",
    "csv",
    "json",
    "parquet",
}


def check_get_simulation_result_format(value: str) -> GetSimulationResultFormat:
    if value in GET_SIMULATION_RESULT_FORMAT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_SIMULATION_RESULT_FORMAT_VALUES!r}")
