from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SimulationProvenanceType0")


@_attrs_define
class SimulationProvenanceType0:
    """FMU sha256, FMPy version, runner, solver settings, wall and CPU time, the sandbox's isolation
    layers. A sweep's case that ran in one sandbox with other cases of its sweep (one after the other,
    each its own FMU instance) says so in `batch` (`cases`, its `index` among them). A cached result
    (`cached: true`) is an earlier identical run's: of this account (`cached_from` names that
    simulation), or, for library models only, of any account (no `cached_from`).

    """

    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        simulation_provenance_type_0 = cls()

        simulation_provenance_type_0.additional_properties = d
        return simulation_provenance_type_0

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
