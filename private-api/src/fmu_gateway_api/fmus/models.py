"""Model descriptions in memory: parsed once (in the ingest sandbox, at upload), loaded from the database
once per process, and indexed once, so a run never re-reads a large model description.

Bounded: the least recently used descriptions go first when their estimated size passes
`description_cache_bytes`."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache

_BYTES_PER_VARIABLE = 600  # a variable's dict with its strings, and its slot in the name index
_BASE_BYTES = 8192


@dataclass(frozen=True, eq=False)
class Model:
    """One FMU's model description (as stored) and the indexes runs need."""

    sha256: str
    description: dict[str, Any]
    by_name: Mapping[str, dict[str, Any]]
    units: Mapping[str, str]

    @classmethod
    def of(cls, sha256: str, description: dict[str, Any]) -> Model:
        variables = description.get("variables", [])
        return cls(sha256=sha256, description=description, by_name={v["name"]: v for v in variables},
                   units={v["name"]: v["unit"] for v in variables if v.get("unit")})

    @property
    def weight(self) -> int:
        return _BASE_BYTES + _BYTES_PER_VARIABLE * len(self.by_name)


class Models:
    def __init__(self, max_bytes: int) -> None:
        self._cache: LRUCache[str, Model] = LRUCache(maxsize=max(max_bytes, 1), getsizeof=lambda m: m.weight)
        self._max = max_bytes
        self._lock = threading.Lock()

    def get(self, sha256: str, load: Callable[[], dict[str, Any] | None]) -> Model | None:
        """The model of `sha256`, from memory or (once) from `load`; None when `load` finds nothing."""
        with self._lock:
            found = self._cache.get(sha256)
        if found is not None:
            return found
        description = load()
        if description is None:
            return None
        model = Model.of(sha256, description)
        if model.weight <= self._max:  # one larger than the whole budget is used, not kept
            with self._lock:
                self._cache[sha256] = model
        return model
