from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DefaultExperiment")


@_attrs_define
class DefaultExperiment:
    """
    Attributes:
        start_time (float | None):
        stop_time (float | None):
        tolerance (float | None):
        step_size (float | None):
    """

    start_time: float | None
    stop_time: float | None
    tolerance: float | None
    step_size: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        start_time: float | None
        start_time = self.start_time

        stop_time: float | None
        stop_time = self.stop_time

        tolerance: float | None
        tolerance = self.tolerance

        step_size: float | None
        step_size = self.step_size

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "start_time": start_time,
                "stop_time": stop_time,
                "tolerance": tolerance,
                "step_size": step_size,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_start_time(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        start_time = _parse_start_time(d.pop("start_time"))

        def _parse_stop_time(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        stop_time = _parse_stop_time(d.pop("stop_time"))

        def _parse_tolerance(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        tolerance = _parse_tolerance(d.pop("tolerance"))

        def _parse_step_size(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        step_size = _parse_step_size(d.pop("step_size"))

        default_experiment = cls(
            start_time=start_time,
            stop_time=stop_time,
            tolerance=tolerance,
            step_size=step_size,
        )

        default_experiment.additional_properties = d
        return default_experiment

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
