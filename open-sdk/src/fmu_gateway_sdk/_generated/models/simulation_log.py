from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.simulation_log_status import SimulationLogStatus, check_simulation_log_status

T = TypeVar("T", bound="SimulationLog")


@_attrs_define
class SimulationLog:
    """
    Attributes:
        simulation_id (str):
        status (SimulationLogStatus):
        lines (list[str]): The log's lines, oldest first (the last `tail` when it was given).
        truncated (bool): Lines were left out (by the per-run cap, or by `tail`).
    """

    simulation_id: str
    status: SimulationLogStatus
    lines: list[str]
    truncated: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        simulation_id = self.simulation_id

        status: str = self.status

        lines = self.lines

        truncated = self.truncated

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "simulation_id": simulation_id,
                "status": status,
                "lines": lines,
                "truncated": truncated,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        simulation_id = d.pop("simulation_id")

        status = check_simulation_log_status(d.pop("status"))

        lines = cast(list[str], d.pop("lines"))

        truncated = d.pop("truncated")

        simulation_log = cls(
            simulation_id=simulation_id,
            status=status,
            lines=lines,
            truncated=truncated,
        )

        simulation_log.additional_properties = d
        return simulation_log

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
