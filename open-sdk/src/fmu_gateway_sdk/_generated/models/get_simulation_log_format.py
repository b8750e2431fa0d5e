from typing import Literal

GetSimulationLogFormat = Literal["json", "text"]

GET_SIMULATION_LOG_FORMAT_VALUES: set[GetSimulationLogFormat] = {
    "json",
    "text",
}


def check_get_simulation_log_format(value: str) -> GetSimulationLogFormat:
    if value in GET_SIMULATION_LOG_FORMAT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_SIMULATION_LOG_FORMAT_VALUES!r}")
