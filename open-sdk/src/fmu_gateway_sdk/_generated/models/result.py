from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.result_data_data import ResultDataData
    from ..models.result_data_units import ResultDataUnits


T = TypeVar("T", bound="Result")


@_attrs_define
class Result:
    """
    Attributes:
        columns (list[str]): time first
        units (ResultDataUnits):
        data (ResultDataData): One array per column; non-finite numbers are null.
        simulation_id (str):
    """

    columns: list[str]
    units: ResultDataUnits
    data: ResultDataData
    simulation_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        columns = self.columns

        units = self.units.to_dict()

        data = self.data.to_dict()

        simulation_id = self.simulation_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "columns": columns,
                "units": units,
                "data": data,
                "simulation_id": simulation_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.result_data_data import ResultDataData  # noqa: PLC0415
        from ..models.result_data_units import ResultDataUnits  # noqa: PLC0415

        d = dict(src_dict)
        columns = cast(list[str], d.pop("columns"))

        units = ResultDataUnits.from_dict(d.pop("units"))

        data = ResultDataData.from_dict(d.pop("data"))

        simulation_id = d.pop("simulation_id")

        result = cls(
            columns=columns,
            units=units,
            data=data,
            simulation_id=simulation_id,
        )

        result.additional_properties = d
        return result

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
