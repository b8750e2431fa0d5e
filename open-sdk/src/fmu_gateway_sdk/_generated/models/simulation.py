from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.simulation_status import SimulationStatus, check_simulation_status
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.result_data import ResultData
    from ..models.simulation_error import SimulationError
    from ..models.simulation_kpis_type_0 import SimulationKpisType0
    from ..models.simulation_provenance_type_0 import SimulationProvenanceType0
    from ..models.simulation_request import SimulationRequest


T = TypeVar("T", bound="Simulation")


@_attrs_define
class Simulation:
    """
    Attributes:
        id (str):
        status (SimulationStatus):
        fmu_id (str):
        fmu_sha256 (str):
        cached (bool): The result was served from an identical earlier run (free): the account's own, or for a library
            model anyone's.
        request (SimulationRequest): The canonical request with every default filled in.
        kpis (None | SimulationKpisType0):
        provenance (None | SimulationProvenanceType0): FMU sha256, FMPy version, runner, solver settings, wall and CPU
            time, the sandbox's isolation
            layers. A sweep's case that ran in one sandbox with other cases of its sweep (one after the other,
            each its own FMU instance) says so in `batch` (`cases`, its `index` among them). A cached result
            (`cached: true`) is an earlier identical run's: of this account (`cached_from` names that
            simulation), or, for library models only, of any account (no `cached_from`).
        error (None | SimulationError):
        created_at (datetime.datetime):
        started_at (datetime.datetime | None):
        finished_at (datetime.datetime | None):
        result_url (None | str):
        progress (float | None | Unset): Fraction of the simulated interval done.
        result (None | ResultData | Unset): The result data, inline in the answer to createSimulation when it succeeded.
    """

    id: str
    status: SimulationStatus
    fmu_id: str
    fmu_sha256: str
    cached: bool
    request: SimulationRequest
    kpis: None | SimulationKpisType0
    provenance: None | SimulationProvenanceType0
    error: None | SimulationError
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    result_url: None | str
    progress: float | None | Unset = UNSET
    result: None | ResultData | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.result_data import ResultData  # noqa: PLC0415
        from ..models.simulation_error import SimulationError  # noqa: PLC0415
        from ..models.simulation_kpis_type_0 import SimulationKpisType0  # noqa: PLC0415
        from ..models.simulation_provenance_type_0 import SimulationProvenanceType0  # noqa: PLC0415

        id = self.id

        status: str = self.status

        fmu_id = self.fmu_id

        fmu_sha256 = self.fmu_sha256

        cached = self.cached

        request = self.request.to_dict()

        kpis: dict[str, Any] | None
        if isinstance(self.kpis, SimulationKpisType0):
            kpis = self.kpis.to_dict()
        else:
            kpis = self.kpis

        provenance: dict[str, Any] | None
        if isinstance(self.provenance, SimulationProvenanceType0):
            provenance = self.provenance.to_dict()
        else:
            provenance = self.provenance

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

        result_url: None | str
        result_url = self.result_url

        progress: float | None | Unset
        if isinstance(self.progress, Unset):
            progress = UNSET
        else:
            progress = self.progress

        result: dict[str, Any] | None | Unset
        if isinstance(self.result, Unset):
            result = UNSET
        elif isinstance(self.result, ResultData):
            result = self.result.to_dict()
        else:
            result = self.result

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
                "fmu_id": fmu_id,
                "fmu_sha256": fmu_sha256,
                "cached": cached,
                "request": request,
                "kpis": kpis,
                "provenance": provenance,
                "error": error,
                "created_at": created_at,
                "started_at": started_at,
                "finished_at": finished_at,
                "result_url": result_url,
            }
        )
        if progress is not UNSET:
            field_dict["progress"] = progress
        if result is not UNSET:
            field_dict["result"] = result

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.result_data import ResultData  # noqa: PLC0415
        from ..models.simulation_error import SimulationError  # noqa: PLC0415
        from ..models.simulation_kpis_type_0 import SimulationKpisType0  # noqa: PLC0415
        from ..models.simulation_provenance_type_0 import SimulationProvenanceType0  # noqa: PLC0415
        from ..models.simulation_request import SimulationRequest  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        status = check_simulation_status(d.pop("status"))

        fmu_id = d.pop("fmu_id")

        fmu_sha256 = d.pop("fmu_sha256")

        cached = d.pop("cached")

        request = SimulationRequest.from_dict(d.pop("request"))

        def _parse_kpis(data: object) -> None | SimulationKpisType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                kpis_type_0 = SimulationKpisType0.from_dict(data)

                return kpis_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SimulationKpisType0, data)

        kpis = _parse_kpis(d.pop("kpis"))

        def _parse_provenance(data: object) -> None | SimulationProvenanceType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                provenance_type_0 = SimulationProvenanceType0.from_dict(data)

                return provenance_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SimulationProvenanceType0, data)

        provenance = _parse_provenance(d.pop("provenance"))

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

        def _parse_result(data: object) -> None | ResultData | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                result_type_0 = ResultData.from_dict(data)

                return result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ResultData | Unset, data)

        result = _parse_result(d.pop("result", UNSET))

        simulation = cls(
            id=id,
            status=status,
            fmu_id=fmu_id,
            fmu_sha256=fmu_sha256,
            cached=cached,
            request=request,
            kpis=kpis,
            provenance=provenance,
            error=error,
            created_at=created_at,
            started_at=started_at,
            finished_at=finished_at,
            result_url=result_url,
            progress=progress,
            result=result,
        )

        simulation.additional_properties = d
        return simulation

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
