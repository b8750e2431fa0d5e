from typing import Literal

KpiSpecKind = Literal["final", "integral", "max", "mean", "min", "rms"]

KPI_SPEC_KIND_VALUES: set[KpiSpecKind] = {
    "final",
    "integral",
    "max",
    "mean",
    "min",
    "rms",
}


def check_kpi_spec_kind(value: str) -> KpiSpecKind:
    if value in KPI_SPEC_KIND_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {KPI_SPEC_KIND_VALUES!r}")
