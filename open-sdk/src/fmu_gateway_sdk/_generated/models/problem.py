from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.problem_checks import ProblemChecks
    from ..models.problem_credit_packs_item import ProblemCreditPacksItem
    from ..models.problem_errors_item import ProblemErrorsItem


T = TypeVar("T", bound="Problem")


@_attrs_define
class Problem:
    """RFC 9457 problem details. Extra members depend on the type.

    Attributes:
        type_ (str): Stable: https://fmu-gateway.dev/problems/<slug>
        title (str):
        status (int):
        detail (str):
        instance (str | Unset):
        variable (str | Unset): The variable a simulation request got wrong.
        limit_bytes (int | Unset): request-too-large, fmu-too-large: the limit that was passed
        limit (int | Unset): too-many-keys: the most live keys an account may hold
        account_id (str | Unset): payment-required: the account that has to pay
        payments_enabled (bool | Unset): payment-required: false when this gateway takes no payments (no checkout_url
            will come: an
            operator grants credits).
        checks (ProblemChecks | Unset): Readiness checks, on a not-ready answer.
        price_credits (int | Unset): payment-required: the price of the run
        balance_credits (int | Unset): payment-required: the balance
        currency (str | Unset):
        checkout_url (str | Unset): payment-required: pay for this one run here
        session_id (str | Unset): payment-required: the checkout session to poll
        pay_per_run_cents (int | Unset):
        credit_packs (list[ProblemCreditPacksItem] | Unset):
        errors (list[ProblemErrorsItem] | Unset): Field-level errors of a malformed request.
    """

    type_: str
    title: str
    status: int
    detail: str
    instance: str | Unset = UNSET
    variable: str | Unset = UNSET
    limit_bytes: int | Unset = UNSET
    limit: int | Unset = UNSET
    account_id: str | Unset = UNSET
    payments_enabled: bool | Unset = UNSET
    checks: ProblemChecks | Unset = UNSET
    price_credits: int | Unset = UNSET
    balance_credits: int | Unset = UNSET
    currency: str | Unset = UNSET
    checkout_url: str | Unset = UNSET
    session_id: str | Unset = UNSET
    pay_per_run_cents: int | Unset = UNSET
    credit_packs: list[ProblemCreditPacksItem] | Unset = UNSET
    errors: list[ProblemErrorsItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        title = self.title

        status = self.status

        detail = self.detail

        instance = self.instance

        variable = self.variable

        limit_bytes = self.limit_bytes

        limit = self.limit

        account_id = self.account_id

        payments_enabled = self.payments_enabled

        checks: dict[str, Any] | Unset = UNSET
        if not isinstance(self.checks, Unset):
            checks = self.checks.to_dict()

        price_credits = self.price_credits

        balance_credits = self.balance_credits

        currency = self.currency

        checkout_url = self.checkout_url

        session_id = self.session_id

        pay_per_run_cents = self.pay_per_run_cents

        credit_packs: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.credit_packs, Unset):
            credit_packs = []
            for credit_packs_item_data in self.credit_packs:
                credit_packs_item = credit_packs_item_data.to_dict()
                credit_packs.append(credit_packs_item)

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "title": title,
                "status": status,
                "detail": detail,
            }
        )
        if instance is not UNSET:
            field_dict["instance"] = instance
        if variable is not UNSET:
            field_dict["variable"] = variable
        if limit_bytes is not UNSET:
            field_dict["limit_bytes"] = limit_bytes
        if limit is not UNSET:
            field_dict["limit"] = limit
        if account_id is not UNSET:
            field_dict["account_id"] = account_id
        if payments_enabled is not UNSET:
            field_dict["payments_enabled"] = payments_enabled
        if checks is not UNSET:
            field_dict["checks"] = checks
        if price_credits is not UNSET:
            field_dict["price_credits"] = price_credits
        if balance_credits is not UNSET:
            field_dict["balance_credits"] = balance_credits
        if currency is not UNSET:
            field_dict["currency"] = currency
        if checkout_url is not UNSET:
            field_dict["checkout_url"] = checkout_url
        if session_id is not UNSET:
            field_dict["session_id"] = session_id
        if pay_per_run_cents is not UNSET:
            field_dict["pay_per_run_cents"] = pay_per_run_cents
        if credit_packs is not UNSET:
            field_dict["credit_packs"] = credit_packs
        if errors is not UNSET:
            field_dict["errors"] = errors

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.problem_checks import ProblemChecks  # noqa: PLC0415
        from ..models.problem_credit_packs_item import ProblemCreditPacksItem  # noqa: PLC0415
        from ..models.problem_errors_item import ProblemErrorsItem  # noqa: PLC0415

        d = dict(src_dict)
        type_ = d.pop("type")

        title = d.pop("title")

        status = d.pop("status")

        detail = d.pop("detail")

        instance = d.pop("instance", UNSET)

        variable = d.pop("variable", UNSET)

        limit_bytes = d.pop("limit_bytes", UNSET)

        limit = d.pop("limit", UNSET)

        account_id = d.pop("account_id", UNSET)

        payments_enabled = d.pop("payments_enabled", UNSET)

        _checks = d.pop("checks", UNSET)
        checks: ProblemChecks | Unset
        if isinstance(_checks, Unset):
            checks = UNSET
        else:
            checks = ProblemChecks.from_dict(_checks)

        price_credits = d.pop("price_credits", UNSET)

        balance_credits = d.pop("balance_credits", UNSET)

        currency = d.pop("currency", UNSET)

        checkout_url = d.pop("checkout_url", UNSET)

        session_id = d.pop("session_id", UNSET)

        pay_per_run_cents = d.pop("pay_per_run_cents", UNSET)

        _credit_packs = d.pop("credit_packs", UNSET)
        credit_packs: list[ProblemCreditPacksItem] | Unset = UNSET
        if _credit_packs is not UNSET:
            credit_packs = []
            for credit_packs_item_data in _credit_packs:
                credit_packs_item = ProblemCreditPacksItem.from_dict(credit_packs_item_data)

                credit_packs.append(credit_packs_item)

        _errors = d.pop("errors", UNSET)
        errors: list[ProblemErrorsItem] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = ProblemErrorsItem.from_dict(errors_item_data)

                errors.append(errors_item)

        problem = cls(
            type_=type_,
            title=title,
            status=status,
            detail=detail,
            instance=instance,
            variable=variable,
            limit_bytes=limit_bytes,
            limit=limit,
            account_id=account_id,
            payments_enabled=payments_enabled,
            checks=checks,
            price_credits=price_credits,
            balance_credits=balance_credits,
            currency=currency,
            checkout_url=checkout_url,
            session_id=session_id,
            pay_per_run_cents=pay_per_run_cents,
            credit_packs=credit_packs,
            errors=errors,
        )

        problem.additional_properties = d
        return problem

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
