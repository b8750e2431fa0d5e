"""The in-sandbox entry point: runs exactly one simulation job, then exits.

Every backend starts this same file, so a result is the same wherever it ran. It imports nothing from
the service (stdlib, NumPy and FMPy only) and is started with `python -I -B sandbox.py`.

    sandbox.py JOB_JSON            run the job now
    sandbox.py --serve [--uid N]   warm: isolate, import FMPy, then wait for one job path on stdin
    sandbox.py --wait-file PATH    warm: the same, then wait until the job file PATH appears

The job file names everything relative to the scratch directory it lives in. Outputs land in
`out/`: result.npy (a structured array) and outcome.json, or error.json when the model failed.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import sys
import time
import traceback
from pathlib import Path
from typing import Any

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 0x2, 0x4, 0x4000, 0x40000
EXIT_MODEL_ERROR = 3
EXIT_BAD_JOB = 4
LOG_TAIL_CHARS = 20_000

_libc = ctypes.CDLL(None, use_errno=True)
_isolation: dict[str, Any] = {"network": False, "private_tmp": False, "uid": os.getuid()}


def _unshare(flags: int) -> bool:
    return _libc.unshare(ctypes.c_int(flags)) == 0


def _mount_tmpfs(target: str, size_mb: int) -> bool:
    opts = f"size={size_mb}m,mode=1777".encode()
    return _libc.mount(b"tmpfs", target.encode(), b"tmpfs", ctypes.c_ulong(MS_NOSUID | MS_NODEV),
                       ctypes.c_char_p(opts)) == 0


PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """SIGKILL when the service that started us dies, so a killed API leaves no sandbox behind. Set again
    after every change of credentials (the kernel clears it then)."""
    _libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)
    if os.getppid() != parent:  # it died before we asked
        os._exit(137)


def isolate(network: bool) -> None:
    """New network and mount namespaces where the machine allows; record what we got."""
    flags = CLONE_NEWNS | (CLONE_NEWNET if network else 0)
    if _unshare(flags):
        _isolation["network"] = network
        _isolation["mount_ns"] = True
    elif os.getuid() != 0 and _unshare(CLONE_NEWUSER | flags):
        # Unprivileged: a user namespace of our own makes the other namespaces possible.
        _isolation["network"] = network
        _isolation["mount_ns"] = True
        _isolation["user_ns"] = True
    if _isolation.get("mount_ns"):
        _libc.mount(b"none", b"/", None, ctypes.c_ulong(MS_REC | MS_PRIVATE), None)


def enter_job(job: dict[str, Any], uid: int | None) -> None:
    """Private /tmp and /dev/shm, drop to the run's own uid, then the resource limits."""
    limits = job["limits"]
    tmp_mb = int(limits.get("tmp_mb", 256))
    # A scratch directory under /tmp would vanish beneath the private /tmp (FMPy chdirs by path).
    shadowed = os.getcwd().startswith(("/tmp/", "/dev/shm/"))
    if _isolation.get("mount_ns") and not shadowed and _mount_tmpfs("/tmp", tmp_mb):
        _isolation["private_tmp"] = True
        _mount_tmpfs("/dev/shm", min(tmp_mb, 64))
        os.environ["TMPDIR"] = "/tmp"
    elif os.access(os.getcwd(), os.W_OK):
        tmp = Path.cwd() / "tmp"
        tmp.mkdir(exist_ok=True)
        os.environ["TMPDIR"] = str(tmp)
    else:  # a read-only job directory (a container): its /tmp is already a private tmpfs
        os.environ["TMPDIR"] = "/tmp"
    os.environ["HOME"] = os.environ["TMPDIR"]
    import tempfile

    tempfile.tempdir = None  # re-read TMPDIR
    if uid is not None and os.getuid() == 0:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
        _isolation["uid"] = uid
        die_with_parent(_PARENT)
    mb = 1024 * 1024
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cpu = int(limits["cpu_seconds"]) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))
    fsize = int(limits["max_file_mb"]) * mb
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    nproc = int(limits["max_processes"])
    resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    memory = int(limits["memory_mb"]) * mb
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


class _LogTail:
    """FMU log messages, keeping the first and the last part when a model talks too much."""

    def __init__(self) -> None:
        self.head: list[str] = []
        self.tail: list[str] = []
        self.size = 0
        self.dropped = 0

    def __call__(self, _env: Any, instance: Any, status: int, category: Any, message: Any) -> None:
        def text(v: Any) -> str:
            return v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)

        line = f"[{text(category)}] {text(message)}"[:2000]
        if self.size < LOG_TAIL_CHARS // 2:
            self.head.append(line)
            self.size += len(line)
            return
        self.tail.append(line)
        if len(self.tail) > 50:
            self.tail.pop(0)
            self.dropped += 1

    def text(self) -> str:
        middle = [f"... {self.dropped} lines omitted ..."] if self.dropped else []
        return "\n".join(self.head + middle + self.tail)


def _input_array(inputs: dict[str, Any] | None) -> Any:
    import numpy as np

    if not inputs:
        return None
    names = list(inputs["signals"])
    dtype = [("time", np.float64)] + [(n, np.float64) for n in names]
    rows = [tuple([t] + [inputs["signals"][n][i] for n in names]) for i, t in enumerate(inputs["time"])]
    return np.array(rows, dtype=dtype)


class _Progress:
    """Writes the fraction of simulated time to out/progress now and then (atomically), for polling."""

    def __init__(self, out: Path, start: float, stop: float) -> None:
        self.path, self.tmp = out / "progress", out / ".progress"
        self.start, self.span = start, max(stop - start, 1e-300)
        self.last = 0.0

    def __call__(self, t: float, _recorder: Any) -> bool:
        now = time.monotonic()
        if now - self.last >= 0.25:
            self.last = now
            try:
                self.tmp.write_text(f"{min(max((t - self.start) / self.span, 0.0), 1.0):.4f}")
                os.replace(self.tmp, self.path)
            except OSError:
                pass  # progress is a courtesy; a full disk must not fail the run
        return True


def run_job(job: dict[str, Any]) -> int:
    import fmpy
    import numpy as np

    out = Path("out")
    out.mkdir(exist_ok=True)
    log = _LogTail()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    try:
        result = fmpy.simulate_fmu(
            job["fmu"],
            validate=False,
            fmi_type=job["fmi_type"],
            start_time=job["start_time"],
            stop_time=job["stop_time"],
            output_interval=job["output_interval"],
            solver=job["solver"],
            step_size=job.get("step_size"),
            relative_tolerance=job.get("relative_tolerance"),
            start_values=job.get("start_values") or {},
            input=_input_array(job.get("inputs")),
            output=job.get("outputs") or None,
            logger=log,
            step_finished=_Progress(out, float(job["start_time"]), float(job["stop_time"])),
            debug_logging=bool(job.get("debug_logging")),
            remote_platform=None,  # never wine or WSL: a model runs natively or not at all
        )
    except MemoryError:
        _write_json(out / "error.json", {"kind": "memory", "message": "the model ran out of memory "
                                         f"(limit {job['limits']['memory_mb']} MiB)", "log": log.text()})
        return EXIT_MODEL_ERROR
    except Exception as exc:  # any FMU or FMPy failure is the model's own
        _write_json(out / "error.json", {"kind": "model", "message": str(exc) or type(exc).__name__,
                                         "trace": traceback.format_exc(limit=3)[-4000:],
                                         "log": log.text()})
        return EXIT_MODEL_ERROR
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    np.save(out / "result.npy", result, allow_pickle=False)
    _write_json(out / "outcome.json", {
        "fmpy_version": fmpy.__version__,
        "wall_time_s": wall,
        "cpu_time_s": cpu,
        "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "isolation": _isolation,
        "log": log.text(),
    })
    return 0


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data))


def _load_job(path: str) -> dict[str, Any]:
    job_path = Path(path)
    os.chdir(job_path.parent)
    job: dict[str, Any] = json.loads(job_path.read_text())
    return job


# Everything a simulation imports, stdlib included: after the drop to the run's own uid, the
# interpreter's files may be out of reach (a pyenv under /root, say), and a warm sandbox wants them
# paid for before its job arrives anyway.
_PRELOAD = (
    "bz2 ctypes ctypes.util datetime encodings.cp437 encodings.idna gzip inspect ipaddress linecache lzma "
    "pickle platform random shutil stringprep subprocess tempfile textwrap traceback unicodedata "
    "urllib.parse zipfile zlib lxml.etree attr attrs "
    "fmpy fmpy.fmi1 fmpy.fmi2 fmpy.fmi3 fmpy.logging fmpy.model_description fmpy.simulation fmpy.sundials "
    "fmpy.util fmpy.validation numpy numpy.ctypeslib numpy.lib.format numpy.lib.npyio numpy.lib._datasource "
    "numpy.linalg"
).split()


def preload() -> None:
    import importlib

    for name in _PRELOAD:
        importlib.import_module(name)


_PARENT = os.getppid()


def main(argv: list[str]) -> int:
    die_with_parent(_PARENT)
    uid = None
    if "--uid" in argv:
        uid = int(argv[argv.index("--uid") + 1])
    isolate(network="--no-isolate-network" not in argv)
    preload()
    if "--serve" in argv:
        line = sys.stdin.readline().strip()
        if not line:
            return EXIT_BAD_JOB
        job_file = line
    elif "--wait-file" in argv:
        job_file = argv[argv.index("--wait-file") + 1]
        while not os.path.exists(job_file):  # written last, by an atomic rename, once all inputs are in place
            time.sleep(0.005)
    else:
        job_file = argv[-1]
    try:
        job = _load_job(job_file)
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"bad job file {job_file}: {exc}\n")
        return EXIT_BAD_JOB
    enter_job(job, uid)
    return run_job(job)


if __name__ == "__main__":
    sys.stdout.flush()
    code = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # skip interpreter teardown: a model's atexit or broken state cannot change the outcome
