from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.account_billing import AccountBilling, check_account_billing

if TYPE_CHECKING:
    from ..models.ledger_entry import LedgerEntry


T = TypeVar("T", bound="Account")


@_attrs_define
class Account:
    """
    Attributes:
        account_id (str):
        name (None | str):
        tier (str):
        billing (AccountBilling):
        balance_credits (int):
        currency (str):
        run_price_credits (int):
        created_at (datetime.datetime):
        ledger (list[LedgerEntry]):
    """

    account_id: str
    name: None | str
    tier: str
    billing: AccountBilling
    balance_credits: int
    currency: str
    run_price_credits: int
    created_at: datetime.datetime
    ledger: list[LedgerEntry]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        name: None | str
        name = self.name

        tier = self.tier

        billing: str = self.billing

        balance_credits = self.balance_credits

        currency = self.currency

        run_price_credits = self.run_price_credits

        created_at = self.created_at.isoformat()

        ledger = []
        for ledger_item_data in self.ledger:
            ledger_item = ledger_item_data.to_dict()
            ledger.append(ledger_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account_id": account_id,
                "name": name,
                "tier": tier,
                "billing": billing,
                "balance_credits": balance_credits,
                "currency": currency,
                "run_price_credits": run_price_credits,
                "created_at": created_at,
                "ledger": ledger,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ledger_entry import LedgerEntry  # noqa: PLC0415

        d = dict(src_dict)
        account_id = d.pop("account_id")

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        tier = d.pop("tier")

        billing = check_account_billing(d.pop("billing"))

        balance_credits = d.pop("balance_credits")

        currency = d.pop("currency")

        run_price_credits = d.pop("run_price_credits")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        ledger = []
        _ledger = d.pop("ledger")
        for ledger_item_data in _ledger:
            ledger_item = LedgerEntry.from_dict(ledger_item_data)

            ledger.append(ledger_item)

        account = cls(
            account_id=account_id,
            name=name,
            tier=tier,
            billing=billing,
            balance_credits=balance_credits,
            currency=currency,
            run_price_credits=run_price_credits,
            created_at=created_at,
            ledger=ledger,
        )

        account.additional_properties = d
        return account

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
