from typing import Literal

GetSimulationResultFormat = Literal["csv", "json"]

GET_SIMULATION_RESULT_FORMAT_VALUES: set[GetSimulationResultFormat] = {
    "csv",
    "json",
}


def check_get_simulation_result_format(value: str) -> GetSimulationResultFormat:
    if value in GET_SIMULATION_RESULT_FORMAT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_SIMULATION_RESULT_FORMAT_VALUES!r}")
