"""Regenerate the low-level client from the contract: `make sdk`.

Writes src/fmu_gateway_sdk/_generated/ (never edit it by hand) and GENERATED_FROM (the sha256 of
shared-specs/openapi.yaml and the generator version). The generator runs into a temporary directory first,
so a failed run leaves the committed client as it was; the sync test calls `generate()` the same way.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

SDK = Path(__file__).resolve().parents[1]
REPO = SDK.parent
SPEC = REPO / "shared-specs" / "openapi.yaml"
CONFIG = SDK / "openapi-python-client.yaml"
TARGET = SDK / "src" / "fmu_gateway_sdk" / "_generated"
STAMP = SDK / "GENERATED_FROM"
GENERATOR = "openapi-python-client"
# Pinned in pyproject.toml ([test] extra); a different version would produce different code.
GENERATOR_VERSION = "0.29.1"


def spec_sha256(spec: Path = SPEC) -> str:
    return hashlib.sha256(spec.read_bytes()).hexdigest()


def stamp_text(spec: Path = SPEC) -> str:
    return (f"spec: shared-specs/openapi.yaml\nsha256: {spec_sha256(spec)}\n"
            f"generator: {GENERATOR}=={GENERATOR_VERSION}\n")


def generate(out_dir: Path, spec: Path = SPEC) -> None:
    """Generate the client package from `spec` into `out_dir` (which must not exist)."""
    installed = version(GENERATOR)
    if installed != GENERATOR_VERSION:
        raise SystemExit(f"{GENERATOR} {installed} is installed, the SDK pins {GENERATOR_VERSION}: "
                         f"pip install '{GENERATOR}=={GENERATOR_VERSION}'")
    bindir = str(Path(sys.executable).parent)
    # The post hooks call ruff, which lives next to this interpreter in the venv.
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}
    cmd = [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(spec), "--meta", "none",
           "--config", str(CONFIG), "--output-path", str(out_dir)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not (out_dir / "__init__.py").is_file():
        raise SystemExit(f"{GENERATOR} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    for cache in out_dir.rglob("__pycache__"):
        shutil.rmtree(cache)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "_generated"
        generate(fresh)
        if TARGET.exists():
            shutil.rmtree(TARGET)
        shutil.copytree(fresh, TARGET)
    STAMP.write_text(stamp_text())
    print(f"generated {TARGET.relative_to(REPO)} from {SPEC.relative_to(REPO)}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
