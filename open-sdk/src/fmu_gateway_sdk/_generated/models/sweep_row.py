from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sweep_row_status import SweepRowStatus, check_sweep_row_status

if TYPE_CHECKING:
    from ..models.simulation_error import SimulationError
    from ..models.sweep_row_kpis import SweepRowKpis
    from ..models.sweep_row_start_values import SweepRowStartValues


T = TypeVar("T", bound="SweepRow")


@_attrs_define
class SweepRow:
    """
    Attributes:
        case (int):
        simulation_id (str):
        status (SweepRowStatus):
        cached (bool):
        start_values (SweepRowStartValues):
        kpis (SweepRowKpis):
        error (None | SimulationError):
    """

    case: int
    simulation_id: str
    status: SweepRowStatus
    cached: bool
    start_values: SweepRowStartValues
    kpis: SweepRowKpis
    error: None | SimulationError
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.simulation_error import SimulationError  # noqa: PLC0415

        case = self.case

        simulation_id = self.simulation_id

        status: str = self.status

        cached = self.cached

        start_values = self.start_values.to_dict()

        kpis = self.kpis.to_dict()

        error: dict[str, Any] | None
        if isinstance(self.error, SimulationError):
            error = self.error.to_dict()
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "case": case,
                "simulation_id": simulation_id,
                "status": status,
                "cached": cached,
                "start_values": start_values,
                "kpis": kpis,
                "error": error,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.simulation_error import SimulationError  # noqa: PLC0415
        from ..models.sweep_row_kpis import SweepRowKpis  # noqa: PLC0415
        from ..models.sweep_row_start_values import SweepRowStartValues  # noqa: PLC0415

        d = dict(src_dict)
        case = d.pop("case")

        simulation_id = d.pop("simulation_id")

        status = check_sweep_row_status(d.pop("status"))

        cached = d.pop("cached")

        start_values = SweepRowStartValues.from_dict(d.pop("start_values"))

        kpis = SweepRowKpis.from_dict(d.pop("kpis"))

        def _parse_error(data: object) -> None | SimulationError:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = SimulationError.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SimulationError, data)

        error = _parse_error(d.pop("error"))

        sweep_row = cls(
            case=case,
            simulation_id=simulation_id,
            status=status,
            cached=cached,
            start_values=start_values,
            kpis=kpis,
            error=error,
        )

        sweep_row.additional_properties = d
        return sweep_row

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
