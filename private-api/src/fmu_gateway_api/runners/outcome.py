"""What a finished sandbox left behind, turned into a RunOutcome: shared by every backend.

A backend reports how the job process ended (an exit code, negative for a signal as `subprocess` does it;
`container_exit_code` converts a container's 128+N convention) and where its `out/` directory is. Only runs
that passed the gate get here: whatever the exit status or the files say, the run is the model's (charged).
The sandbox owns `out/`, so nothing in it is trusted: opened without following links and without blocking
(a FIFO cannot stall us), regular files only, size-capped reads.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
from pathlib import Path
from typing import IO, Any

import numpy as np

from fmu_gateway_api.runners.base import RunFailure, RunOutcome

EXIT_MODEL_ERROR = 3
PROVENANCE_KEYS = ("fmpy_version", "wall_time_s", "cpu_time_s", "max_rss_kb", "isolation")


def header_cap(outputs: list[str]) -> int:
    """The largest .npy header a result of these columns has (one dtype field per column, time first); NumPy
    refuses headers above its own default of 10,000 bytes, which ~500 columns already pass."""
    return 4096 + sum(len(name.encode()) + 64 for name in ["time", *outputs])


def collect(code: int, out: Path, stream_log: str, *, memory_mb: int, max_output_bytes: int,
            outputs: list[str]) -> RunOutcome:
    """Classify a sandbox that exited with `code` (negative: killed by that signal)."""
    error_file, outcome_file, result_file = out / "error.json", out / "outcome.json", out / "result.npy"
    if code == EXIT_MODEL_ERROR and (err := _read_json(error_file)):
        message = str(err.get("message", "unknown error"))[:4000]
        if err.get("kind") == "memory":
            slug, detail = "model-out-of-memory", f"the model ran out of memory (limit {memory_mb} MiB): {message}"
        elif err.get("kind") == "load":
            slug, detail = "model-load-failed", f"the model's binary could not be loaded: {message}"
        else:
            slug, detail = "model-error", f"the model failed: {message}"
        return RunOutcome(None, RunFailure(slug, detail), log=(err.get("log") or "") + stream_log)
    if code < 0:
        sig = -code
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        reasons: dict[int, tuple[str, str]] = {
            signal.SIGSEGV: ("model-crashed", "the model crashed (segmentation fault)"),
            signal.SIGBUS: ("model-crashed", "the model crashed (bus error)"),
            signal.SIGABRT: ("model-crashed", "the model aborted"),
            signal.SIGFPE: ("model-crashed", "the model crashed (floating-point exception)"),
            signal.SIGXCPU: ("simulation-timeout", "the model used up its CPU time limit"),
            signal.SIGKILL: ("model-killed", "the model's process was killed (SIGKILL): by the kernel when "
                             f"memory ran out (limit {memory_mb} MiB), or by the model itself")}
        slug, detail = reasons.get(sig, ("model-crashed", f"the model died from {name}"))
        return RunOutcome(None, RunFailure(slug, detail), log=fmu_log(out) + stream_log)
    if code == 0 and (info := _read_json(outcome_file)):
        try:
            with open_regular(result_file) as fh:
                size = os.fstat(fh.fileno()).st_size
                if size > max_output_bytes:
                    return RunOutcome(None, RunFailure(
                        "output-too-large", f"the result is {size} bytes, above the limit of "
                        f"{max_output_bytes} bytes; use a longer output interval or fewer output variables"))
                result = np.load(fh, allow_pickle=False, max_header_size=header_cap(outputs))
            text = _read_text(out / "text.json", max_output_bytes - size, result, outputs)
        except (ValueError, OSError, EOFError) as exc:
            return RunOutcome(None, RunFailure("model-error",
                                               f"the sandbox wrote an unreadable result: {exc}"))
        provenance = {k: info[k] for k in PROVENANCE_KEYS if k in info}
        return RunOutcome(result, None, provenance, log=str(info.get("log") or "") + stream_log, text=text)
    if code == 0:
        return RunOutcome(None, RunFailure("model-error", "the model ended the sandbox without a result "
                                           "(did it call exit()?)"), log=fmu_log(out) + stream_log)
    return RunOutcome(None, RunFailure("model-crashed", f"the model ended the sandbox with exit code {code}"),
                      log=fmu_log(out) + stream_log)


FMU_LOG_CAP = 12_000


def fmu_log(out: Path) -> str:
    """The FMU's log messages as the sandbox wrote them through (out/fmu.log), for a run that ended before
    it wrote its outcome: the last FMU_LOG_CAP bytes, each line whole."""
    text = read_tail(out / "fmu.log", FMU_LOG_CAP)
    if len(text.encode()) >= FMU_LOG_CAP and "\n" in text:
        text = "... (earlier FMU messages left out)\n" + text.split("\n", 1)[1]
    return text


def _read_text(path: Path, cap: int, result: np.ndarray, outputs: list[str]) -> dict[str, list[Any]]:
    """The String and Binary columns (out/text.json), checked: requested outputs that FMPy's result does not
    hold, one value per row, strings or nested lists of strings. Absent means there are none."""
    if not path.exists() and not path.is_symlink():
        return {}
    raw = read_capped(path, cap + 1)
    if raw is None:
        raise ValueError("text.json is not a regular file")
    if len(raw) > cap:
        raise ValueError("text.json passes the output limit")
    data = json.loads(raw)
    names = set(result.dtype.names or ())
    if not isinstance(data, dict):
        raise ValueError("text.json is not an object")
    for name, values in data.items():
        if name not in outputs or name in names or not isinstance(values, list) or len(values) != len(result):
            raise ValueError(f"text.json has an unexpected column {name[:100]!r}")
        if not all(_strings(v) for v in values):
            raise ValueError(f"text.json column {name[:100]!r} holds something else than strings")
    return data


def _strings(value: Any, depth: int = 0) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, list) and depth < 32 and all(_strings(v, depth + 1) for v in value)


def timed_out(timeout_s: float, stream_log: str = "") -> RunOutcome:
    return RunOutcome(None, RunFailure(
        "simulation-timeout", f"the simulation did not finish within its timeout of {timeout_s:g} s "
        "and was stopped"), log=stream_log)


def cancelled() -> RunOutcome:
    return RunOutcome(None, RunFailure("simulation-cancelled", "the simulation was cancelled"))


def cancelled_unstarted() -> RunOutcome:
    """Cancelled before its sandbox reached it (a batch's later case): nothing of it ran, refunded."""
    return RunOutcome(None, RunFailure("simulation-cancelled", "cancelled before it started", platform=True))


def out_of_memory(memory_mb: int, stream_log: str = "") -> RunOutcome:
    """The kernel's OOM killer stopped the sandbox at its memory (cgroup) limit."""
    return RunOutcome(None, RunFailure(
        "model-out-of-memory", f"the model ran out of memory (limit {memory_mb} MiB) and was stopped"),
        log=stream_log)


def output_too_large(limit: int, stream_log: str = "") -> RunOutcome:
    """The sandbox wrote more than the output limit while it ran (stopped before it finished)."""
    return RunOutcome(None, RunFailure(
        "output-too-large", f"the sandbox wrote more than the limit of {limit} bytes to its output "
        "directory and was stopped; use a longer output interval or fewer output variables"), log=stream_log)


def platform_failure(detail: str) -> RunOutcome:
    """We, not the model, failed: the user is refunded."""
    return RunOutcome(None, RunFailure("sandbox-failed", detail, platform=True))


def container_exit_code(status: int) -> int:
    """A container's exit status in `subprocess` form: 128+N (N a signal) becomes -N."""
    if 128 < status < 128 + 65 and (status - 128) in signal.Signals._value2member_map_:
        return -(status - 128)
    return status


def tree_size(root: Path, cap: int) -> int:
    """Bytes under `root` (links not followed), stopping once above `cap`."""
    total, stack = 0, [str(root)]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                else:
                    total += entry.stat(follow_symlinks=False).st_blocks * 512
            except OSError:
                continue
            if total > cap:
                return total
    return total


def exists(path: Path) -> bool:
    """Something is at `path` itself (a link counts; it is never followed)."""
    try:
        os.lstat(path)
    except OSError:
        return False
    return True


def is_directory(path: Path) -> bool:
    """A directory at `path` itself (never through a link)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def open_regular(path: Path) -> IO[bytes]:
    """Open a file the sandbox wrote: never through a link, never blocking (a FIFO opens at once and is
    refused), and only if it is a regular file. Raises OSError otherwise."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, f"{path.name} is not a regular file")
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def read_capped(path: Path, cap: int) -> bytes | None:
    """At most `cap` bytes of a regular file the sandbox wrote, or None."""
    try:
        with open_regular(path) as fh:
            return fh.read(cap)
    except OSError:
        return None


def read_tail(path: Path, cap: int) -> str:
    """The last `cap` bytes of a regular file the sandbox wrote (its console, say), as text."""
    try:
        with open_regular(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            fh.seek(max(0, size - cap))
            return fh.read(cap).decode("utf-8", "replace")
    except OSError:
        return ""


def _read_json(path: Path, cap: int = 1 << 20) -> dict[str, Any]:
    raw = read_capped(path, cap + 1)
    if raw is None or len(raw) > cap:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def parse_progress(raw: bytes) -> float | None:
    """What the sandbox writes to out/progress (wherever it was carried), as a fraction in 0..1."""
    try:
        return min(max(float(raw), 0.0), 1.0)
    except ValueError:
        return None
