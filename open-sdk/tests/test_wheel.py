"""The wheel installs in a clean venv with only its own dependencies, and the CLI runs from it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import SDK

pytestmark = pytest.mark.slow


def _run(*argv: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=timeout,
                          check=False)
    assert proc.returncode == 0, f"{argv}:\n{proc.stdout}\n{proc.stderr}"
    return proc


def test_wheel_installs_cleanly_and_the_cli_runs(tmp_path: Path) -> None:
    dist, source = tmp_path / "dist", tmp_path / "source"
    # A copy, so that the build leaves nothing in the work tree (and no stale build/ leaks into the wheel).
    skip = shutil.ignore_patterns("build", "*.egg-info", ".*_cache", "__pycache__", "tests", "typescript")
    shutil.copytree(SDK, source, ignore=skip)
    # --no-isolation: the build backend (setuptools>=77, in the test extra) is already here, no download.
    _run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", dist, source)
    wheel = next(dist.glob("fmu_gateway_sdk-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        metadata = zf.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "fmu_gateway_sdk/py.typed" in names
    assert "fmu_gateway_sdk/_generated/client.py" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not [n for n in names if "fmu_gateway_api" in n or "/tests/" in n]
    assert "License-Expression: Apache-2.0" in metadata
    core = [m.group(1).strip() for m in re.finditer(r"^Requires-Dist: ([^;\n]+)$", metadata, re.M)]
    assert sorted(re.split(r"[<>=!~ ]", c)[0] for c in core) == ["attrs", "httpx", "platformdirs"]

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    _run(python, "-m", "pip", "install", "--quiet", "--no-deps", wheel, timeout=180)
    _run(python, "-m", "pip", "install", "--quiet", *core, timeout=300)
    _run(python, "-m", "pip", "check")

    help_text = _run(env_dir / "bin" / "fmu-gateway", "--help").stdout
    assert "exit codes" in help_text
    assert "run" in help_text
    probe = ("import importlib.util as u, fmu_gateway_sdk as s; print(s.__version__, "
             "[m for m in ('fmpy', 'fmu_gateway_api', 'pandas', 'numpy') if u.find_spec(m)])")
    assert _run(python, "-c", probe).stdout.split(" ", 1) == ["0.1.0", "[]\n"]
    # without a gateway, the CLI fails cleanly with the connection exit code
    proc = subprocess.run([env_dir / "bin" / "fmu-gateway", "--url", "http://127.0.0.1:9", "--api-key", "k",
                           "library"], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 6
    assert "Traceback" not in proc.stderr
