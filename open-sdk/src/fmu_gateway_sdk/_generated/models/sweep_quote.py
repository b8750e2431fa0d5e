from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sweep_quote_billing import SweepQuoteBilling, check_sweep_quote_billing

T = TypeVar("T", bound="SweepQuote")


@_attrs_define
class SweepQuote:
    """
    Attributes:
        case_count (int): The cases the request expands to.
        admitted_cases (int): The cases that would run (max_cases applied).
        cached_cases (int): Admitted cases with a stored identical result (free).
        price_per_run_credits (int):
        price_credits (int): The price of the admitted cases.
        balance_credits (int):
        affordable_cases (int): How many cases (in order) the balance pays for.
        sufficient (bool):
        tier (str):
        billing (SweepQuoteBilling):
        currency (str):
    """

    case_count: int
    admitted_cases: int
    cached_cases: int
    price_per_run_credits: int
    price_credits: int
    balance_credits: int
    affordable_cases: int
    sufficient: bool
    tier: str
    billing: SweepQuoteBilling
    currency: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        case_count = self.case_count

        admitted_cases = self.admitted_cases

        cached_cases = self.cached_cases

        price_per_run_credits = self.price_per_run_credits

        price_credits = self.price_credits

        balance_credits = self.balance_credits

        affordable_cases = self.affordable_cases

        sufficient = self.sufficient

        tier = self.tier

        billing: str = self.billing

        currency = self.currency

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "case_count": case_count,
                "admitted_cases": admitted_cases,
                "cached_cases": cached_cases,
                "price_per_run_credits": price_per_run_credits,
                "price_credits": price_credits,
                "balance_credits": balance_credits,
                "affordable_cases": affordable_cases,
                "sufficient": sufficient,
                "tier": tier,
                "billing": billing,
                "currency": currency,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        case_count = d.pop("case_count")

        admitted_cases = d.pop("admitted_cases")

        cached_cases = d.pop("cached_cases")

        price_per_run_credits = d.pop("price_per_run_credits")

        price_credits = d.pop("price_credits")

        balance_credits = d.pop("balance_credits")

        affordable_cases = d.pop("affordable_cases")

        sufficient = d.pop("sufficient")

        tier = d.pop("tier")

        billing = check_sweep_quote_billing(d.pop("billing"))

        currency = d.pop("currency")

        sweep_quote = cls(
            case_count=case_count,
            admitted_cases=admitted_cases,
            cached_cases=cached_cases,
            price_per_run_credits=price_per_run_credits,
            price_credits=price_credits,
            balance_credits=balance_credits,
            affordable_cases=affordable_cases,
            sufficient=sufficient,
            tier=tier,
            billing=billing,
            currency=currency,
        )

        sweep_quote.additional_properties = d
        return sweep_quote

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
