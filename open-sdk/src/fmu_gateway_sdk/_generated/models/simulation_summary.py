from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.simulation_summary_status import SimulationSummaryStatus, check_simulation_summary_status
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.simulation_error import SimulationError
    from ..models.simulation_summary_kpis_type_0 import SimulationSummaryKpisType0


T = TypeVar("T", bound="SimulationSummary")


@_attrs_define
class SimulationSummary:
    """A simulation without its request, provenance or result (getSimulation has them).

    Attributes:
        id (str):
        status (SimulationSummaryStatus):
        fmu_id (str):
        fmu_sha256 (str):
        cached (bool):
        kpis (None | SimulationSummaryKpisType0):
        error (None | SimulationError):
        created_at (datetime.datetime):
        started_at (datetime.datetime | None):
        finished_at (datetime.datetime | None):
        url (str): The full simulation (getSimulation).
        result_url (None | str):
        progress (float | None | Unset):
    """

    id: str
    status: SimulationSummaryStatus
    fmu_id: str
    fmu_sha256: str
    cached: bool
    kpis: None | SimulationSummaryKpisType0
    error: None | SimulationError
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    url: str
    result_url: None | str
    progress: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.simulation_error import SimulationError  # noqa: PLC0415
        from ..models.simulation_summary_kpis_type_0 import SimulationSummaryKpisType0  # noqa: PLC0415

        id = self.id

        status: str = self.status

        fmu_id = self.fmu_id

        fmu_sha256 = self.fmu_sha256

        cached = self.cached

        kpis: dict[str, Any] | None
        if isinstance(self.kpis, SimulationSummaryKpisType0):
            kpis = self.kpis.to_dict()
        else:
            kpis = self.kpis

        error: dict[str, Any] | None
        if isinstance(self.error, SimulationError):
            error = self.error.to_dict()
        else:
            error = self.error

        created_at = self.created_at.isoformat()

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        url = self.url

        result_url: None | str
        result_url = self.result_url

        progress: float | None | Unset
        if isinstance(self.progress, Unset):
            progress = UNSET
        else:
            progress = self.progress

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
                "fmu_id": fmu_id,
                "fmu_sha256": fmu_sha256,
                "cached": cached,
                "kpis": kpis,
                "error": error,
                "created_at": created_at,
                "started_at": started_at,
                "finished_at": finished_at,
                "url": url,
                "result_url": result_url,
            }
        )
        if progress is not UNSET:
            field_dict["progress"] = progress

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.simulation_error import SimulationError  # noqa: PLC0415
        from ..models.simulation_summary_kpis_type_0 import SimulationSummaryKpisType0  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        status = check_simulation_summary_status(d.pop("status"))

        fmu_id = d.pop("fmu_id")

        fmu_sha256 = d.pop("fmu_sha256")

        cached = d.pop("cached")

        def _parse_kpis(data: object) -> None | SimulationSummaryKpisType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                kpis_type_0 = SimulationSummaryKpisType0.from_dict(data)

                return kpis_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SimulationSummaryKpisType0, data)

        kpis = _parse_kpis(d.pop("kpis"))

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

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))

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

        url = d.pop("url")

        def _parse_result_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        result_url = _parse_result_url(d.pop("result_url"))

        def _parse_progress(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        progress = _parse_progress(d.pop("progress", UNSET))

        simulation_summary = cls(
            id=id,
            status=status,
            fmu_id=fmu_id,
            fmu_sha256=fmu_sha256,
            cached=cached,
            kpis=kpis,
            error=error,
            created_at=created_at,
            started_at=started_at,
            finished_at=finished_at,
            url=url,
            result_url=result_url,
            progress=progress,
        )

        simulation_summary.additional_properties = d
        return simulation_summary

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
