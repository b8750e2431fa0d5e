from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.interface import Interface, check_interface
from ..models.library_model_fmi_version import LibraryModelFmiVersion, check_library_model_fmi_version

T = TypeVar("T", bound="LibraryModel")


@_attrs_define
class LibraryModel:
    """
    Attributes:
        id (str):
        name (str):
        fmi_version (LibraryModelFmiVersion):
        interfaces (list[Interface]):
        description (str):
        tags (list[str]):
        sha256 (str):
    """

    id: str
    name: str
    fmi_version: LibraryModelFmiVersion
    interfaces: list[Interface]
    description: str
    tags: list[str]
    sha256: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        fmi_version: str = self.fmi_version

        interfaces = []
        for interfaces_item_data in self.interfaces:
            interfaces_item: str = interfaces_item_data
            interfaces.append(interfaces_item)

        description = self.description

        tags = self.tags

        sha256 = self.sha256

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "fmi_version": fmi_version,
                "interfaces": interfaces,
                "description": description,
                "tags": tags,
                "sha256": sha256,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        fmi_version = check_library_model_fmi_version(d.pop("fmi_version"))

        interfaces = []
        _interfaces = d.pop("interfaces")
        for interfaces_item_data in _interfaces:
            interfaces_item = check_interface(interfaces_item_data)

            interfaces.append(interfaces_item)

        description = d.pop("description")

        tags = cast(list[str], d.pop("tags"))

        sha256 = d.pop("sha256")

        library_model = cls(
            id=id,
            name=name,
            fmi_version=fmi_version,
            interfaces=interfaces,
            description=description,
            tags=tags,
            sha256=sha256,
        )

        library_model.additional_properties = d
        return library_model

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
