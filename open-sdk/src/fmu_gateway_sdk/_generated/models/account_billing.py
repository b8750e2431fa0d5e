from typing import Literal

AccountBilling = Literal["metered", "prepaid"]

ACCOUNT_BILLING_VALUES: set[AccountBilling] = {
    "metered",
    "prepaid",
}


def check_account_billing(value: str) -> AccountBilling:
    if value in ACCOUNT_BILLING_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ACCOUNT_BILLING_VALUES!r}")
