from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.simulation_create import SimulationCreate
    from ..models.sweep_create_cases_type_0_item import SweepCreateCasesType0Item
    from ..models.sweep_create_grid_type_0 import SweepCreateGridType0
    from ..models.sweep_lhs import SweepLhs


T = TypeVar("T", bound="SweepCreate")


@_attrs_define
class SweepCreate:
    """Exactly one of `cases`, `grid` and `lhs`.

    Attributes:
        base (SimulationCreate):
        cases (list[SweepCreateCasesType0Item] | None | Unset): Start-value sets, one per case (over the base's start
            values).
        grid (None | SweepCreateGridType0 | Unset): Value lists by variable name; every combination is a case (the last
            name varies fastest).
        lhs (None | SweepLhs | Unset):
        max_cases (int | None | Unset): Admit only the first max_cases cases (see quoteSweep's affordable_cases).
        callback_url (None | str | Unset): Where to POST the final status once every case of the sweep has ended
            (signed; see the README's "Completion
            callbacks"). http or https; in production never a private, loopback or link-local address.
    """

    base: SimulationCreate
    cases: list[SweepCreateCasesType0Item] | None | Unset = UNSET
    grid: None | SweepCreateGridType0 | Unset = UNSET
    lhs: None | SweepLhs | Unset = UNSET
    max_cases: int | None | Unset = UNSET
    callback_url: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.sweep_create_grid_type_0 import SweepCreateGridType0  # noqa: PLC0415
        from ..models.sweep_lhs import SweepLhs  # noqa: PLC0415

        base = self.base.to_dict()

        cases: list[dict[str, Any]] | None | Unset
        if isinstance(self.cases, Unset):
            cases = UNSET
        elif isinstance(self.cases, list):
            cases = []
            for cases_type_0_item_data in self.cases:
                cases_type_0_item = cases_type_0_item_data.to_dict()
                cases.append(cases_type_0_item)

        else:
            cases = self.cases

        grid: dict[str, Any] | None | Unset
        if isinstance(self.grid, Unset):
            grid = UNSET
        elif isinstance(self.grid, SweepCreateGridType0):
            grid = self.grid.to_dict()
        else:
            grid = self.grid

        lhs: dict[str, Any] | None | Unset
        if isinstance(self.lhs, Unset):
            lhs = UNSET
        elif isinstance(self.lhs, SweepLhs):
            lhs = self.lhs.to_dict()
        else:
            lhs = self.lhs

        max_cases: int | None | Unset
        if isinstance(self.max_cases, Unset):
            max_cases = UNSET
        else:
            max_cases = self.max_cases

        callback_url: None | str | Unset
        if isinstance(self.callback_url, Unset):
            callback_url = UNSET
        else:
            callback_url = self.callback_url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "base": base,
            }
        )
        if cases is not UNSET:
            field_dict["cases"] = cases
        if grid is not UNSET:
            field_dict["grid"] = grid
        if lhs is not UNSET:
            field_dict["lhs"] = lhs
        if max_cases is not UNSET:
            field_dict["max_cases"] = max_cases
        if callback_url is not UNSET:
            field_dict["callback_url"] = callback_url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.simulation_create import SimulationCreate  # noqa: PLC0415
        from ..models.sweep_create_cases_type_0_item import SweepCreateCasesType0Item  # noqa: PLC0415
        from ..models.sweep_create_grid_type_0 import SweepCreateGridType0  # noqa: PLC0415
        from ..models.sweep_lhs import SweepLhs  # noqa: PLC0415

        d = dict(src_dict)
        base = SimulationCreate.from_dict(d.pop("base"))

        def _parse_cases(data: object) -> list[SweepCreateCasesType0Item] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                cases_type_0 = []
                _cases_type_0 = data
                for cases_type_0_item_data in _cases_type_0:
                    cases_type_0_item = SweepCreateCasesType0Item.from_dict(cases_type_0_item_data)

                    cases_type_0.append(cases_type_0_item)

                return cases_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[SweepCreateCasesType0Item] | None | Unset, data)

        cases = _parse_cases(d.pop("cases", UNSET))

        def _parse_grid(data: object) -> None | SweepCreateGridType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                grid_type_0 = SweepCreateGridType0.from_dict(data)

                return grid_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SweepCreateGridType0 | Unset, data)

        grid = _parse_grid(d.pop("grid", UNSET))

        def _parse_lhs(data: object) -> None | SweepLhs | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                lhs_type_0 = SweepLhs.from_dict(data)

                return lhs_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SweepLhs | Unset, data)

        lhs = _parse_lhs(d.pop("lhs", UNSET))

        def _parse_max_cases(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_cases = _parse_max_cases(d.pop("max_cases", UNSET))

        def _parse_callback_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        callback_url = _parse_callback_url(d.pop("callback_url", UNSET))

        sweep_create = cls(
            base=base,
            cases=cases,
            grid=grid,
            lhs=lhs,
            max_cases=max_cases,
            callback_url=callback_url,
        )

        return sweep_create
