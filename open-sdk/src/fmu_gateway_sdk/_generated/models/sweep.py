from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sweep_status import SweepStatus, check_sweep_status

if TYPE_CHECKING:
    from ..models.sweep_counts import SweepCounts


T = TypeVar("T", bound="Sweep")


@_attrs_define
class Sweep:
    """
    Attributes:
        id (str):
        status (SweepStatus): completed when every case has ended; cancelled once a cancel was asked for.
        fmu_id (str):
        fmu_sha256 (str):
        case_count (int):
        counts (SweepCounts):
        progress (float): The fraction of cases that have ended.
        price_credits (int): What admission charged (refunds are in the ledger).
        parameters (list[str]): The start values the cases set.
        kpis (list[str]): The KPI columns of the table.
        created_at (datetime.datetime):
        finished_at (datetime.datetime | None):
        results_url (str):
    """

    id: str
    status: SweepStatus
    fmu_id: str
    fmu_sha256: str
    case_count: int
    counts: SweepCounts
    progress: float
    price_credits: int
    parameters: list[str]
    kpis: list[str]
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    results_url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        status: str = self.status

        fmu_id = self.fmu_id

        fmu_sha256 = self.fmu_sha256

        case_count = self.case_count

        counts = self.counts.to_dict()

        progress = self.progress

        price_credits = self.price_credits

        parameters = self.parameters

        kpis = self.kpis

        created_at = self.created_at.isoformat()

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        results_url = self.results_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
                "fmu_id": fmu_id,
                "fmu_sha256": fmu_sha256,
                "case_count": case_count,
                "counts": counts,
                "progress": progress,
                "price_credits": price_credits,
                "parameters": parameters,
                "kpis": kpis,
                "created_at": created_at,
                "finished_at": finished_at,
                "results_url": results_url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.sweep_counts import SweepCounts  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        status = check_sweep_status(d.pop("status"))

        fmu_id = d.pop("fmu_id")

        fmu_sha256 = d.pop("fmu_sha256")

        case_count = d.pop("case_count")

        counts = SweepCounts.from_dict(d.pop("counts"))

        progress = d.pop("progress")

        price_credits = d.pop("price_credits")

        parameters = cast(list[str], d.pop("parameters"))

        kpis = cast(list[str], d.pop("kpis"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        results_url = d.pop("results_url")

        sweep = cls(
            id=id,
            status=status,
            fmu_id=fmu_id,
            fmu_sha256=fmu_sha256,
            case_count=case_count,
            counts=counts,
            progress=progress,
            price_credits=price_credits,
            parameters=parameters,
            kpis=kpis,
            created_at=created_at,
            finished_at=finished_at,
            results_url=results_url,
        )

        sweep.additional_properties = d
        return sweep

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
