"""The published contract, shared-specs/openapi.yaml, read once. The service serves this file, not a
schema generated from its routes; tests prove the two agree."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from fmu_gateway_api.settings import REPO_ROOT


def contract_path() -> Path:
    override = os.environ.get("FMU_GATEWAY_CONTRACT")
    return Path(override) if override else REPO_ROOT / "shared-specs" / "openapi.yaml"


@lru_cache
def contract_yaml() -> bytes:
    return contract_path().read_bytes()


@lru_cache
def contract_json() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(contract_yaml())
    return doc


_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@lru_cache
def _method_table() -> list[tuple[re.Pattern[str], tuple[str, ...]]]:
    table = []
    # A literal segment wins over a template in the same place: /v1/sweeps/quote before /v1/sweeps/{sweep_id}.
    paths = sorted(contract_json().get("paths", {}).items(),
                   key=lambda entry: [part.startswith("{") for part in entry[0].split("/")])
    for path, item in paths:
        pattern = re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path))
        table.append((re.compile(f"^{pattern}$"), tuple(sorted(m.upper() for m in item if m in _METHODS))))
    return table


def allowed_methods(path: str) -> list[str]:
    """The methods the contract lists for this concrete path (with HEAD where GET is), for `Allow`."""
    for pattern, methods in _method_table():
        if pattern.match(path):
            return sorted({*methods, *(("HEAD",) if "GET" in methods else ())})
    return []
