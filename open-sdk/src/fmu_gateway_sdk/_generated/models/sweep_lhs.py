from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.sweep_lhs_ranges import SweepLhsRanges


T = TypeVar("T", bound="SweepLhs")


@_attrs_define
class SweepLhs:
    """Latin-hypercube samples, one stratum per sample in each range, reproducible by seed.

    Attributes:
        ranges (SweepLhsRanges): [low, high] by variable name (Real variables).
        samples (int):
        seed (int | Unset):  Default: 0.
    """

    ranges: SweepLhsRanges
    samples: int
    seed: int | Unset = 0

    def to_dict(self) -> dict[str, Any]:
        ranges = self.ranges.to_dict()

        samples = self.samples

        seed = self.seed

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "ranges": ranges,
                "samples": samples,
            }
        )
        if seed is not UNSET:
            field_dict["seed"] = seed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.sweep_lhs_ranges import SweepLhsRanges  # noqa: PLC0415

        d = dict(src_dict)
        ranges = SweepLhsRanges.from_dict(d.pop("ranges"))

        samples = d.pop("samples")

        seed = d.pop("seed", UNSET)

        sweep_lhs = cls(
            ranges=ranges,
            samples=samples,
            seed=seed,
        )

        return sweep_lhs
