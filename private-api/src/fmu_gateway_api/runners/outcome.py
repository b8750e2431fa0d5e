"""What a finished sandbox left behind, turned into a RunOutcome: shared by every backend.

A backend reports how the sandbox ended (an exit code, negative for a signal as `subprocess` does it;
`container_exit_code` converts a container's 128+N convention) and where its `out/` directory is. The
sandbox owns `out/`, so nothing in it is trusted: regular files only, never through a symbolic link,
and size-capped reads.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import IO, Any

import numpy as np

from fmu_gateway_api.runners.base import RunFailure, RunOutcome

EXIT_MODEL_ERROR = 3
EXIT_BAD_JOB = 4
PROVENANCE_KEYS = ("fmpy_version", "wall_time_s", "cpu_time_s", "max_rss_kb", "isolation")


def collect(code: int, out: Path, stream_log: str, *, memory_mb: int, max_output_bytes: int) -> RunOutcome:
    """Classify a sandbox that exited with `code` (negative: killed by that signal)."""
    error_file, outcome_file, result_file = out / "error.json", out / "outcome.json", out / "result.npy"
    if code == EXIT_MODEL_ERROR and _is_regular(error_file):
        err = _read_json(error_file)
        slug = "model-out-of-memory" if err.get("kind") == "memory" else "model-error"
        detail = f"the model failed: {err.get('message', 'unknown error')}"
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
            signal.SIGKILL: ("model-killed", "the sandbox was killed, most likely for exceeding "
                             f"its memory limit of {memory_mb} MiB")}
        slug, detail = reasons.get(sig, ("model-crashed", f"the model died from {name}"))
        return RunOutcome(None, RunFailure(slug, detail), log=stream_log)
    if code == 0 and _is_regular(result_file) and _is_regular(outcome_file):
        size = result_file.stat().st_size
        if size > max_output_bytes:
            return RunOutcome(None, RunFailure(
                "output-too-large", f"the result is {size} bytes, above the limit of "
                f"{max_output_bytes} bytes; use a longer output interval or fewer output variables"))
        try:
            with _open_nofollow(result_file) as fh:
                result = np.load(fh, allow_pickle=False)
        except (ValueError, OSError) as exc:
            return RunOutcome(None, RunFailure("model-error",
                                               f"the sandbox wrote an unreadable result: {exc}"))
        info = _read_json(outcome_file)
        provenance = {k: info[k] for k in PROVENANCE_KEYS if k in info}
        return RunOutcome(result, None, provenance, log=str(info.get("log") or "") + stream_log)
    if code == 0:
        return RunOutcome(None, RunFailure("model-error", "the model ended the sandbox without a result "
                                           "(did it call exit()?)"), log=stream_log)
    if code == EXIT_BAD_JOB:
        return RunOutcome(None, RunFailure("sandbox-failed", "the sandbox could not read its job",
                                           platform=True), log=stream_log)
    return RunOutcome(None, RunFailure("model-crashed", f"the model ended the sandbox with exit code {code}"),
                      log=stream_log)


def timed_out(timeout_s: float, stream_log: str = "") -> RunOutcome:
    return RunOutcome(None, RunFailure(
        "simulation-timeout", f"the simulation did not finish within its timeout of {timeout_s:g} s "
        "and was stopped"), log=stream_log)


def cancelled() -> RunOutcome:
    return RunOutcome(None, RunFailure("simulation-cancelled", "the simulation was cancelled"))


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


def _is_regular(path: Path) -> bool:
    # The sandbox owns out/: never follow a link it may have planted there.
    return path.is_file() and not path.is_symlink()


def _read_json(path: Path) -> dict[str, Any]:
    try:
        with _open_nofollow(path) as fh:
            data = json.loads(fh.read(1 << 20))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _open_nofollow(path: Path) -> IO[bytes]:
    return os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb")


def read_progress(out: Path) -> float | None:
    """The sandbox's out/progress (a number in 0..1), read without following links."""
    try:
        with _open_nofollow(out / "progress") as fh:
            return parse_progress(fh.read(32))
    except OSError:
        return None


def parse_progress(raw: bytes) -> float | None:
    """What the sandbox writes to out/progress (wherever it was carried), as a fraction in 0..1."""
    try:
        return min(max(float(raw), 0.0), 1.0)
    except ValueError:
        return None
