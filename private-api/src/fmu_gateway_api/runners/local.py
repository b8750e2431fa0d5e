"""Local backend: one fresh OS process per run (the embedded default, no Docker needed).

Isolation per run: its own scratch directory, a scrubbed environment, new network and mount namespaces
with a private /tmp where the machine allows, its own uid when we run as root (so every process it
forks can be found and killed), rlimits on memory, CPU, file size and processes, and a hard wall-clock
kill of the whole process group. A warm pool keeps pre-started sandboxes that have already paid the
Python and FMPy imports; each takes exactly one job, then exits and is replaced.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from fmu_gateway_api.runners.base import SANDBOX_ENTRY, JobSpec, RunFailure, RunOutcome
from fmu_gateway_api.runners.outcome import cancelled, collect, read_progress
from fmu_gateway_api.runners.outcome import timed_out as timed_out_outcome
from fmu_gateway_api.settings import Settings

log = logging.getLogger(__name__)
_STREAM_CAP = 64 * 1024


class _Drain(threading.Thread):
    """Reads a pipe to its end, keeping only the last bytes: a chatty model cannot fill our memory."""

    def __init__(self, stream: IO[bytes]) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.buf = bytearray()
        self.total = 0

    def run(self) -> None:
        for chunk in iter(lambda: self.stream.read(65536), b""):
            self.total += len(chunk)
            self.buf += chunk
            if len(self.buf) > _STREAM_CAP:
                del self.buf[: len(self.buf) - _STREAM_CAP]
        self.stream.close()

    def text(self) -> str:
        return self.buf.decode("utf-8", "replace")


class _Spawner(threading.Thread):
    """Starts every sandbox from one long-lived thread. Sandboxes ask the kernel to SIGKILL them when
    their parent dies (PR_SET_PDEATHSIG), and "parent" there means the thread that forked them: spawned
    from short-lived threads they would die early; from this one they die with the service."""

    def __init__(self) -> None:
        super().__init__(name="sandbox-spawner", daemon=True)
        self._requests: queue.Queue[tuple[Future[subprocess.Popen[bytes]], list[str], dict[str, Any]] | None] = (
            queue.Queue())
        self.start()

    def run(self) -> None:
        while (request := self._requests.get()) is not None:
            future, argv, kwargs = request
            try:
                future.set_result(subprocess.Popen(argv, **kwargs))
            except BaseException as exc:  # handed to the caller
                future.set_exception(exc)

    def popen(self, argv: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        future: Future[subprocess.Popen[bytes]] = Future()
        self._requests.put((future, argv, kwargs))
        return future.result(timeout=30)

    def stop(self) -> None:
        self._requests.put(None)


UID_BLOCK = 256
UID_BLOCKS = 64


def _claim_uid_block(base: int, slots: int) -> tuple[int, IO[bytes]]:
    """Lock the first free block of sandbox uids on this host (the lock dies with the process)."""
    import fcntl

    if slots > UID_BLOCK:
        raise ValueError(f"at most {UID_BLOCK} sandboxes per process")
    directory = Path("/run/fmu-gateway") if os.access("/run", os.W_OK) else Path("/var/tmp/fmu-gateway-locks")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    for block in range(UID_BLOCKS):
        fh = (directory / f"uids-{base}-{block}.lock").open("ab")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            continue
        return base + block * UID_BLOCK, fh
    raise RuntimeError(f"all {UID_BLOCKS} sandbox uid blocks on this host are taken")


def _kill_orphans(uids: range) -> None:
    """Sandboxes left by a service that died (kill -9): every process of our sandbox uids."""
    found = set()
    with os.scandir("/proc") as entries:
        for entry in entries:
            if entry.name.isdigit():
                try:
                    uid = os.stat(entry.path).st_uid
                except OSError:
                    continue
                if uid in uids:
                    found.add(uid)
    for uid in found:
        log.warning("killing orphaned sandbox processes of uid %s", uid)
        _kill_uid(uid)


def _kill_uid(uid: int) -> None:
    """SIGKILL every process of a sandbox uid, from here (as root): a run that hit its process limit
    could not even start a `kill` under its own uid. Forks racing the sweep are caught by the next one;
    the process limit keeps the number finite."""
    for _ in range(50):
        pids = _pids_of(uid)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.005)
    log.error("processes of sandbox uid %s survived 50 kill sweeps", uid)


def _pids_of(uid: int) -> list[int]:
    """Live processes of `uid` (zombies are dead already: they wait for their reaper, not for us)."""
    pids = []
    with os.scandir("/proc") as entries:
        for entry in entries:
            if entry.name.isdigit():
                try:
                    if os.stat(entry.path).st_uid == uid and not _is_zombie(entry.path):
                        pids.append(int(entry.name))
                except OSError:
                    continue
    return pids


def _is_zombie(proc_dir: str) -> bool:
    with open(f"{proc_dir}/stat", "rb") as fh:
        return fh.read().rpartition(b")")[2].split()[0] == b"Z"


@dataclass
class _Sandbox:
    proc: subprocess.Popen[bytes]
    uid: int | None
    warm: bool
    out: _Drain
    err: _Drain


class LocalRunner:
    name = "local"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._as_root = os.geteuid() == 0
        self.scratch = scratch_root(settings, self._as_root)
        slots = settings.runner_concurrency + settings.runner_warm_pool + 2
        self._free_uids: queue.Queue[int] = queue.Queue()
        self._uid_lock: IO[bytes] | None = None
        if self._as_root:
            # Each service process on this host owns a block of uids of its own: killing "every process
            # of uid X" must never reach a sandbox of another process.
            base, self._uid_lock = _claim_uid_block(settings.runner_uid_base, slots)
            for i in range(slots):
                self._free_uids.put(base + i)
            _kill_orphans(range(base, base + UID_BLOCK))
        self._spawner = _Spawner()
        self._warm: queue.Queue[_Sandbox] = queue.Queue()
        self._running: dict[str, _Sandbox] = {}
        self._workdirs: dict[str, Path] = {}
        self._cancelled: set[str] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(settings.runner_warm_pool):
            self._refill()

    # -- sandboxes ---------------------------------------------------------------------------------
    def _spawn(self, warm: bool, job_file: Path | None = None) -> _Sandbox:
        uid = self._free_uids.get(timeout=30) if self._as_root else None
        argv = [sys.executable, "-I", "-B", str(SANDBOX_ENTRY)]
        if uid is not None:
            argv += ["--uid", str(uid)]
        if not self.settings.runner_network_isolation:
            argv.append("--no-isolate-network")
        argv += ["--serve"] if warm else [str(job_file)]
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "HOME": "/nonexistent"}
        proc = self._spawner.popen(
            argv, stdin=subprocess.PIPE if warm else subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=env, cwd="/", start_new_session=True, close_fds=True,
        )
        assert proc.stdout is not None
        assert proc.stderr is not None
        out, err = _Drain(proc.stdout), _Drain(proc.stderr)
        out.start()
        err.start()
        return _Sandbox(proc=proc, uid=uid, warm=warm, out=out, err=err)

    def _refill(self) -> None:
        if self._closed or self.settings.runner_warm_pool <= 0:
            return
        try:
            self._warm.put(self._spawn(warm=True))
        except (OSError, queue.Empty):
            log.exception("could not start a warm sandbox")

    def _take_warm(self) -> _Sandbox | None:
        while True:
            try:
                box = self._warm.get_nowait()
            except queue.Empty:
                return None
            if box.proc.poll() is None:
                return box
            self._reap(box)

    def _kill(self, box: _Sandbox) -> None:
        """Kill the sandbox and everything it started."""
        with _suppress():
            os.killpg(box.proc.pid, signal.SIGKILL)
        if box.uid is not None:
            # Anything forked under the run's own uid, even after setsid(), dies here.
            _kill_uid(box.uid)

    def _reap(self, box: _Sandbox) -> None:
        """Kill the sandbox, wait for it and give its uid back."""
        self._kill(box)
        if box.proc.stdin is not None and not box.proc.stdin.closed:
            with _suppress():
                box.proc.stdin.close()
        with _suppress():
            box.proc.wait(timeout=5)
        box.out.join(timeout=2)
        box.err.join(timeout=2)
        if box.uid is not None:
            self._free_uids.put(box.uid)

    # -- Runner --------------------------------------------------------------------------------------
    def run(self, job: JobSpec) -> RunOutcome:
        t0 = time.perf_counter()
        workdir = self.scratch / f"{job.job_id}-{uuid.uuid4().hex[:8]}"
        workdir.mkdir(mode=0o700)
        box: _Sandbox | None = None
        try:
            box = self._take_warm()
            warm = box is not None
            uid = box.uid if box else None
            if box is None and self._as_root:
                uid = None  # decided by _spawn below; chown after
            job_file = self._prepare(job, workdir)
            if box is None:
                box = self._spawn(warm=False, job_file=job_file)
                uid = box.uid
            if uid is not None:
                _chown_tree(workdir, uid)
            if warm:
                assert box.proc.stdin is not None
                box.proc.stdin.write(f"{job_file}\n".encode())
                box.proc.stdin.close()
                threading.Thread(target=self._refill, daemon=True).start()
            with self._lock:
                self._running[job.job_id] = box
                self._workdirs[job.job_id] = workdir
            outcome = self._wait(job, box, workdir)
            outcome.provenance.update({"runner": self.name, "warm_start": warm,
                                       "total_wall_time_s": round(time.perf_counter() - t0, 6)})
            return outcome
        except OSError as exc:
            log.exception("sandbox failed to start")
            return RunOutcome(None, RunFailure("sandbox-failed", f"the sandbox could not start: {exc}",
                                               platform=True))
        finally:
            with self._lock:
                self._running.pop(job.job_id, None)
                self._workdirs.pop(job.job_id, None)
                self._cancelled.discard(job.job_id)
            if box is not None:
                self._reap(box)
            shutil.rmtree(workdir, ignore_errors=True)

    def _prepare(self, job: JobSpec, workdir: Path) -> Path:
        fmu = workdir / "model.fmu"
        shutil.copyfile(job.fmu_path, fmu)
        fmu.chmod(0o444)
        s = self.settings
        limits = {"memory_mb": s.runner_memory_mb, "cpu_seconds": job.timeout_s, "max_processes":
                  s.runner_max_processes, "max_file_mb": max(1, s.runner_max_output_bytes // (1 << 20)),
                  "tmp_mb": 256}
        job_file = workdir / "job.json"
        job_file.write_text(json.dumps(job.to_sandbox("model.fmu", limits)))
        (workdir / "out").mkdir()
        return job_file

    def _wait(self, job: JobSpec, box: _Sandbox, workdir: Path) -> RunOutcome:
        timed_out = False
        try:
            code = box.proc.wait(timeout=job.timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
            with _suppress():
                os.killpg(box.proc.pid, signal.SIGKILL)
            code = box.proc.wait()
        # Nothing of the run may still be alive while we read what it left behind.
        self._kill(box)
        box.out.join(timeout=2)
        box.err.join(timeout=2)
        stream_log = (box.err.text() + box.out.text())[-8000:]
        if job.job_id in self._cancelled:
            return cancelled()
        if timed_out:
            return timed_out_outcome(job.timeout_s, stream_log)
        return self._collect(job, code, workdir / "out", stream_log)

    def _collect(self, job: JobSpec, code: int, out: Path, stream_log: str) -> RunOutcome:
        return collect(code, out, stream_log, memory_mb=self.settings.runner_memory_mb,
                       max_output_bytes=self.settings.runner_max_output_bytes)

    def cancel(self, job_id: str) -> bool:
        with self._lock:
            box = self._running.get(job_id)
            if box is None:
                return False
            self._cancelled.add(job_id)
        with _suppress():
            os.killpg(box.proc.pid, signal.SIGKILL)
        return True

    def progress(self, job_id: str) -> float | None:
        """The fraction of simulated time the sandbox last reported, if it runs here."""
        with self._lock:
            workdir = self._workdirs.get(job_id)
        return read_progress(workdir / "out") if workdir else None

    def ready(self) -> bool:
        return SANDBOX_ENTRY.is_file() and not self._closed

    def close(self) -> None:
        self._closed = True
        self._spawner.stop()
        if self._uid_lock is not None:
            self._uid_lock.close()  # releases the uid block
        while True:
            try:
                box = self._warm.get_nowait()
            except queue.Empty:
                break
            self._reap(box)


class _suppress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> bool:
        return exc[0] is not None and issubclass(exc[0], (OSError, subprocess.TimeoutExpired))


def scratch_root(settings: Settings, as_root: bool) -> Path:
    """Where run directories live. Every ancestor must let the sandbox's own uid pass through."""
    root = settings.scratch_dir or settings.data_dir / "scratch"
    if as_root and not _traversable(root.resolve().parent):
        root = Path("/var/tmp/fmu-gateway-scratch")
        log.warning("the data directory is not traversable by sandbox users; using %s for scratch", root)
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o711)
    return root


def _traversable(path: Path) -> bool:
    for p in (path, *path.parents):
        if not p.stat().st_mode & 0o001:
            return False
    return True


def _chown_tree(root: Path, uid: int) -> None:
    os.chown(root, uid, uid)
    for child in root.iterdir():
        os.chown(child, uid, uid, follow_symlinks=False)


def _has_processes(uid: int) -> bool:
    return bool(_pids_of(uid))
