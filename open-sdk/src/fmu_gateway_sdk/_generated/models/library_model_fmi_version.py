from typing import Literal

LibraryModelFmiVersion = Literal["2.0", "3.0"]

LIBRARY_MODEL_FMI_VERSION_VALUES: set[LibraryModelFmiVersion] = {
    "2.0",
    "3.0",
}


def check_library_model_fmi_version(value: str) -> LibraryModelFmiVersion:
    if value in LIBRARY_MODEL_FMI_VERSION_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LIBRARY_MODEL_FMI_VERSION_VALUES!r}")
