"""The supervisor's side of a sandbox template (fmu_sandbox.template): the local fork-server process, or the
template inside a runner container. One reader thread per template turns its events into `SandboxRun`s.

What the supervisor records here is its own observation, never the sandbox's word: whether the job was
delivered, whether the job process passed the gate ("started", said before any model code ran), and how
it ended (its exit status, reported by the run's init or warden, which run no model code). A run that
never passed the gate failed on our side; everything after the gate is the model's.
"""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fmu_sandbox.protocol import LineReader, decode, encode

log = logging.getLogger(__name__)


@dataclass
class SandboxRun:
    """One job in a sandbox, as the supervisor saw it."""

    job_id: str
    assigned: bool = False
    uid: int | None = None
    started: bool = False
    layers: dict[str, Any] | None = None
    setup_error: str | None = None
    error: str | None = None
    progress: float | None = None
    case: int = -1  # a batch: the case it runs now (its word, only ever the next one), since when
    case_started_at: float | None = None
    said_done: bool = False  # the model's word: a hint to read results, never proof of anything
    exit_code: int | None = None
    exit_signal: int | None = None
    lost: bool = False  # the run's init died without a status
    template_died: bool = False
    submitted_at: float = field(default_factory=time.monotonic)
    started_at: float | None = None
    ended_at: float | None = None
    ended: threading.Event = field(default_factory=threading.Event)
    reaped: threading.Event = field(default_factory=threading.Event)
    changed: threading.Event = field(default_factory=threading.Event)  # said done, or ended

    def fate(self) -> str:
        """What ended a run that never passed the gate, in words (for the service's own errors)."""
        if self.setup_error or self.error:
            return str(self.setup_error or self.error)
        if self.template_died:
            return "the sandbox template died"
        if self.exit_signal is not None:
            return f"its process was killed by signal {self.exit_signal} before its sandbox was set up"
        if self.exit_code is not None:
            return f"its process exited with code {self.exit_code} before its sandbox was set up"
        if self.lost:
            return "its process vanished without an exit status"
        return "timeout" if not self.ended.is_set() else "it ended without a word"

    @property
    def exit_status(self) -> int | None:
        """In `subprocess` form: negative for a signal."""
        if self.exit_signal is not None:
            return -self.exit_signal
        return self.exit_code


class TemplateGone(RuntimeError):
    """The template is not running (it died, or the runner is closing)."""


class TemplateConnection:
    """Talks to one template over a byte stream: `send` writes, a reader thread calls `feed`."""

    def __init__(self, name: str, send: Callable[[bytes], None]) -> None:
        self.name = name
        self._send = send
        self.runs: dict[str, SandboxRun] = {}
        self.info: dict[str, Any] = {}
        self.ready = threading.Event()
        self.dead = threading.Event()
        self._lock = threading.Lock()
        self._lines = LineReader(1 << 20)

    # -- requests ------------------------------------------------------------------------------------
    def submit(self, job_id: str, kind: str, run_dir: str, fmu_dir: str | None, limits: dict[str, Any],
               job: dict[str, Any], read_only: list[str] | None = None,
               jobs: list[dict[str, Any]] | None = None) -> SandboxRun:
        run = SandboxRun(job_id)
        with self._lock:
            if self.dead.is_set():
                raise TemplateGone(f"the {self.name} sandbox template is not running")
            self.runs[job_id] = run
        try:
            self._send(encode({"op": "run", "id": job_id, "kind": kind, "run_dir": run_dir, "fmu_dir": fmu_dir,
                               "limits": limits, "job": job, "read_only": read_only or [],
                               **({"jobs": jobs} if jobs is not None else {})}))
        except OSError as exc:
            with self._lock:
                self.runs.pop(job_id, None)
            raise TemplateGone(f"the {self.name} sandbox template is not reachable: {exc}") from None
        return run

    def control(self, message: dict[str, Any]) -> None:
        try:
            self._send(encode(message))
        except OSError:
            pass  # a dead template is restarted with its configuration

    def kill(self, job_id: str) -> None:
        try:
            self._send(encode({"op": "kill", "id": job_id}))
        except OSError:
            pass  # a dead template has killed everything already

    def forget(self, job_id: str) -> None:
        with self._lock:
            self.runs.pop(job_id, None)

    # -- events --------------------------------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        for line in self._lines.feed(data):
            message = decode(line)
            if message is not None:
                self._event(message)

    def _event(self, m: dict[str, Any]) -> None:
        ev = m.get("ev")
        if ev == "ready":
            self.info = m
            self.ready.set()
            return
        with self._lock:
            run = self.runs.get(str(m.get("id")))
        if run is None:
            return
        now = time.monotonic()
        if ev == "assigned":
            run.assigned, run.uid = True, m.get("uid")
        elif ev == "started":
            run.started, run.started_at = True, now
            run.layers = m.get("layers") if isinstance(m.get("layers"), dict) else {}
        elif ev == "progress":
            value = m.get("value")
            if isinstance(value, int | float):
                run.progress = float(value)
        elif ev == "case":
            index = m.get("index")
            if isinstance(index, int) and index == run.case + 1:
                run.case, run.case_started_at, run.progress = index, now, None
        elif ev == "done":
            run.said_done = True
            run.changed.set()
        elif ev in ("setup-failed", "error"):
            if ev == "setup-failed":
                run.setup_error = str(m.get("reason"))[:400]
            else:
                run.error = str(m.get("reason"))[:400]
            self._end(run, now)
            if ev == "error" and not run.assigned:
                run.reaped.set()
        elif ev == "exit":
            if isinstance(m.get("code"), int):
                run.exit_code = m["code"]
            elif isinstance(m.get("signal"), int):
                run.exit_signal = m["signal"]
            else:
                run.lost = True
            self._end(run, now)
        elif ev == "reaped":
            self._end(run, now)
            run.reaped.set()

    @staticmethod
    def _end(run: SandboxRun, now: float) -> None:
        if not run.ended.is_set():
            run.ended_at = now
            run.ended.set()
            run.changed.set()

    def closed(self) -> None:
        """The stream ended: the template is gone, and with it every run it held (PDEATHSIG)."""
        with self._lock:
            self.dead.set()
            runs = list(self.runs.values())
        now = time.monotonic()
        for run in runs:
            if not run.ended.is_set():
                run.template_died = True
            self._end(run, now)
            run.reaped.set()
        self.ready.set()  # nobody waits for a ready that will not come


class LocalTemplate:
    """The fork-server on this host: started on first use, restarted when it dies.

    The template is a child of one long-lived thread of ours: the kernel's parent-death signal follows the
    thread that forked, so the template (and every sandbox with it) dies when that thread, or the service,
    does. The protocol runs over a socketpair; the template's stderr goes to our log."""

    def __init__(self, config: dict[str, Any], *, name: str = "local") -> None:
        self.config = config
        self.name = name
        self._lock = threading.Lock()
        self._conn: TemplateConnection | None = None
        self._closing = False
        self.restarts = 0

    def connection(self, timeout: float = 60.0) -> TemplateConnection:
        with self._lock:
            if self._closing:
                raise TemplateGone("the runner is closing")
            conn = self._conn
            if conn is None or conn.dead.is_set():
                if conn is not None:
                    self.restarts += 1
                    log.warning("the %s sandbox template died; starting a new one", self.name)
                conn = self._start()
                self._conn = conn
        if not conn.ready.wait(timeout) or conn.dead.is_set():
            raise TemplateGone(f"the {self.name} sandbox template did not start")
        return conn

    def _start(self) -> TemplateConnection:
        ours, theirs = socket.socketpair()
        conn = TemplateConnection(self.name, ours.sendall)
        started = threading.Event()
        box: dict[str, Any] = {}

        def serve() -> None:
            # The configuration goes first on the channel, not in the argv (a run can read its own argv).
            argv = [sys.executable, "-I", "-B", "-m", "fmu_sandbox", "serve", "--ctl-fd", str(theirs.fileno())]
            env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1",
                   "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "HOME": "/nonexistent"}
            try:
                proc = subprocess.Popen(argv, pass_fds=[theirs.fileno()], cwd="/", env=env,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, start_new_session=True)
            except OSError as exc:
                box["error"] = exc
                started.set()
                conn.closed()
                return
            theirs.close()
            try:
                ours.sendall(json.dumps(self.config).encode() + b"\n")
            except OSError:
                pass  # it died at once: the reader below sees the end
            box["proc"] = proc
            started.set()
            threading.Thread(target=_drain_stderr, args=(proc, self.name), daemon=True,
                             name=f"{self.name}-template-stderr").start()
            try:
                while data := ours.recv(1 << 16):
                    conn.feed(data)
            except OSError:
                pass
            conn.closed()
            ours.close()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.returncode and not self._closing:
                log.error("the %s sandbox template exited with %s", self.name, proc.returncode)

        thread = threading.Thread(target=serve, name=f"{self.name}-template", daemon=True)
        thread.start()
        started.wait(30)
        if "error" in box:
            raise TemplateGone(f"the sandbox template could not start: {box['error']}")
        self._proc: subprocess.Popen[bytes] = box["proc"]
        self._ours = ours
        return conn

    def running(self) -> bool:
        conn = self._conn
        return conn is not None and conn.ready.is_set() and not conn.dead.is_set()

    def close(self) -> None:
        with self._lock:
            self._closing = True
            conn = self._conn
        if conn is None:
            return
        try:
            self._ours.shutdown(socket.SHUT_WR)  # EOF: the template kills its runs and exits
        except OSError:
            pass
        conn.dead.wait(15)
        if not conn.dead.is_set():
            self._proc.kill()


def _drain_stderr(proc: subprocess.Popen[bytes], name: str) -> None:
    assert proc.stderr is not None
    for raw in proc.stderr:
        line = raw.decode("utf-8", "replace").rstrip()
        if line:
            log.warning("%s sandbox template: %s", name, line[:2000])
    proc.stderr.close()


def wait_until(run: SandboxRun, deadline: float, cancelled: Callable[[], bool] = lambda: False,
               poll_s: float = 0.25) -> bool:
    """Block until the run ends, the deadline passes or `cancelled()`; True when it ended."""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or cancelled():
            return run.ended.is_set()
        if run.ended.wait(min(remaining, poll_s)):
            return True
