"""Fidelity: our own C FMUs that do to their process what real tool exports do (setlocale, chdir, games with
stdout and stderr, umask, a library or symbol that is not there), on every backend, each run as an
unprivileged uid, against FMPy's own answer for the same FMU and settings.

FMPy's answer is computed in a child process of its own: these models change the process they run in.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.conftest import hostile_fmu
from tests.runners.conftest import Gateway

# The sandbox against FMPy, the same whatever the database: their gateway runs on SQLite, in one lane.
pytestmark = pytest.mark.database_independent

_FMPY = """
import json, os, sys
import fmpy
answer = os.dup(1)  # StdioGames closes or redirects stdout
args = json.loads(sys.argv[1])
try:
    r = fmpy.simulate_fmu(args.pop("path"), validate=False, remote_platform=None, **args)
    out = {"columns": list(r.dtype.names), "data": {n: r[n].astype(float).tolist() for n in r.dtype.names}}
except Exception as exc:
    out = {"error": str(exc)}
os.write(answer, ("\\n" + json.dumps(out) + "\\n").encode())
"""


def fmpy_directly(path: str, req: dict[str, Any]) -> dict[str, Any]:
    """FMPy's own result (or its error) for what the gateway ran, in a throwaway process."""
    args = {"path": path, "fmi_type": req["interface"], "start_time": req["start_time"],
            "stop_time": req["stop_time"], "output_interval": req["output_interval"],
            "solver": req["solver"] or "CVode", "relative_tolerance": req["relative_tolerance"],
            "step_size": req["step_size"], "output": req["outputs"], "start_values": req["start_values"] or {}}
    done = subprocess.run([sys.executable, "-c", _FMPY, json.dumps(args)], capture_output=True, check=True,
                          stdin=subprocess.DEVNULL, cwd="/", timeout=120)
    return dict(json.loads(done.stdout.decode().strip().splitlines()[-1]))


def _path(name: str, fmi: int) -> str:
    path = hostile_fmu(name) if fmi == 2 else hostile_fmu(name).parents[1] / "fmi3" / f"{name}.fmu"
    return str(path)


def _unprivileged(gw: Gateway, sim: dict[str, Any]) -> None:
    layers = sim["provenance"]["isolation"]
    if gw.settings.runner == "local" and os.geteuid() == 0:
        assert layers["own_uid"] is True and layers["uid"] >= gw.settings.runner_uid_base
    else:
        assert layers["uid"] != 0


@pytest.mark.parametrize(("name", "outputs", "start_values"), [
    ("SetLocale", ["x", "setlocale_calls"], {}),
    ("ChangeDir", ["x", "chdir_result"], {}),
    ("ChangeDir", ["x", "chdir_result"], {"dir": "/tmp"}),
    ("StdioGames", ["x", "stdio_result", "lines_printed"], {"mode": 1}),
    ("StdioGames", ["x", "stdio_result", "lines_printed"], {"mode": 2}),
    ("StdioGames", ["x", "stdio_result", "lines_printed"], {"mode": 3}),
    ("Umask", ["x", "previous_umask"], {}),
])
@pytest.mark.parametrize(("fmi", "interface"), [(2, "CoSimulation"), (2, "ModelExchange"), (3, "CoSimulation")])
def test_a_model_that_changes_its_process_runs_as_in_fmpy(gw: Gateway, name: str, outputs: list[str],
                                                          start_values: dict[str, Any], fmi: int,
                                                          interface: str) -> None:
    auth = gw.account()
    response = gw.upload(auth, data=Path(_path(name, fmi)).read_bytes(), name=f"{name}.fmu")
    assert response.status_code in (200, 201), response.text
    before = gw.balance(auth)
    sim = gw.simulate(auth, response.json()["id"], interface=interface, outputs=outputs,
                      start_values=start_values)
    assert sim["status"] == "succeeded", sim["error"]
    _unprivileged(gw, sim)
    direct = fmpy_directly(_path(name, fmi), sim["request"])
    assert "error" not in direct, direct
    data = sim["result"]["data"]
    assert sim["result"]["columns"] == direct["columns"]
    for column in direct["columns"]:
        assert np.array_equal(np.asarray(data[column], dtype=float), np.asarray(direct["data"][column])), column
    assert len(data["time"]) == 11
    assert gw.balance(auth) == before - 1


@pytest.mark.parametrize(("name", "names"), [
    ("MissingLib", "libfmugw_missing.so: cannot open shared object file"),
    ("UndefinedSymbol", "undefined symbol: fmugw_not_defined"),
])
@pytest.mark.parametrize(("fmi", "interface"), [(2, "CoSimulation"), (3, "ModelExchange")])
def test_a_library_that_does_not_load_is_model_load_failed(gw: Gateway, name: str, names: str, fmi: int,
                                                           interface: str) -> None:
    auth = gw.account()
    response = gw.upload(auth, data=Path(_path(name, fmi)).read_bytes(), name=f"{name}.fmu")
    assert response.status_code in (200, 201), response.text
    before = gw.balance(auth)
    sim = gw.simulate(auth, response.json()["id"], interface=interface, outputs=["x"])
    assert (sim["status"], sim["error"]["type"]) == ("failed", "model-load-failed"), sim["error"]
    assert names in sim["error"]["detail"]
    assert f"{name}.so" in sim["error"]["detail"]
    assert "fmu-gw" not in sim["error"]["detail"] and "/var/tmp" not in sim["error"]["detail"]
    direct = fmpy_directly(_path(name, fmi), sim["request"])
    assert names in direct["error"]
    assert gw.balance(auth) == before - 1  # the model's own failure: charged
    again = gw.simulate(auth, "lib:BouncingBall")
    assert again["status"] == "succeeded"


def test_runs_read_the_model_description_their_ingest_kept(gw: Gateway) -> None:
    """FMPy's reading of the model description is kept once, beside the cached FMU (ours and read-only, as
    the FMU is), and every run loads it instead of parsing the XML again: with the cached XML turned into
    garbage after the upload, a run still gives FMPy's numbers for the FMU as uploaded."""
    auth = gw.account()
    original = Path(_path("SetLocale", 3))
    data = _with_entry(original, "documentation/kept.txt", b"this FMU's bytes are its own")  # its own cache entry
    response = gw.upload(auth, data=data, name="Kept.fmu")
    assert response.status_code in (200, 201), response.text
    fmus = gw.app.state.ctx.sandbox.fmus
    sha = response.json()["sha256"]
    kept = Path(f"{fmus.path(sha)}.fmpy")
    assert kept.is_file() and kept.stat().st_mode & 0o022 == 0
    if os.geteuid() == 0:
        assert kept.stat().st_uid == 0  # not a sandbox uid that a later run may get
    xml = fmus.path(sha) / "modelDescription.xml"
    xml.chmod(0o644)
    xml.write_text("<not a model description")
    sim = gw.simulate(auth, response.json()["id"], outputs=["x", "setlocale_calls"])
    assert sim["status"] == "succeeded", sim["error"]
    direct = fmpy_directly(str(original), sim["request"])
    for column in direct["columns"]:
        assert np.array_equal(np.asarray(sim["result"]["data"][column], dtype=float),
                              np.asarray(direct["data"][column])), column


def _with_entry(src: Path, name: str, data: bytes) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.writestr(name, data)
    return buf.getvalue()


def _raised(make: Any) -> BaseException:
    try:
        make()
    except BaseException as exc:  # noqa: BLE001
        return exc
    raise AssertionError("nothing raised")


def _fmpy_style(path: str) -> None:
    try:
        raise OSError("libx.so: cannot open shared object file: No such file or directory")
    except Exception as e:
        raise Exception(f"Failed to load shared library {path}. {e}")  # noqa: B904 - FMPy's own way


def test_what_counts_as_a_load_failure() -> None:
    from fmu_sandbox.simulate import _load_failure

    fmu = "/var/fmus/abc"
    assert _load_failure(_raised(lambda: _fmpy_style(f"{fmu}/binaries/linux64/M.so")), fmu) == (
        "Failed to load shared library binaries/linux64/M.so. libx.so: cannot open shared object file: "
        "No such file or directory")
    missing = _raised(lambda: (_ for _ in ()).throw(AttributeError(f"{fmu}/binaries/linux64/M.so: undefined "
                                                                   "symbol: fmi2Instantiate")))
    assert _load_failure(missing, fmu) == "binaries/linux64/M.so: undefined symbol: fmi2Instantiate"
    # a model's own error that merely says so is not a load failure
    assert _load_failure(_raised(lambda: _fail("Failed to load shared library x")), fmu) is None
    assert _load_failure(_raised(lambda: _fail("fmi2DoStep failed with status 3 (error)")), fmu) is None


def _fail(message: str) -> None:
    raise Exception(message)
