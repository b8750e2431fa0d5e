from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.result_data_data import ResultDataData
    from ..models.result_data_dimensions import ResultDataDimensions
    from ..models.result_data_types import ResultDataTypes
    from ..models.result_data_units import ResultDataUnits


T = TypeVar("T", bound="ResultData")


@_attrs_define
class ResultData:
    """One entry per recorded variable (a column), time first. Numbers are written exactly (shortest
    round-trip form); in a Float column the non-finite numbers are the strings `"NaN"`, `"Infinity"`
    and `"-Infinity"` (JSON has no literal for them). An FMI 3 array variable is one column whose values
    are nested arrays of its `dimensions` (row-major). String outputs are strings; Binary outputs are
    base64 strings. In CSV an array is one column per element (`y[1]`, `y[2]`, ... ; `A[1,2]` for a
    matrix), non-finite numbers are spelled as in JSON, booleans are 0/1.

        Attributes:
            columns (list[str]): time first
            units (ResultDataUnits):
            data (ResultDataData): One array per column, one value per time point.
            types (ResultDataTypes | Unset): Each column's FMI type: Float64, Float32, Int32, ..., Boolean, String, Binary
                (FMI 2 Real is Float64, Integer and Enumeration are Int32). Sent with every result since 0.8; absent from older
                stored results.
            dimensions (ResultDataDimensions | Unset): The array columns only, with the size of each dimension (sent with
                every result since 0.8).
    """

    columns: list[str]
    units: ResultDataUnits
    data: ResultDataData
    types: ResultDataTypes | Unset = UNSET
    dimensions: ResultDataDimensions | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        columns = self.columns

        units = self.units.to_dict()

        data = self.data.to_dict()

        types: dict[str, Any] | Unset = UNSET
        if not isinstance(self.types, Unset):
            types = self.types.to_dict()

        dimensions: dict[str, Any] | Unset = UNSET
        if not isinstance(self.dimensions, Unset):
            dimensions = self.dimensions.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "columns": columns,
                "units": units,
                "data": data,
            }
        )
        if types is not UNSET:
            field_dict["types"] = types
        if dimensions is not UNSET:
            field_dict["dimensions"] = dimensions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.result_data_data import ResultDataData  # noqa: PLC0415
        from ..models.result_data_dimensions import ResultDataDimensions  # noqa: PLC0415
        from ..models.result_data_types import ResultDataTypes  # noqa: PLC0415
        from ..models.result_data_units import ResultDataUnits  # noqa: PLC0415

        d = dict(src_dict)
        columns = cast(list[str], d.pop("columns"))

        units = ResultDataUnits.from_dict(d.pop("units"))

        data = ResultDataData.from_dict(d.pop("data"))

        _types = d.pop("types", UNSET)
        types: ResultDataTypes | Unset
        if isinstance(_types, Unset):
            types = UNSET
        else:
            types = ResultDataTypes.from_dict(_types)

        _dimensions = d.pop("dimensions", UNSET)
        dimensions: ResultDataDimensions | Unset
        if isinstance(_dimensions, Unset):
            dimensions = UNSET
        else:
            dimensions = ResultDataDimensions.from_dict(_dimensions)

        result_data = cls(
            columns=columns,
            units=units,
            data=data,
            types=types,
            dimensions=dimensions,
        )

        result_data.additional_properties = d
        return result_data

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
