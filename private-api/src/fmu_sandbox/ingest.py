"""Ingest one uploaded FMU inside a sandbox: check the archive, unpack it, build its binary from sources
when it ships none, and describe it. Nothing of an upload is opened anywhere else.

Input: `upload.fmu` in the run directory (read-only). Output, in the run directory:

    fmu/                  the unpacked FMU (with the built binary), which the supervisor checks and moves
                          into the read-only FMU cache
    out/description.json  {"description": {...}, "built_from_sources": bool}
    out/fmpy-description.pickle
                          FMPy's own reading of the model description ({"fmpy": version, "description"}),
                          which the supervisor keeps beside the cached FMU for its runs (best effort)
    out/error.json        instead, when the FMU is refused: {"slug", "detail", "status"} and, for a
                          failed build, "build_output" (the compiler's last bytes; the supervisor keeps only
                          the lines about the FMU's own sources) and "build_file"

The whole job runs after the gate (it parses and compiles what a tenant sent): its output is evidence from
the attacker, checked again by the supervisor.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from fmu_sandbox.archive import (
    ArchiveLimits,
    ArchiveRejected,
    expected_binary,
    extract,
    inspect_archive,
    inspect_tree,
)
from fmu_sandbox.protocol import KEPT_DESCRIPTION_FILE
from fmu_sandbox.simulate import write_file, write_json

EXIT_OK = 0
EXIT_REJECTED = 3
BUILD_OUTPUT_CAP = 64 * 1024


def run(message: dict[str, Any], out: str, events: int) -> int:
    job = message["job"]
    run_dir = Path(str(message["run_dir"]))
    limits = ArchiveLimits(**(job.get("archive_limits") or {}))
    try:
        info = inspect_archive(run_dir / "upload.fmu", limits)
        unpacked = run_dir / "fmu"
        unpacked.mkdir()
        extract(run_dir / "upload.fmu", unpacked, limits)
        built = False
        if info.needs_build:
            names = _names(unpacked)
            _build(unpacked, run_dir / "build", info.fmi_version,
                   expected_binary(names, info.fmi_version, info.model_identifiers), names)
            info = inspect_tree(unpacked, limits)
            if info.needs_build:
                raise ArchiveRejected("fmu-build-failed", "the build finished but produced no Linux binary ("
                                      f"{expected_binary(_names(unpacked), info.fmi_version, info.model_identifiers)})")
            built = True
        description = info.to_dict()
        _keep_fmpy_description(unpacked, out)
        write_json(os.path.join(out, "description.json"),
                   {"description": description, "built_from_sources": built})
        return EXIT_OK
    except ArchiveRejected as exc:
        write_json(os.path.join(out, "error.json"), {"slug": exc.slug, "detail": exc.detail[:4000],
                                                     "status": exc.status, **exc.extra})
        return EXIT_REJECTED


def _keep_fmpy_description(unpacked: Path, out: str) -> None:
    """FMPy's reading of the model description, pickled for every run of this FMU: FMPy would otherwise
    parse the XML again in each run (~1 ms warm, ~3 ms in a freshly forked process for a small model). A
    run without it (FMPy could not read the XML, another FMPy version) parses as FMPy always does."""
    try:
        import pickle

        import fmpy

        description = fmpy.read_model_description(str(unpacked), validate=False)
        write_file(os.path.join(out, KEPT_DESCRIPTION_FILE),
                   pickle.dumps({"fmpy": fmpy.__version__, "description": description},
                                protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001 - an optimisation only: the runs read the XML themselves
        pass


def _names(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _build(unpacked: Path, build_dir: Path, fmi_version: str, binary: str, names: list[str]) -> None:
    """FMPy's own build helper (CMake and the system compiler), its output captured for the supervisor.
    It compiles the files the FMU names (FMI 2: <SourceFiles>; FMI 3: sources/buildDescription.xml), so an
    FMU that names none is refused with what it would have needed."""
    from fmpy import read_model_description
    from fmpy.build import build_platform_binary

    md = read_model_description(str(unpacked), validate=False)
    configs = getattr(md, "buildConfigurations", None) or []
    if not configs or not configs[0].sourceFileSets or not configs[0].sourceFileSets[0].sourceFiles:
        where = ("a <SourceFiles> list in <ModelExchange> or <CoSimulation>" if fmi_version.startswith("2.")
                 else "sources/buildDescription.xml with a <SourceFileSet>")
        shipped = [n for n in names if n.startswith("sources/") and n.lower().endswith((".c", ".cc", ".cpp"))]
        listing = f" (it ships {', '.join(shipped[:20])})" if shipped else ""
        raise ArchiveRejected("fmu-build-failed", f"the FMU has no Linux binary ({binary}) and its sources cannot "
                              f"be built: they are not listed; FMI {fmi_version} needs {where} naming the "
                              f"files to compile{listing}")
    build_dir.mkdir()
    log_path = build_dir.parent / "build.log"
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    saved = os.dup(1), os.dup(2)
    os.dup2(log, 1)
    os.dup2(log, 2)
    t0 = time.monotonic()
    try:
        build_platform_binary(str(unpacked), build_dir=str(build_dir))
        failure = None
    except BaseException as exc:  # noqa: BLE001 - CMake or the compiler failed
        failure = exc
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(log)
    if failure is None:
        return
    with open(log_path, "rb") as fh:
        fh.seek(max(0, os.path.getsize(log_path) - BUILD_OUTPUT_CAP))
        output = fh.read().decode("utf-8", "replace")
    import subprocess

    if isinstance(failure, subprocess.CalledProcessError):  # the compiler's own words follow (build_output)
        command = failure.cmd if isinstance(failure.cmd, list) else [str(failure.cmd)]
        reason = f"`{' '.join(str(c) for c in command[:2])}` exited with status {failure.returncode}"
    else:
        reason = f"{type(failure).__name__}: " + str(failure).replace(str(unpacked.parent) + "/", "")[:300]
    rejected = ArchiveRejected("fmu-build-failed", f"building the binary from sources with FMPy's build helper "
                               f"failed after {time.monotonic() - t0:.1f} s ({reason})")
    rejected.extra = {"build_output": output}
    raise rejected
