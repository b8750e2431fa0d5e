from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.input_series_signals import InputSeriesSignals


T = TypeVar("T", bound="InputSeries")


@_attrs_define
class InputSeries:
    """Input signals: one time vector and, per input variable, one value per time point. Real inputs
    are interpolated linearly between points and held constant before the first and after the last
    point; integer and boolean inputs are piecewise constant. A repeated time point makes a step.
    An FMI 3 array input takes one list of all its elements (row-major) per time point.

        Attributes:
            time (list[float]):
            signals (InputSeriesSignals):
    """

    time: list[float]
    signals: InputSeriesSignals

    def to_dict(self) -> dict[str, Any]:
        time = self.time

        signals = self.signals.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "time": time,
                "signals": signals,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.input_series_signals import InputSeriesSignals  # noqa: PLC0415

        d = dict(src_dict)
        time = cast(list[float], d.pop("time"))

        signals = InputSeriesSignals.from_dict(d.pop("signals"))

        input_series = cls(
            time=time,
            signals=signals,
        )

        return input_series
