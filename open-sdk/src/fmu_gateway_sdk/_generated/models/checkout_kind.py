from typing import Literal

CheckoutKind = Literal["pack", "run"]

CHECKOUT_KIND_VALUES: set[CheckoutKind] = {
    "pack",
    "run",
}


def check_checkout_kind(value: str) -> CheckoutKind:
    if value in CHECKOUT_KIND_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CHECKOUT_KIND_VALUES!r}")
