from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="CheckoutCreate")


@_attrs_define
class CheckoutCreate:
    """
    Attributes:
        pack_id (str):
    """

    pack_id: str

    def to_dict(self) -> dict[str, Any]:
        pack_id = self.pack_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "pack_id": pack_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        pack_id = d.pop("pack_id")

        checkout_create = cls(
            pack_id=pack_id,
        )

        return checkout_create
