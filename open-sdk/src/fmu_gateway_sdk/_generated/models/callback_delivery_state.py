from typing import Literal

CallbackDeliveryState = Literal["delivered", "failed", "pending"]

CALLBACK_DELIVERY_STATE_VALUES: set[CallbackDeliveryState] = {
    "delivered",
    "failed",
    "pending",
}


def check_callback_delivery_state(value: str) -> CallbackDeliveryState:
    if value in CALLBACK_DELIVERY_STATE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CALLBACK_DELIVERY_STATE_VALUES!r}")
