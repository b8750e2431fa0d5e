from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.kpi_spec_kind import KpiSpecKind, check_kpi_spec_kind
from ..types import UNSET, Unset

T = TypeVar("T", bound="KpiSpec")


@_attrs_define
class KpiSpec:
    """A figure computed from the result. min, max and final are taken from the samples; mean and rms
    are time-weighted (trapezoidal integral divided by the simulated interval); integral is the
    trapezoidal integral over time. `variable` names a variable or one element of an FMI 3 array
    (`y[2]`, one-based); a whole array gives one figure per element, keyed by element (`max(y[1])`,
    or `<name>[1]` when named). A figure that is not finite (NaN or an infinity) is null.

        Attributes:
            variable (str):
            kind (KpiSpecKind):
            name (None | str | Unset): Key in the kpis object; default kind(variable)
    """

    variable: str
    kind: KpiSpecKind
    name: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        variable = self.variable

        kind: str = self.kind

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "variable": variable,
                "kind": kind,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        variable = d.pop("variable")

        kind = check_kpi_spec_kind(d.pop("kind"))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        kpi_spec = cls(
            variable=variable,
            kind=kind,
            name=name,
        )

        return kpi_spec
