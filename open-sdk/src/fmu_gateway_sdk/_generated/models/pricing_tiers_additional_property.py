from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.pricing_tiers_additional_property_billing import (
    PricingTiersAdditionalPropertyBilling,
    check_pricing_tiers_additional_property_billing,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="PricingTiersAdditionalProperty")


@_attrs_define
class PricingTiersAdditionalProperty:
    """
    Attributes:
        billing (PricingTiersAdditionalPropertyBilling):
        run_price_credits (int):
        included_credits (int):
        max_run_seconds (float):
        max_fmu_bytes (int):
        concurrent_runs (int):
        requests_per_minute (int):
        description (str | Unset):
        meter_event_name (str | Unset):
    """

    billing: PricingTiersAdditionalPropertyBilling
    run_price_credits: int
    included_credits: int
    max_run_seconds: float
    max_fmu_bytes: int
    concurrent_runs: int
    requests_per_minute: int
    description: str | Unset = UNSET
    meter_event_name: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        billing: str = self.billing

        run_price_credits = self.run_price_credits

        included_credits = self.included_credits

        max_run_seconds = self.max_run_seconds

        max_fmu_bytes = self.max_fmu_bytes

        concurrent_runs = self.concurrent_runs

        requests_per_minute = self.requests_per_minute

        description = self.description

        meter_event_name = self.meter_event_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "billing": billing,
                "run_price_credits": run_price_credits,
                "included_credits": included_credits,
                "max_run_seconds": max_run_seconds,
                "max_fmu_bytes": max_fmu_bytes,
                "concurrent_runs": concurrent_runs,
                "requests_per_minute": requests_per_minute,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if meter_event_name is not UNSET:
            field_dict["meter_event_name"] = meter_event_name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        billing = check_pricing_tiers_additional_property_billing(d.pop("billing"))

        run_price_credits = d.pop("run_price_credits")

        included_credits = d.pop("included_credits")

        max_run_seconds = d.pop("max_run_seconds")

        max_fmu_bytes = d.pop("max_fmu_bytes")

        concurrent_runs = d.pop("concurrent_runs")

        requests_per_minute = d.pop("requests_per_minute")

        description = d.pop("description", UNSET)

        meter_event_name = d.pop("meter_event_name", UNSET)

        pricing_tiers_additional_property = cls(
            billing=billing,
            run_price_credits=run_price_credits,
            included_credits=included_credits,
            max_run_seconds=max_run_seconds,
            max_fmu_bytes=max_fmu_bytes,
            concurrent_runs=concurrent_runs,
            requests_per_minute=requests_per_minute,
            description=description,
            meter_event_name=meter_event_name,
        )

        pricing_tiers_additional_property.additional_properties = d
        return pricing_tiers_additional_property

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
