from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ResultDataData")


@_attrs_define
class ResultDataData:
    """One array per column, one value per time point."""

    additional_properties: dict[str, list[bool | float | int | list[Any] | None | str]] = _attrs_field(
        init=False, factory=dict
    )

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = []
            for additional_property_item_data in prop:
                additional_property_item: bool | float | int | list[Any] | None | str
                if isinstance(additional_property_item_data, list):
                    additional_property_item = additional_property_item_data

                else:
                    additional_property_item = additional_property_item_data
                field_dict[prop_name].append(additional_property_item)

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        result_data_data = cls()

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional_property = []
            _additional_property = prop_dict
            for additional_property_item_data in _additional_property:

                def _parse_additional_property_item(data: object) -> bool | float | int | list[Any] | None | str:
                    if data is None:
                        return data
                    try:
                        if not isinstance(data, list):
                            raise TypeError()
                        additional_property_item_type_1 = cast(list[Any], data)

                        return additional_property_item_type_1
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                    return cast(bool | float | int | list[Any] | None | str, data)

                additional_property_item = _parse_additional_property_item(additional_property_item_data)

                additional_property.append(additional_property_item)

            additional_properties[prop_name] = additional_property

        result_data_data.additional_properties = additional_properties
        return result_data_data

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> list[bool | float | int | list[Any] | None | str]:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: list[bool | float | int | list[Any] | None | str]) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
