from typing import Literal

SimulationCreateInterface = Literal["auto", "CoSimulation", "ModelExchange"]

SIMULATION_CREATE_INTERFACE_VALUES: set[SimulationCreateInterface] = {
    "auto",
    "CoSimulation",
    "ModelExchange",
}


def check_simulation_create_interface(value: str) -> SimulationCreateInterface:
    if value in SIMULATION_CREATE_INTERFACE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SIMULATION_CREATE_INTERFACE_VALUES!r}")
