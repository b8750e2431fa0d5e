from typing import Literal

CallbackDeliveryEvent = Literal["simulation.ended", "sweep.ended"]

CALLBACK_DELIVERY_EVENT_VALUES: set[CallbackDeliveryEvent] = {
    "simulation.ended",
    "sweep.ended",
}


def check_callback_delivery_event(value: str) -> CallbackDeliveryEvent:
    if value in CALLBACK_DELIVERY_EVENT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CALLBACK_DELIVERY_EVENT_VALUES!r}")
