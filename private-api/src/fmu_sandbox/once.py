"""One job, start to end, for a process that is not the service: an ECS task (runners/ecs_task.py).

Starts a template (the same fork-server every backend uses) as a child, ingests the FMU archive in one
sandbox, simulates in another, and reports what it saw: whether the job passed its gate, how it ended, and
the layers it had. Stdlib only on this side of the template.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fmu_sandbox.protocol import LineReader, decode, encode

SANDBOX_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "HOME": "/nonexistent"}


class _Template:
    def __init__(self, config: dict[str, Any]) -> None:
        self.sock, theirs = socket.socketpair()
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-B", "-m", "fmu_sandbox", "serve", "--ctl-fd", str(theirs.fileno())],
            pass_fds=[theirs.fileno()], env=SANDBOX_ENV, cwd="/", stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, start_new_session=True)
        theirs.close()
        self.sock.sendall(json.dumps(config).encode() + b"\n")
        self.lines = LineReader(1 << 20)
        self.pending: list[dict[str, Any]] = []

    def next_event(self, timeout: float) -> dict[str, Any] | None:
        deadline = time.monotonic() + timeout
        while not self.pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self.sock.settimeout(remaining)
            try:
                data = self.sock.recv(1 << 16)
            except TimeoutError:
                return None
            if not data:
                return {"ev": "template-died"}
            self.pending += [m for line in self.lines.feed(data) if (m := decode(line)) is not None]
        return self.pending.pop(0)

    def send(self, message: dict[str, Any]) -> None:
        self.sock.sendall(encode(message))

    def close(self) -> None:
        try:
            self.sock.close()
        finally:
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _run(t: _Template, job_id: str, kind: str, run_dir: Path, fmu_dir: Path | None, limits: dict[str, Any],
         job: dict[str, Any], timeout_s: float, stop: threading.Event,
         tick: Callable[[float | None], None] | None) -> dict[str, Any]:
    t.send({"op": "run", "id": job_id, "kind": kind, "run_dir": str(run_dir),
            "fmu_dir": str(fmu_dir) if fmu_dir else None, "limits": limits, "job": job})
    report: dict[str, Any] = {"started": False, "timed_out": False}
    started_at: float | None = None
    submitted = time.monotonic()
    progress: float | None = None
    while True:
        now = time.monotonic()
        if stop.is_set() or (started_at is None and now - submitted > 60) or (
                started_at is not None and now - started_at > timeout_s):
            report["timed_out"] = not stop.is_set() and started_at is not None
            t.send({"op": "kill", "id": job_id})
            stop_deadline = time.monotonic() + 30
            while (m := t.next_event(max(0.0, stop_deadline - time.monotonic()))) is not None:
                if m.get("ev") in ("reaped", "template-died"):
                    break
            return report
        m = t.next_event(0.2)
        if tick is not None:
            tick(progress)
        if m is None:
            continue
        ev = m.get("ev")
        if ev == "template-died":
            report["error"] = "the sandbox template died"
            return report
        if m.get("id") != job_id:
            continue
        if ev == "started":
            report["started"], started_at = True, time.monotonic()
            report["layers"] = m.get("layers")
        elif ev == "progress":
            progress = m.get("value")
        elif ev in ("setup-failed", "error"):
            report["error"] = str(m.get("reason"))[:300]
        elif ev == "exit":
            for key in ("code", "signal", "lost"):
                if key in m:
                    report[key] = m[key]
        elif ev == "reaped":
            return report


def run_job(work: Path, archive: Path, job: dict[str, Any], limits: dict[str, Any], timeout_s: float,
            stop: threading.Event, tick: Callable[[float | None], None] | None = None,
            require: str = "strict") -> dict[str, Any]:
    """Unpack `archive` in one sandbox, simulate `job` in another (outputs in work/run/out)."""
    ingest_dir, run_dir = work / "ingest", work / "run"
    for d in (ingest_dir, run_dir):
        (d / "out").mkdir(parents=True, mode=0o700)
    shutil.copyfile(archive, ingest_dir / "upload.fmu")
    t = _Template({"mode": "auto", "pool": 1, "tmp_is_private": True, "require": require})
    try:
        ready = t.next_event(120)
        if not ready or ready.get("ev") != "ready":
            return {"started": False, "timed_out": False, "error": "the sandbox template did not start"}
        unpack = _run(t, "unpack", "ingest", ingest_dir, None, {**limits, "cpu_seconds": 300},
                      {"archive_limits": {}}, 300, stop, None)
        if unpack.get("code") != 0:
            return {"started": False, "timed_out": False,
                    "error": f"the FMU could not be unpacked: {unpack.get('error') or unpack}"}
        return _run(t, "run", "simulate", run_dir, ingest_dir / "fmu", limits, job, timeout_s, stop, tick)
    finally:
        t.close()


def exit_status(report: dict[str, Any]) -> int | None:
    """The job process's exit status in `subprocess` form (negative: a signal)."""
    if isinstance(report.get("signal"), int):
        return -int(report["signal"])
    if isinstance(report.get("code"), int):
        return int(report["code"])
    return None


__all__ = ["exit_status", "run_job"]
