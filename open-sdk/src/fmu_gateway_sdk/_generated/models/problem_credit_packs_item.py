from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ProblemCreditPacksItem")


@_attrs_define
class ProblemCreditPacksItem:
    """
    Attributes:
        id (str | Unset):
        credits_ (int | Unset):
        price_cents (int | Unset):
    """

    id: str | Unset = UNSET
    credits_: int | Unset = UNSET
    price_cents: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        credits_ = self.credits_

        price_cents = self.price_cents

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if credits_ is not UNSET:
            field_dict["credits"] = credits_
        if price_cents is not UNSET:
            field_dict["price_cents"] = price_cents

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        credits_ = d.pop("credits", UNSET)

        price_cents = d.pop("price_cents", UNSET)

        problem_credit_packs_item = cls(
            id=id,
            credits_=credits_,
            price_cents=price_cents,
        )

        problem_credit_packs_item.additional_properties = d
        return problem_credit_packs_item

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
