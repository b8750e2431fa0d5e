from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.callback_delivery_event import CallbackDeliveryEvent, check_callback_delivery_event
from ..models.callback_delivery_state import CallbackDeliveryState, check_callback_delivery_state

if TYPE_CHECKING:
    from ..models.callback_attempt import CallbackAttempt


T = TypeVar("T", bound="CallbackDelivery")


@_attrs_define
class CallbackDelivery:
    """
    Attributes:
        id (str): The delivery id (FMU-Gateway-Delivery header, and the body's id): the same on every attempt.
        event (CallbackDeliveryEvent):
        url (str):
        state (CallbackDeliveryState): failed once a day of retries has passed without a 2xx.
        attempts (list[CallbackAttempt]):
        next_attempt_at (datetime.datetime | None):
        delivered_at (datetime.datetime | None):
    """

    id: str
    event: CallbackDeliveryEvent
    url: str
    state: CallbackDeliveryState
    attempts: list[CallbackAttempt]
    next_attempt_at: datetime.datetime | None
    delivered_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        event: str = self.event

        url = self.url

        state: str = self.state

        attempts = []
        for attempts_item_data in self.attempts:
            attempts_item = attempts_item_data.to_dict()
            attempts.append(attempts_item)

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        delivered_at: None | str
        if isinstance(self.delivered_at, datetime.datetime):
            delivered_at = self.delivered_at.isoformat()
        else:
            delivered_at = self.delivered_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "event": event,
                "url": url,
                "state": state,
                "attempts": attempts,
                "next_attempt_at": next_attempt_at,
                "delivered_at": delivered_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.callback_attempt import CallbackAttempt  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        event = check_callback_delivery_event(d.pop("event"))

        url = d.pop("url")

        state = check_callback_delivery_state(d.pop("state"))

        attempts = []
        _attempts = d.pop("attempts")
        for attempts_item_data in _attempts:
            attempts_item = CallbackAttempt.from_dict(attempts_item_data)

            attempts.append(attempts_item)

        def _parse_next_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at"))

        def _parse_delivered_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                delivered_at_type_0 = datetime.datetime.fromisoformat(data)

                return delivered_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        delivered_at = _parse_delivered_at(d.pop("delivered_at"))

        callback_delivery = cls(
            id=id,
            event=event,
            url=url,
            state=state,
            attempts=attempts,
            next_attempt_at=next_attempt_at,
            delivered_at=delivered_at,
        )

        callback_delivery.additional_properties = d
        return callback_delivery

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
