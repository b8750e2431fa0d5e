from typing import Literal

SweepQuoteBilling = Literal["metered", "prepaid"]

SWEEP_QUOTE_BILLING_VALUES: set[SweepQuoteBilling] = {
    "metered",
    "prepaid",
}


def check_sweep_quote_billing(value: str) -> SweepQuoteBilling:
    if value in SWEEP_QUOTE_BILLING_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SWEEP_QUOTE_BILLING_VALUES!r}")
