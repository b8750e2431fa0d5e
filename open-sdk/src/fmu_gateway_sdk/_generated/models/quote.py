from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.quote_billing import QuoteBilling, check_quote_billing

T = TypeVar("T", bound="Quote")


@_attrs_define
class Quote:
    """
    Attributes:
        price_credits (int):
        balance_credits (int):
        tier (str):
        billing (QuoteBilling):
        currency (str):
        cached (bool): An identical result is stored; the run would be free.
        sufficient (bool):
    """

    price_credits: int
    balance_credits: int
    tier: str
    billing: QuoteBilling
    currency: str
    cached: bool
    sufficient: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        price_credits = self.price_credits

        balance_credits = self.balance_credits

        tier = self.tier

        billing: str = self.billing

        currency = self.currency

        cached = self.cached

        sufficient = self.sufficient

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "price_credits": price_credits,
                "balance_credits": balance_credits,
                "tier": tier,
                "billing": billing,
                "currency": currency,
                "cached": cached,
                "sufficient": sufficient,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        price_credits = d.pop("price_credits")

        balance_credits = d.pop("balance_credits")

        tier = d.pop("tier")

        billing = check_quote_billing(d.pop("billing"))

        currency = d.pop("currency")

        cached = d.pop("cached")

        sufficient = d.pop("sufficient")

        quote = cls(
            price_credits=price_credits,
            balance_credits=balance_credits,
            tier=tier,
            billing=billing,
            currency=currency,
            cached=cached,
            sufficient=sufficient,
        )

        quote.additional_properties = d
        return quote

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
