from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Variable")


@_attrs_define
class Variable:
    """
    Attributes:
        name (str):
        value_reference (int):
        causality (str):
        variability (str):
        type_ (str): FMI type: Real/Integer/Boolean/String/Enumeration (FMI 2), Float64/Int32/... (FMI 3)
        start (bool | float | int | list[bool | float | int | str] | None | str): An array variable's start values: one
            list of all elements, row-major.
        unit (None | str):
        description (None | str):
        initial (None | str | Unset):
        dimensions (list[int] | None | Unset): FMI 3 array variables: the size of each dimension (a structural
            parameter's start value when
            the size is one); null for a scalar. Elements are named one-based, row-major: `y[2]`, `A[1,3]`.
    """

    name: str
    value_reference: int
    causality: str
    variability: str
    type_: str
    start: bool | float | int | list[bool | float | int | str] | None | str
    unit: None | str
    description: None | str
    initial: None | str | Unset = UNSET
    dimensions: list[int] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        value_reference = self.value_reference

        causality = self.causality

        variability = self.variability

        type_ = self.type_

        start: bool | float | int | list[bool | float | int | str] | None | str
        if isinstance(self.start, list):
            start = []
            for start_type_1_item_data in self.start:
                start_type_1_item: bool | float | int | str
                start_type_1_item = start_type_1_item_data
                start.append(start_type_1_item)

        else:
            start = self.start

        unit: None | str
        unit = self.unit

        description: None | str
        description = self.description

        initial: None | str | Unset
        if isinstance(self.initial, Unset):
            initial = UNSET
        else:
            initial = self.initial

        dimensions: list[int] | None | Unset
        if isinstance(self.dimensions, Unset):
            dimensions = UNSET
        elif isinstance(self.dimensions, list):
            dimensions = self.dimensions

        else:
            dimensions = self.dimensions

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "value_reference": value_reference,
                "causality": causality,
                "variability": variability,
                "type": type_,
                "start": start,
                "unit": unit,
                "description": description,
            }
        )
        if initial is not UNSET:
            field_dict["initial"] = initial
        if dimensions is not UNSET:
            field_dict["dimensions"] = dimensions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        value_reference = d.pop("value_reference")

        causality = d.pop("causality")

        variability = d.pop("variability")

        type_ = d.pop("type")

        def _parse_start(data: object) -> bool | float | int | list[bool | float | int | str] | None | str:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                start_type_1 = []
                _start_type_1 = data
                for start_type_1_item_data in _start_type_1:

                    def _parse_start_type_1_item(data: object) -> bool | float | int | str:
                        return cast(bool | float | int | str, data)

                    start_type_1_item = _parse_start_type_1_item(start_type_1_item_data)

                    start_type_1.append(start_type_1_item)

                return start_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(bool | float | int | list[bool | float | int | str] | None | str, data)

        start = _parse_start(d.pop("start"))

        def _parse_unit(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        unit = _parse_unit(d.pop("unit"))

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        def _parse_initial(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        initial = _parse_initial(d.pop("initial", UNSET))

        def _parse_dimensions(data: object) -> list[int] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                dimensions_type_0 = cast(list[int], data)

                return dimensions_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[int] | None | Unset, data)

        dimensions = _parse_dimensions(d.pop("dimensions", UNSET))

        variable = cls(
            name=name,
            value_reference=value_reference,
            causality=causality,
            variability=variability,
            type_=type_,
            start=start,
            unit=unit,
            description=description,
            initial=initial,
            dimensions=dimensions,
        )

        variable.additional_properties = d
        return variable

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
