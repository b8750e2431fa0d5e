from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.pricing_credit_packs_item import PricingCreditPacksItem
    from ..models.pricing_pay_per_run import PricingPayPerRun
    from ..models.pricing_tiers import PricingTiers


T = TypeVar("T", bound="Pricing")


@_attrs_define
class Pricing:
    """
    Attributes:
        version (int):
        currency (str):
        default_tier (str):
        tiers (PricingTiers):
        credit_packs (list[PricingCreditPacksItem]):
        pay_per_run (PricingPayPerRun):
    """

    version: int
    currency: str
    default_tier: str
    tiers: PricingTiers
    credit_packs: list[PricingCreditPacksItem]
    pay_per_run: PricingPayPerRun
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        version = self.version

        currency = self.currency

        default_tier = self.default_tier

        tiers = self.tiers.to_dict()

        credit_packs = []
        for credit_packs_item_data in self.credit_packs:
            credit_packs_item = credit_packs_item_data.to_dict()
            credit_packs.append(credit_packs_item)

        pay_per_run = self.pay_per_run.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "version": version,
                "currency": currency,
                "default_tier": default_tier,
                "tiers": tiers,
                "credit_packs": credit_packs,
                "pay_per_run": pay_per_run,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pricing_credit_packs_item import PricingCreditPacksItem  # noqa: PLC0415
        from ..models.pricing_pay_per_run import PricingPayPerRun  # noqa: PLC0415
        from ..models.pricing_tiers import PricingTiers  # noqa: PLC0415

        d = dict(src_dict)
        version = d.pop("version")

        currency = d.pop("currency")

        default_tier = d.pop("default_tier")

        tiers = PricingTiers.from_dict(d.pop("tiers"))

        credit_packs = []
        _credit_packs = d.pop("credit_packs")
        for credit_packs_item_data in _credit_packs:
            credit_packs_item = PricingCreditPacksItem.from_dict(credit_packs_item_data)

            credit_packs.append(credit_packs_item)

        pay_per_run = PricingPayPerRun.from_dict(d.pop("pay_per_run"))

        pricing = cls(
            version=version,
            currency=currency,
            default_tier=default_tier,
            tiers=tiers,
            credit_packs=credit_packs,
            pay_per_run=pay_per_run,
        )

        pricing.additional_properties = d
        return pricing

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
