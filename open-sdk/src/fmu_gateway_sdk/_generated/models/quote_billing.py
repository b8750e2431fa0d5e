from typing import Literal

QuoteBilling = Literal["metered", "prepaid"]

QUOTE_BILLING_VALUES: set[QuoteBilling] = {
    "metered",
    "prepaid",
}


def check_quote_billing(value: str) -> QuoteBilling:
    if value in QUOTE_BILLING_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {QUOTE_BILLING_VALUES!r}")
