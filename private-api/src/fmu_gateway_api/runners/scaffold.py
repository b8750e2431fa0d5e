"""What every sandbox backend shares: where runs live, what limits a run gets, and the one run/cancel/close
path from a job to a RunOutcome. A backend only says how it reaches a template (`_acquire`) and how the
sandbox sees the run's paths.

Refunds: a run is our fault (`platform=True`, refunded) only when the supervisor itself saw the failure
before the job process passed its gate: the template could not take or start the job, the job's layers
could not be applied, our own start timeout, or (local) the template died. Anything after the gate is the
model's, whatever its exit status or files say.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fmu_gateway_api.runners import outcome as oc
from fmu_gateway_api.runners.base import JobSpec, RunFailure, RunOutcome
from fmu_gateway_api.runners.forkserver import SandboxRun, TemplateConnection, TemplateGone
from fmu_gateway_api.settings import Settings
from fmu_sandbox.protocol import case_dir

log = logging.getLogger(__name__)
START_TIMEOUT_S = 60.0
_CHECK_S = 0.5
_CONSOLE_CAP = 8000


def default_scratch(data_dir: Path) -> Path:
    """Outside the data directory (a sandbox sees none of it), one per data directory and user."""
    tag = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:10]
    return Path("/var/tmp") / f"fmu-gateway-{os.geteuid()}-{tag}"


class Scratch:
    """Run directories (`runs/`) and the unpacked-FMU cache (`fmus/`), on one file system (renames)."""

    def __init__(self, settings: Settings) -> None:
        self.root = settings.scratch_dir or default_scratch(settings.data_dir)
        self.runs = self.root / "runs"
        self.fmus = self.root / "fmus"
        for d in (self.root, self.runs, self.fmus):
            d.mkdir(parents=True, exist_ok=True)
            # Traverse-only: a sandbox reaches its own run and its own FMU by name, lists nothing.
            d.chmod(0o711)
        self._sweep()

    def _sweep(self) -> None:
        """Run directories of a service that died (kill -9) belong to nobody now."""
        for entry in os.scandir(self.runs):
            owner = entry.name.rpartition(".")[2]
            if owner.isdigit() and not pid_alive(int(owner)):
                shutil.rmtree(entry.path, ignore_errors=True)

    def new_run(self, job_id: str) -> Path:
        run = self.runs / f"{job_id}-{uuid.uuid4().hex[:8]}.{os.getpid()}"
        run.mkdir(mode=0o700)
        (run / "out").mkdir(mode=0o700)
        return run


def pid_alive(pid: int) -> bool:
    """A process with this pid exists on this host (another user's included)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_limits(settings: Settings, timeout_s: float, *, memory_mb: int | None = None,
               max_processes: int | None = None) -> dict[str, Any]:
    """The one place a run's limits are computed."""
    return {"memory_mb": memory_mb or settings.runner_memory_mb, "cpu_seconds": timeout_s,
            "max_processes": max_processes or settings.runner_max_processes,
            "max_file_mb": max(1, settings.runner_max_output_bytes // (1 << 20)), "max_open_files": 1024}


class Janitor:
    """One thread that ends what runs leave behind, off every run's critical path: it kills a run that
    lingers after its result was read, and removes a run directory once the run has been reaped."""

    def __init__(self) -> None:
        self._items: list[tuple[float, TemplateConnection | None, SandboxRun | None, Path | None, str, bool]] = []
        self._lock = threading.Condition()
        threading.Thread(target=self._loop, name="sandbox-janitor", daemon=True).start()

    def watch(self, conn: TemplateConnection, run: SandboxRun, job_id: str, kill_after_s: float) -> None:
        self._add((time.monotonic() + kill_after_s, conn, run, None, job_id, True))

    def clean(self, conn: TemplateConnection | None, run: SandboxRun | None, run_dir: Path, job_id: str) -> None:
        if run is None or run.reaped.is_set():
            self._remove(conn, run_dir, job_id)
            return
        self._add((time.monotonic() + 120.0, conn, run, run_dir, job_id, False))

    def _add(self, item: tuple[float, TemplateConnection | None, SandboxRun | None, Path | None, str, bool]) -> None:
        with self._lock:
            self._items.append(item)
            self._lock.notify()

    @staticmethod
    def _remove(conn: TemplateConnection | None, run_dir: Path, job_id: str) -> None:
        shutil.rmtree(run_dir, ignore_errors=True)
        if conn is not None:
            conn.forget(job_id)

    def _loop(self) -> None:
        while True:
            with self._lock:
                while not self._items:
                    self._lock.wait()
                items, self._items = self._items, []
            keep = []
            now = time.monotonic()
            for item in items:
                deadline, conn, run, run_dir, job_id, kill = item
                if kill:  # a run that should be ending
                    if run is not None and not run.ended.is_set():
                        if now >= deadline and conn is not None:
                            conn.kill(job_id)
                        else:
                            keep.append(item)
                elif run is None or run.reaped.is_set() or now >= deadline:
                    if run is not None and not run.reaped.is_set():
                        log.error("the sandbox of %s was not reaped within 120 s", job_id)
                    assert run_dir is not None
                    self._remove(conn, run_dir, job_id)
                else:
                    keep.append(item)
            if keep:
                with self._lock:
                    self._items.extend(keep)
                time.sleep(0.05)


@dataclass(frozen=True)
class SandboxPaths:
    """A run's paths as the sandbox sees them (a container mounts them elsewhere)."""

    run_dir: str
    fmu_dir: str | None


def _case_dir(run_dir: Path, case: int) -> Path:
    return Path(case_dir(str(run_dir), case))


class SandboxRunner:
    """The run/cancel/close path of every template-based backend (local fork-server, Docker)."""

    name = "sandbox"

    def __init__(self, settings: Settings, scratch: Scratch) -> None:
        self.settings = settings
        self.scratch = scratch
        self._running: dict[str, tuple[TemplateConnection, SandboxRun, int]] = {}  # job -> its run, its case
        self._cancelled: set[str] = set()
        self._pending_cancel: set[str] = set()  # batch cases to stop when (if) the sandbox reaches them
        self._lock = threading.Lock()
        self._closed = False
        self.janitor = Janitor()

    # -- what a backend provides ---------------------------------------------------------------------
    def _acquire(self, job: JobSpec) -> tuple[TemplateConnection, Path, SandboxPaths, Any]:
        """A template for this job, the run's directory on this host, and its paths as the sandbox sees
        them; the handle comes back in `_release`."""
        raise NotImplementedError

    def _release(self, handle: Any, run: SandboxRun | None) -> None:
        """After the run (its outcome is known): give the template back or throw it away."""

    def _hand_over(self, directory: Path) -> None:
        """A directory made for a run, made writable for the sandbox where the template cannot (a container's
        user); a local template hands it to the run's own uid itself."""

    def _template_death(self, run: SandboxRun) -> RunFailure:
        return RunFailure("sandbox-failed", "the sandbox template stopped during the run", platform=True)

    def _provenance(self, handle: Any) -> dict[str, Any]:
        return {}

    def _adjust(self, outcome: RunOutcome) -> RunOutcome:
        """A backend's last word on one outcome (after the run was released)."""
        return outcome

    # -- Runner ----------------------------------------------------------------------------------------
    def run(self, job: JobSpec) -> RunOutcome:
        outcome = self._run_jobs([job])[0]
        assert outcome is not None  # a single run always has its outcome
        return outcome

    def run_batch(self, jobs: list[JobSpec]) -> list[RunOutcome | None]:
        """Cases of one sweep (one account, one FMU) in one sandbox, one after the other (see
        fmu_sandbox.simulate.run_batch): fork, layers and the FMU's load are paid once. Each case's outcome
        is what its own run would have given, its timeout its own; None for a case the sandbox never reached
        (the model ended the process in an earlier case, an earlier case timed out or was cancelled): the
        caller queues those again, to run on their own."""
        return self._run_jobs(jobs) if len(jobs) > 1 else [self.run(jobs[0])]

    def _run_jobs(self, jobs: list[JobSpec]) -> list[RunOutcome | None]:
        t0 = time.perf_counter()
        first, batch = jobs[0], len(jobs) > 1
        run_id = f"{first.job_id}+{len(jobs) - 1}" if batch else first.job_id
        run_dir: Path | None = None
        handle: Any = None
        srun: SandboxRun | None = None
        conn: TemplateConnection | None = None
        try:
            try:
                conn, run_dir, paths, handle = self._acquire(first)
                for i in range(len(jobs) if batch else 0):  # each case's out/ (see _case_dir)
                    _case_dir(run_dir, i).mkdir(mode=0o700)
                    self._hand_over(_case_dir(run_dir, i))
                limits = run_limits(self.settings, sum(j.timeout_s for j in jobs))
                if batch:
                    srun = conn.submit(run_id, "batch", paths.run_dir, paths.fmu_dir, limits, {},
                                       jobs=[j.to_sandbox() for j in jobs])
                else:
                    srun = conn.submit(run_id, "simulate", paths.run_dir, paths.fmu_dir, limits, first.to_sandbox())
            except (TemplateGone, OSError) as exc:
                log.error("no sandbox for %s: %s", run_id, exc)
                return [oc.platform_failure(f"no sandbox could be started: {exc}") for _ in jobs]
            with self._lock:
                for i, job in enumerate(jobs):
                    self._running[job.job_id] = (conn, srun, i)
            outcomes = self._wait(jobs, conn, srun, run_dir)
            collected = time.monotonic()
            for i, outcome in enumerate(outcomes):
                if outcome is None:
                    continue
                outcome.provenance.update({"runner": self.name, **self._provenance(handle),
                                           "total_wall_time_s": round(time.perf_counter() - t0, 6)})
                if batch:
                    outcome.provenance["batch"] = {"cases": len(jobs), "index": i}
                elif srun.started_at is not None and srun.ended_at is not None:
                    outcome.provenance["sandbox_ms"] = {
                        "start": round((srun.started_at - srun.submitted_at) * 1000, 2),
                        "run": round((srun.ended_at - srun.started_at) * 1000, 2),
                        "collect": round((collected - srun.ended_at) * 1000, 2)}
        finally:
            with self._lock:
                for job in jobs:
                    self._running.pop(job.job_id, None)
                    self._cancelled.discard(job.job_id)
                    self._pending_cancel.discard(job.job_id)
            self._release(handle, srun)
            if run_dir is not None:
                self._cleanup(conn, srun, run_dir, run_id)
        for outcome in outcomes:
            if outcome is not None and srun.layers is not None:
                outcome.provenance["isolation"] = dict(srun.layers)
        return [self._adjust(o) if o is not None else None for o in outcomes]

    def _wait(self, jobs: list[JobSpec], conn: TemplateConnection, run: SandboxRun,
              run_dir: Path) -> list[RunOutcome | None]:
        """Each case's outcome once the run has ended (or its result is in): the cases before the one it
        reached by their files, that one by how the run ended, the cases after it None (not run)."""
        batch = len(jobs) > 1
        out = run_dir / "out"
        limit = self.settings.runner_max_output_bytes
        too_large = timed_out = start_timeout = False
        next_check = time.monotonic() + _CHECK_S
        early_tried = False
        ids = {job.job_id for job in jobs}
        while not run.ended.is_set():
            if run.said_done and not early_tried and run.started and run.case == (len(jobs) - 1 if batch else -1):
                # The job process said it wrote its results and is exiting; read them now rather than after
                # the process has torn down (its exit status only matters when the last result is not there).
                early_tried = True
                early = [self._collect(out, i, 0, "", job, batch) for i, job in enumerate(jobs)]
                if early[-1].ok:
                    self._end_soon(conn, run, run.job_id)
                    early[-1].log = oc.read_tail(out / "console.log", _CONSOLE_CAP) + early[-1].log
                    return list(early)  # (typed as the list of outcomes or None)
            run.changed.wait(0.1)
            run.changed.clear()
            now = time.monotonic()
            if ids & self._cancelled or jobs[max(run.case, 0)].job_id in self._pending_cancel:
                break
            if not run.started and now - run.submitted_at > START_TIMEOUT_S:
                start_timeout = True
                break
            since = run.case_started_at if run.case >= 0 else run.started_at
            if run.started and since is not None and now - since > jobs[max(run.case, 0)].timeout_s:
                timed_out = True
                break
            if now >= next_check:
                next_check = now + _CHECK_S
                # The run directory is the one host directory a run writes: it may not outgrow the limit.
                if oc.tree_size(run_dir, limit + (16 << 20)) > limit + (16 << 20):
                    too_large = True
                    break
        if not run.ended.is_set():
            conn.kill(run.job_id)
            run.ended.wait(30)
        console = oc.read_tail(out / "console.log", _CONSOLE_CAP)
        cancelled = [job.job_id in self._cancelled for job in jobs]
        pending = [job.job_id in self._pending_cancel for job in jobs]
        if not run.started:  # nothing of the model ran: every case as one run
            if any(cancelled) or any(pending):  # what the kill did to a run not yet started is ours, not an error
                return [oc.cancelled() if c else oc.cancelled_unstarted() if p else None
                        for c, p in zip(cancelled, pending, strict=True)]
            if run.error or run.setup_error:
                failure = f"the sandbox could not start the run: {run.fate()}"
            elif start_timeout or not run.ended.is_set():
                failure = f"the sandbox did not start the run within {START_TIMEOUT_S:g} s"
            elif run.template_died:
                return [RunOutcome(None, self._template_death(run), log=console) for _ in jobs]
            else:
                failure = "the sandbox ended before the model ran"
            return [oc.platform_failure(failure) for _ in jobs]
        reached = max(run.case, 0)
        outcomes: list[RunOutcome | None] = [self._collect(out, i, 0, "", jobs[i], batch) for i in range(reached)]
        case_out = _case_dir(run_dir, reached) if batch else out
        job = jobs[reached]
        ended: RunOutcome | None
        if cancelled[reached]:
            ended = oc.cancelled()
        elif pending[reached]:  # stopped as it began
            ended = oc.cancelled_unstarted()
        elif any(cancelled):  # stopped for another case's cancel: this one goes back to the queue
            ended = None
        elif timed_out:
            ended = oc.timed_out(job.timeout_s, oc.fmu_log(case_out) + console)
        elif too_large:
            ended = oc.output_too_large(limit, console)
        elif run.template_died:
            ended = RunOutcome(None, self._template_death(run), log=oc.fmu_log(case_out) + console)
        elif run.lost:
            ended = RunOutcome(None, RunFailure("model-crashed", "the run's processes were killed"),
                               log=oc.fmu_log(case_out) + console)
        else:
            status = run.exit_status
            assert status is not None
            ended = self._collect(out, reached, status, console, job, batch)
        outcomes.append(ended)
        outcomes += [oc.cancelled_unstarted() if c or p else None
                     for c, p in zip(cancelled[reached + 1:], pending[reached + 1:], strict=True)]
        return outcomes

    def _collect(self, out: Path, case: int, status: int, console: str, job: JobSpec, batch: bool) -> RunOutcome:
        """One case's outcome from its files. In a batch, a process that went on past a case (or exited 0)
        says nothing of that case: its code is what its files say (error.json: the model's error)."""
        if batch:
            out = _case_dir(out.parent, case)
            if not oc.is_directory(out):  # Landlock keeps the run directory as we made it; this, in depth
                return RunOutcome(None, RunFailure("model-error", "the case's output directory was replaced"))
            if status == 0 and oc.exists(out / "error.json"):
                status = oc.EXIT_MODEL_ERROR
        return oc.collect(status, out, console, memory_mb=self.settings.runner_memory_mb,
                          max_output_bytes=self.settings.runner_max_output_bytes, outputs=job.outputs)

    def _end_soon(self, conn: TemplateConnection, run: SandboxRun, job_id: str) -> None:
        """A run whose result is in: it must end by itself at once, or be killed."""
        self.janitor.watch(conn, run, job_id, kill_after_s=2.0)

    def _cleanup(self, conn: TemplateConnection | None, run: SandboxRun | None, run_dir: Path,
                 job_id: str) -> None:
        """Remove the run directory once nothing of the run is alive (now, or when it is reaped)."""
        self.janitor.clean(conn, run, run_dir, job_id)

    def cancel(self, job_id: str) -> bool:
        """Stop a run; a batch's case its sandbox has not reached yet is stopped as it begins (refunded),
        and the cases before it run on."""
        if self.cancel_pending(job_id):
            return True
        with self._lock:
            entry = self._running.get(job_id)
            if entry is None:
                return False
            self._cancelled.add(job_id)
        entry[0].kill(entry[1].job_id)
        return True

    def cancel_pending(self, job_id: str) -> bool:
        """Cancel a batch's case only if its sandbox has not reached it yet (it is then refunded); a case
        that runs now, or ran, goes on (a sweep's cancel lets running cases finish)."""
        with self._lock:
            entry = self._running.get(job_id)
            if entry is None or entry[2] <= max(entry[1].case, 0):
                return False
            self._pending_cancel.add(job_id)
        return True

    def progress(self, job_id: str) -> float | None:
        with self._lock:
            entry = self._running.get(job_id)
        if entry is None or entry[2] != max(entry[1].case, 0):  # a batch's case that runs now, or none
            return None
        return entry[1].progress
