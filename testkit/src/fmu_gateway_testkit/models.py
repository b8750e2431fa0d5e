"""The model library built by `make models` (build/models, or FMU_GATEWAY_LIBRARY_DIR)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
LIBRARY_DIR = Path(os.environ.get("FMU_GATEWAY_LIBRARY_DIR", REPO / "build" / "models"))


class ModelsMissing(AssertionError):
    """The library is not built: a set-up failure, never a reason to skip."""


def library_fmu(name: str, fmi: int = 3) -> Path:
    return _existing(LIBRARY_DIR / f"fmi{fmi}" / f"{name}.fmu")


def hostile_fmu(name: str, fmi: int = 2) -> Path:
    """A test FMU of models/testing (hostile, fidelity or framework ones)."""
    return _existing(LIBRARY_DIR / "testing" / f"fmi{fmi}" / f"{name}.fmu")


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise ModelsMissing(f"{path} is missing: run `make models`")
    return path
