from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.complete_job_body_layers_type_0 import CompleteJobBodyLayersType0


T = TypeVar("T", bound="CompleteJobBody")


@_attrs_define
class CompleteJobBody:
    """
    Attributes:
        started (bool): Whether the job passed its gate (model code ran); before it, a failure is the platform's.
        exit_code (int | None | Unset):
        layers (CompleteJobBodyLayersType0 | None | Unset): The isolation layers the job had.
        timed_out (bool | Unset):  Default: False.
        output_too_large (bool | Unset):  Default: False.
        log (str | Unset):  Default: ''.
        error (None | str | Unset):
    """

    started: bool
    exit_code: int | None | Unset = UNSET
    layers: CompleteJobBodyLayersType0 | None | Unset = UNSET
    timed_out: bool | Unset = False
    output_too_large: bool | Unset = False
    log: str | Unset = ""
    error: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.complete_job_body_layers_type_0 import CompleteJobBodyLayersType0  # noqa: PLC0415

        started = self.started

        exit_code: int | None | Unset
        if isinstance(self.exit_code, Unset):
            exit_code = UNSET
        else:
            exit_code = self.exit_code

        layers: dict[str, Any] | None | Unset
        if isinstance(self.layers, Unset):
            layers = UNSET
        elif isinstance(self.layers, CompleteJobBodyLayersType0):
            layers = self.layers.to_dict()
        else:
            layers = self.layers

        timed_out = self.timed_out

        output_too_large = self.output_too_large

        log = self.log

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "started": started,
            }
        )
        if exit_code is not UNSET:
            field_dict["exit_code"] = exit_code
        if layers is not UNSET:
            field_dict["layers"] = layers
        if timed_out is not UNSET:
            field_dict["timed_out"] = timed_out
        if output_too_large is not UNSET:
            field_dict["output_too_large"] = output_too_large
        if log is not UNSET:
            field_dict["log"] = log
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.complete_job_body_layers_type_0 import CompleteJobBodyLayersType0  # noqa: PLC0415

        d = dict(src_dict)
        started = d.pop("started")

        def _parse_exit_code(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        exit_code = _parse_exit_code(d.pop("exit_code", UNSET))

        def _parse_layers(data: object) -> CompleteJobBodyLayersType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                layers_type_0 = CompleteJobBodyLayersType0.from_dict(data)

                return layers_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CompleteJobBodyLayersType0 | None | Unset, data)

        layers = _parse_layers(d.pop("layers", UNSET))

        timed_out = d.pop("timed_out", UNSET)

        output_too_large = d.pop("output_too_large", UNSET)

        log = d.pop("log", UNSET)

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        complete_job_body = cls(
            started=started,
            exit_code=exit_code,
            layers=layers,
            timed_out=timed_out,
            output_too_large=output_too_large,
            log=log,
            error=error,
        )

        return complete_job_body
