from typing import Literal

FmuSource = Literal["library", "upload"]

FMU_SOURCE_VALUES: set[FmuSource] = {
    "library",
    "upload",
}


def check_fmu_source(value: str) -> FmuSource:
    if value in FMU_SOURCE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {FMU_SOURCE_VALUES!r}")
