from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.checkout_kind import CheckoutKind, check_checkout_kind

T = TypeVar("T", bound="Checkout")


@_attrs_define
class Checkout:
    """
    Attributes:
        session_id (str):
        kind (CheckoutKind):
        pack_id (None | str):
        credits_ (int):
        amount_cents (int):
        currency (str):
        status (str):
        payment_status (str):
        checkout_url (None | str):
        created_at (datetime.datetime):
        paid_at (datetime.datetime | None):
        payment_token (None | str): Pay-per-run sessions, once paid: send as Payment-Token; one run, once, before it
            expires.
        payment_token_expires_at (datetime.datetime | None):
        payment_token_redeemed (bool):
    """

    session_id: str
    kind: CheckoutKind
    pack_id: None | str
    credits_: int
    amount_cents: int
    currency: str
    status: str
    payment_status: str
    checkout_url: None | str
    created_at: datetime.datetime
    paid_at: datetime.datetime | None
    payment_token: None | str
    payment_token_expires_at: datetime.datetime | None
    payment_token_redeemed: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        session_id = self.session_id

        kind: str = self.kind

        pack_id: None | str
        pack_id = self.pack_id

        credits_ = self.credits_

        amount_cents = self.amount_cents

        currency = self.currency

        status = self.status

        payment_status = self.payment_status

        checkout_url: None | str
        checkout_url = self.checkout_url

        created_at = self.created_at.isoformat()

        paid_at: None | str
        if isinstance(self.paid_at, datetime.datetime):
            paid_at = self.paid_at.isoformat()
        else:
            paid_at = self.paid_at

        payment_token: None | str
        payment_token = self.payment_token

        payment_token_expires_at: None | str
        if isinstance(self.payment_token_expires_at, datetime.datetime):
            payment_token_expires_at = self.payment_token_expires_at.isoformat()
        else:
            payment_token_expires_at = self.payment_token_expires_at

        payment_token_redeemed = self.payment_token_redeemed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "session_id": session_id,
                "kind": kind,
                "pack_id": pack_id,
                "credits": credits_,
                "amount_cents": amount_cents,
                "currency": currency,
                "status": status,
                "payment_status": payment_status,
                "checkout_url": checkout_url,
                "created_at": created_at,
                "paid_at": paid_at,
                "payment_token": payment_token,
                "payment_token_expires_at": payment_token_expires_at,
                "payment_token_redeemed": payment_token_redeemed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        session_id = d.pop("session_id")

        kind = check_checkout_kind(d.pop("kind"))

        def _parse_pack_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        pack_id = _parse_pack_id(d.pop("pack_id"))

        credits_ = d.pop("credits")

        amount_cents = d.pop("amount_cents")

        currency = d.pop("currency")

        status = d.pop("status")

        payment_status = d.pop("payment_status")

        def _parse_checkout_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        checkout_url = _parse_checkout_url(d.pop("checkout_url"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_paid_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paid_at_type_0 = datetime.datetime.fromisoformat(data)

                return paid_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        paid_at = _parse_paid_at(d.pop("paid_at"))

        def _parse_payment_token(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        payment_token = _parse_payment_token(d.pop("payment_token"))

        def _parse_payment_token_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                payment_token_expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return payment_token_expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        payment_token_expires_at = _parse_payment_token_expires_at(d.pop("payment_token_expires_at"))

        payment_token_redeemed = d.pop("payment_token_redeemed")

        checkout = cls(
            session_id=session_id,
            kind=kind,
            pack_id=pack_id,
            credits_=credits_,
            amount_cents=amount_cents,
            currency=currency,
            status=status,
            payment_status=payment_status,
            checkout_url=checkout_url,
            created_at=created_at,
            paid_at=paid_at,
            payment_token=payment_token,
            payment_token_expires_at=payment_token_expires_at,
            payment_token_redeemed=payment_token_redeemed,
        )

        checkout.additional_properties = d
        return checkout

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
