from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ProblemType")


@_attrs_define
class ProblemType:
    """
    Attributes:
        type_ (str): The `type` of problems of this kind
        slug (str):
        status (int | None): The HTTP status; null for a failed simulation's error.type
        title (str):
        meaning (str):
        action (str): What to do about it.
    """

    type_: str
    slug: str
    status: int | None
    title: str
    meaning: str
    action: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        slug = self.slug

        status: int | None
        status = self.status

        title = self.title

        meaning = self.meaning

        action = self.action

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "slug": slug,
                "status": status,
                "title": title,
                "meaning": meaning,
                "action": action,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = d.pop("type")

        slug = d.pop("slug")

        def _parse_status(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        status = _parse_status(d.pop("status"))

        title = d.pop("title")

        meaning = d.pop("meaning")

        action = d.pop("action")

        problem_type = cls(
            type_=type_,
            slug=slug,
            status=status,
            title=title,
            meaning=meaning,
            action=action,
        )

        problem_type.additional_properties = d
        return problem_type

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
