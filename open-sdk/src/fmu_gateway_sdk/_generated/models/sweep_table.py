from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sweep_table_status import SweepTableStatus, check_sweep_table_status

if TYPE_CHECKING:
    from ..models.sweep_row import SweepRow


T = TypeVar("T", bound="SweepTable")


@_attrs_define
class SweepTable:
    """
    Attributes:
        sweep_id (str):
        status (SweepTableStatus):
        parameters (list[str]):
        kpis (list[str]):
        rows (list[SweepRow]):
    """

    sweep_id: str
    status: SweepTableStatus
    parameters: list[str]
    kpis: list[str]
    rows: list[SweepRow]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sweep_id = self.sweep_id

        status: str = self.status

        parameters = self.parameters

        kpis = self.kpis

        rows = []
        for rows_item_data in self.rows:
            rows_item = rows_item_data.to_dict()
            rows.append(rows_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sweep_id": sweep_id,
                "status": status,
                "parameters": parameters,
                "kpis": kpis,
                "rows": rows,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.sweep_row import SweepRow  # noqa: PLC0415

        d = dict(src_dict)
        sweep_id = d.pop("sweep_id")

        status = check_sweep_table_status(d.pop("status"))

        parameters = cast(list[str], d.pop("parameters"))

        kpis = cast(list[str], d.pop("kpis"))

        rows = []
        _rows = d.pop("rows")
        for rows_item_data in _rows:
            rows_item = SweepRow.from_dict(rows_item_data)

            rows.append(rows_item)

        sweep_table = cls(
            sweep_id=sweep_id,
            status=status,
            parameters=parameters,
            kpis=kpis,
            rows=rows,
        )

        sweep_table.additional_properties = d
        return sweep_table

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
