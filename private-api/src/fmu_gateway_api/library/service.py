"""Reads the library index written by models/build.py and answers searches."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Describer = Callable[["LibraryModel"], dict[str, Any]]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LibraryModel:
    id: str
    name: str
    fmi_version: str
    interfaces: tuple[str, ...]
    description: str
    tags: tuple[str, ...]
    path: Path
    sha256: str

    def matches(self, query: str) -> bool:
        haystack = " ".join([self.id, self.name, self.description, *self.tags]).lower()
        return all(word in haystack for word in query.lower().split())


@dataclass
class Library:
    root: Path
    models: dict[str, LibraryModel]
    _descriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    describer: Describer | None = None  # an ingest sandbox (here, or a worker's), bound at start-up

    @classmethod
    def load(cls, root: Path) -> Library:
        index = root / "library.json"
        models: dict[str, LibraryModel] = {}
        if not index.is_file():
            log.warning("no model library at %s (run `make models`)", root)
            return cls(root, models)
        for entry in json.loads(index.read_text()):
            model = LibraryModel(
                id=entry["id"], name=entry["name"], fmi_version=entry["fmi_version"],
                interfaces=tuple(entry["interfaces"]), description=entry.get("description", ""),
                tags=tuple(entry.get("tags", ())), path=(root / entry["file"]).resolve(),
                sha256=entry["sha256"],
            )
            models[model.id] = model
        return cls(root, models)

    def search(self, query: str | None) -> list[LibraryModel]:
        found = [m for m in self.models.values() if not query or m.matches(query)]
        return sorted(found, key=lambda m: (m.name, m.fmi_version))

    def get(self, model_id: str) -> LibraryModel | None:
        return self.models.get(model_id)

    def description(self, model: LibraryModel) -> dict[str, Any]:
        """The model description, from the ingest sandbox like any upload's, once per process."""
        with self._lock:
            cached = self._descriptions.get(model.id)
        if cached is not None:
            return cached
        if self.describer is None:
            raise RuntimeError("the library is not bound to a sandbox")
        desc = self.describer(model)
        with self._lock:
            self._descriptions[model.id] = desc
        return desc
