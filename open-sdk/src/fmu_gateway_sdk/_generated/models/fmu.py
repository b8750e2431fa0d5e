from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.fmu_source import FmuSource, check_fmu_source

if TYPE_CHECKING:
    from ..models.model_info import ModelInfo


T = TypeVar("T", bound="Fmu")


@_attrs_define
class Fmu:
    """
    Attributes:
        id (str): sha256 for uploads, lib:<Name>[@fmi2] for library models
        sha256 (str):
        source (FmuSource):
        filename (str):
        size (int):
        created_at (datetime.datetime | None):
        model (ModelInfo):
        warnings (list[str]): What upload validation found but accepted: schema quirks of tool exports that FMPy
            simulates
            through (e.g. an Enumeration declared continuous). Empty for a clean FMU. Anything that makes
            an FMU unsafe or unrunnable is refused instead (see uploadFmu).
    """

    id: str
    sha256: str
    source: FmuSource
    filename: str
    size: int
    created_at: datetime.datetime | None
    model: ModelInfo
    warnings: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        sha256 = self.sha256

        source: str = self.source

        filename = self.filename

        size = self.size

        created_at: None | str
        if isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        model = self.model.to_dict()

        warnings = self.warnings

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "sha256": sha256,
                "source": source,
                "filename": filename,
                "size": size,
                "created_at": created_at,
                "model": model,
                "warnings": warnings,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_info import ModelInfo  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        sha256 = d.pop("sha256")

        source = check_fmu_source(d.pop("source"))

        filename = d.pop("filename")

        size = d.pop("size")

        def _parse_created_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_at_type_0 = datetime.datetime.fromisoformat(data)

                return created_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        created_at = _parse_created_at(d.pop("created_at"))

        model = ModelInfo.from_dict(d.pop("model"))

        warnings = cast(list[str], d.pop("warnings"))

        fmu = cls(
            id=id,
            sha256=sha256,
            source=source,
            filename=filename,
            size=size,
            created_at=created_at,
            model=model,
            warnings=warnings,
        )

        fmu.additional_properties = d
        return fmu

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
