from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CompleteJobBody")


@_attrs_define
class CompleteJobBody:
    """
    Attributes:
        exit_code (int):
        timed_out (bool | Unset):  Default: False.
        output_too_large (bool | Unset):  Default: False.
        log (str | Unset):  Default: ''.
        error (None | str | Unset):
    """

    exit_code: int
    timed_out: bool | Unset = False
    output_too_large: bool | Unset = False
    log: str | Unset = ""
    error: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        exit_code = self.exit_code

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
                "exit_code": exit_code,
            }
        )
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
        d = dict(src_dict)
        exit_code = d.pop("exit_code")

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
            exit_code=exit_code,
            timed_out=timed_out,
            output_too_large=output_too_large,
            log=log,
            error=error,
        )

        return complete_job_body
