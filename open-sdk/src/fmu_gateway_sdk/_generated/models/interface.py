from typing import Literal

Interface = Literal["CoSimulation", "ModelExchange"]

INTERFACE_VALUES: set[Interface] = {
    "CoSimulation",
    "ModelExchange",
}


def check_interface(value: str) -> Interface:
    if value in INTERFACE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {INTERFACE_VALUES!r}")
