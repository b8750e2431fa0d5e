"""The published contract, shared-specs/openapi.yaml, read once. The service serves this file, not a
schema generated from its routes; tests prove the two agree."""

from __future__ import annotations

import os
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
