"""The job dispatcher: worker threads take queued simulations from the database and run each in its own
sandbox through the runner. The queue is the simulations table, so a restart loses nothing."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from fmu_gateway_api.billing import service as billing
from fmu_gateway_api.context import Context
from fmu_gateway_api.fmus.service import archive_path, library_model, uploaded_model
from fmu_gateway_api.kit.uow import unit_of_work
from fmu_gateway_api.observability import RUNS, request_id_var
from fmu_gateway_api.runners.base import JobSpec, Runner, RunOutcome
from fmu_gateway_api.simulations.repository import SimulationRepository
from fmu_gateway_api.simulations.results import compute_kpis, encode, result_document
from fmu_gateway_api.tables import Simulation, utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 2


@dataclass
class Finished:
    """A run that ended in this process, handed to the request waiting for it (no database round trip):
    the simulation as stored, its encoded result document, and when each phase happened."""

    simulation: Simulation
    result: dict[str, Any] | None
    phases: dict[str, float] = field(default_factory=dict)


class Waiter:
    def __init__(self) -> None:
        self.event = threading.Event()
        self.finished: Finished | None = None


class Dispatcher:
    def __init__(self, ctx: Context, runner: Runner) -> None:
        self.ctx = ctx
        self.runner = runner
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._wake = threading.Condition()
        self._done = threading.Condition()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._running: set[str] = set()
        self._requeue: set[str] = set()
        self._lock = threading.Lock()
        self._waiters: dict[str, Waiter] = {}
        # Local capacity: jobs executing here plus jobs reserved by a request that admitted them "running"
        # for this process (handed over in memory, no claim from the queue).
        self._capacity = ctx.settings.runner_concurrency
        self._busy = 0
        self._ready: deque[tuple[Simulation, dict[str, str], dict[str, float]]] = deque()

    # -- lifecycle -------------------------------------------------------------------------------------
    def start(self) -> None:
        self.recover()
        for i in range(self.ctx.settings.runner_concurrency):
            t = threading.Thread(target=self._loop, name=f"dispatcher-{i}", daemon=True)
            t.start()
            self._threads.append(t)
        watcher = threading.Thread(target=self._watch, name="dispatcher-watch", daemon=True)
        watcher.start()
        self._threads.append(watcher)

    def _watch(self) -> None:
        """Twice a second: record the progress of our running jobs and stop those asked to cancel
        (wherever the DELETE arrived)."""
        while not self._stop.wait(0.5):
            with self._lock:
                ids = list(self._running)
            if not ids:
                continue
            try:
                progress_of = getattr(self.runner, "progress", None)
                progress = {i: p for i in ids if progress_of and (p := progress_of(i)) is not None}
                with unit_of_work(self.ctx.sessions) as session:
                    SimulationRepository(session).set_progress(progress)
                    cancel = SimulationRepository(session).watch(ids)
                for sim_id in cancel:
                    self.runner.cancel(sim_id)
            except Exception:
                log.exception("watching running jobs failed")

    def stop(self, grace_s: float | None = None) -> None:
        """Graceful: claim nothing new, let running jobs finish for a grace period, then stop the rest
        and put them back in the queue for the next process (they were not charged again)."""
        self._stop.set()
        with self._wake:
            self._wake.notify_all()
        with self._lock:
            handed = [sim.id for sim, _units, _phases in self._ready]
            self._ready.clear()
        if handed:  # admitted for this process, never started: back to the queue
            with unit_of_work(self.ctx.sessions) as session:
                for sim_id in handed:
                    SimulationRepository(session).requeue(sim_id)
        deadline = time.monotonic() + (self.ctx.settings.shutdown_grace_s if grace_s is None else grace_s)
        while time.monotonic() < deadline:
            with self._lock:
                if not self._running:
                    break
            time.sleep(0.1)
        with self._lock:
            leftover = list(self._running)
            self._requeue.update(leftover)
        for sim_id in leftover:
            self.runner.cancel(sim_id)
        for t in self._threads:
            t.join(timeout=10)
        self.runner.close()

    def recover(self) -> None:
        """Jobs left 'running' by a process that died: run again once, else fail them."""
        with unit_of_work(self.ctx.sessions) as session:
            for sim in SimulationRepository(session).running_jobs():
                if sim.worker and _alive_elsewhere(sim.worker, self.worker_id):
                    continue  # a sibling process on this host still runs it
                if sim.worker and sim.worker.split(":")[0] != socket.gethostname():
                    started = sim.started_at
                    if started is not None and started.tzinfo is None:
                        started = started.replace(tzinfo=utcnow().tzinfo)
                    if started and utcnow() - started < timedelta(seconds=sim.timeout_s + 120):
                        continue  # another replica may still be running it
                if sim.attempts < MAX_ATTEMPTS:
                    log.warning("requeueing %s left running by %s", sim.id, sim.worker)
                    SimulationRepository(session).requeue(sim.id)
                elif SimulationRepository(session).finish(sim.id, status="failed", finished_at=utcnow(),
                                        error={"type": "worker-lost", "detail": "the worker running this "
                                               "simulation stopped twice; it was not run again",
                                               "platform": True}):
                    billing.finalize(session, self.ctx, sim, refund=True)

    def wake(self) -> None:
        with self._wake:
            self._wake.notify()

    # -- the fast path: a request admits its job for this process -------------------------------------
    def reserve(self) -> bool:
        """A local run slot for a job the caller is about to admit as running here (or False: queue it)."""
        with self._lock:
            if self._stop.is_set() or self._busy >= self._capacity:
                return False
            self._busy += 1
            return True

    def release(self) -> None:
        with self._lock:
            self._busy -= 1

    def hand(self, sim: Simulation, units: Mapping[str, str]) -> None:
        """Run a job admitted as running for this process (its transaction has committed)."""
        with self._lock:
            self._ready.append((sim, units, {"claimed": time.perf_counter()}))
        with self._wake:
            self._wake.notify()

    def expect(self, sim_id: str) -> Waiter:
        """Register for the hand-off of a job's end (call before waking the dispatcher)."""
        waiter = Waiter()
        with self._lock:
            self._waiters[sim_id] = waiter
        return waiter

    def forget(self, sim_id: str) -> None:
        with self._lock:
            self._waiters.pop(sim_id, None)

    def wait(self, sim_id: str, timeout: float, waiter: Waiter | None = None) -> Finished | str | None:
        """Block until the job has ended or the timeout passes. A job that ended in this process comes
        back as handed off (`Finished`); else its last known status, from the database (it may have run
        in another process)."""
        deadline = time.monotonic() + timeout
        if waiter is not None and waiter.event.wait(min(timeout, 0.5)):
            return waiter.finished  # the common case: it ran here, and soon; no database read at all
        while True:
            if waiter is not None and waiter.event.is_set():
                return waiter.finished
            with unit_of_work(self.ctx.sessions) as session:
                status = SimulationRepository(session).status_of(sim_id)
            remaining = deadline - time.monotonic()
            if status not in ("queued", "running") or remaining <= 0:
                return status
            if waiter is not None:
                waiter.event.wait(timeout=min(remaining, 0.5))
            else:
                with self._done:
                    self._done.wait(timeout=min(remaining, 0.5))

    # -- work ------------------------------------------------------------------------------------------
    def _next(self) -> tuple[Simulation, dict[str, str], dict[str, float]] | None:
        """A job handed over in memory, else one claimed from the queue when there is room here."""
        with self._lock:
            if self._ready:
                return self._ready.popleft()  # its slot was reserved by the request that admitted it
            if self._busy >= self._capacity:
                return None
            self._busy += 1
        try:
            claimed = self._claim()
        except Exception:
            log.exception("claiming a job failed")
            claimed = None
        if claimed is None:
            self.release()
        return claimed

    def _loop(self) -> None:
        while not self._stop.is_set():
            claimed = self._next()
            if claimed is None:
                with self._wake:
                    if not self._ready:
                        self._wake.wait(timeout=1.0)
                continue
            sim, units, phases = claimed
            try:
                self._execute(sim, units, phases)
            except Exception:
                log.exception("job %s failed in the dispatcher", sim.id)
                self._fail(sim.id, {"type": "internal-error", "detail": "the service failed while running "
                                    "this simulation", "platform": True})
            finally:
                self.release()
            with self._done:
                self._done.notify_all()

    def _claim(self) -> tuple[Simulation, dict[str, str], dict[str, float]] | None:
        """The next job, read in the transaction that claims it (with what its result needs)."""
        limits = {name: tier.concurrent_runs for name, tier in self.ctx.pricing.tiers.items()}
        with unit_of_work(self.ctx.sessions) as session:
            sim_id = SimulationRepository(session).claim_next(self.worker_id, utcnow(), limits)
            if sim_id is None:
                return None
            phases = {"claimed": time.perf_counter()}
            sim = SimulationRepository(session).get(sim_id)
            assert sim is not None
            return sim, fmu_units(self.ctx, session, sim), phases

    def _execute(self, sim: Simulation, units: Mapping[str, str], phases: dict[str, float]) -> None:
        sim_id = sim.id
        request_id_var.set(sim.request_id)  # this thread's log lines carry the request that started the job
        assert self.ctx.sandbox is not None
        fmus = self.ctx.sandbox.fmus
        fmus.hold(sim.fmu_sha256)  # before it is looked up: the cache never evicts what a run is about to read
        try:
            spec = self._spec(sim)
            with self._lock:
                self._running.add(sim_id)
            phases["run"] = time.perf_counter()
            outcome = self.runner.run(spec)
        finally:
            fmus.drop(sim.fmu_sha256)
            with self._lock:
                self._running.discard(sim_id)
        phases["ran"] = time.perf_counter()
        self._store(sim_id, sim, outcome, units, phases)

    def _spec(self, sim: Simulation) -> JobSpec:
        r = sim.request
        archive = archive_path(self.ctx, sim.fmu_id, sim.fmu_sha256)
        assert self.ctx.sandbox is not None
        fmu_dir = self.ctx.sandbox.fmus.ensure(sim.fmu_sha256, archive)  # unpacked once per host
        return JobSpec(
            job_id=sim.id, fmu_sha256=sim.fmu_sha256, fmu_dir=fmu_dir, fmu_archive=archive,
            fmi_type=r["interface"], start_time=r["start_time"], stop_time=r["stop_time"],
            output_interval=r["output_interval"], solver=r["solver"] or "CVode",
            relative_tolerance=r["relative_tolerance"], step_size=r.get("step_size"),
            start_values=r["start_values"], inputs=r.get("inputs"), outputs=r["outputs"],
            timeout_s=sim.timeout_s,
        )

    def _store(self, sim_id: str, sim: Simulation, outcome: RunOutcome, units: Mapping[str, str],
               phases: dict[str, float]) -> None:
        r = sim.request
        provenance: dict[str, Any] = {
            "fmu_sha256": sim.fmu_sha256,
            "interface": r["interface"],
            "solver": {"name": r["solver"], "relative_tolerance": r["relative_tolerance"],
                       "output_interval": r["output_interval"], "step_size": r.get("step_size")},
            **outcome.provenance,
        }
        values: dict[str, Any] = {"finished_at": utcnow(), "provenance": provenance,
                                  "log_tail": outcome.log[-20000:] or None}
        doc = None
        if outcome.ok:
            assert outcome.result is not None
            doc = result_document(outcome.result, units)
            values.update(status="succeeded", result_sha256=self.ctx.blobs.put_bytes(encode(doc)),
                          kpis=compute_kpis(doc, r.get("kpis") or []))
        else:
            failure = outcome.failure
            assert failure is not None
            cancelled = failure.slug == "simulation-cancelled"
            values.update(status="cancelled" if cancelled else "failed",
                          error={"type": failure.slug, "detail": failure.detail, "platform": failure.platform})
        platform = outcome.failure is not None and outcome.failure.platform
        with unit_of_work(self.ctx.sessions) as session:
            if sim_id in self._requeue:  # shutting down: hand the job to the next process, untouched
                SimulationRepository(session).requeue(sim_id)
                log.warning("requeued %s at shutdown", sim_id)
                return
            ended = SimulationRepository(session).finish(sim_id, **values)
            if ended:
                # The cost is settled in the same transaction that ends the run: a refund when we failed.
                billing.finalize(session, self.ctx, sim, refund=platform)
        if ended:
            phases["stored"] = time.perf_counter()
            self._hand_off(sim, values, doc, phases)
            RUNS.labels(values["status"], self.runner.name).inc()
            log.info("simulation %s %s in %.3f s", sim_id, values["status"],
                     outcome.provenance.get("total_wall_time_s", 0.0))

    def _hand_off(self, sim: Simulation, values: dict[str, Any], doc: dict[str, Any] | None,
                  phases: dict[str, float]) -> None:
        with self._lock:
            waiter = self._waiters.pop(sim.id, None)
        if waiter is None:
            return
        for key, value in values.items():  # the row as committed (sim is detached: nothing is written)
            setattr(sim, key, value)
        waiter.finished = Finished(sim, doc, phases)
        waiter.event.set()

    def _fail(self, sim_id: str, error: dict[str, Any]) -> None:
        with unit_of_work(self.ctx.sessions) as session:
            if SimulationRepository(session).finish(sim_id, status="failed", finished_at=utcnow(), error=error):
                sim = SimulationRepository(session).get(sim_id)
                assert sim is not None
                billing.finalize(session, self.ctx, sim, refund=bool(error.get("platform")))


def _alive_elsewhere(worker: str, me: str) -> bool:
    host, _, rest = worker.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit() or worker == me or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fmu_units(ctx: Context, session: Session, sim: Simulation) -> Mapping[str, str]:
    """Units from the description kept at upload (never a re-parse of the model)."""
    if sim.fmu_id.startswith("lib:"):
        entry = ctx.library.get(sim.fmu_id)
        model = library_model(ctx, entry) if entry is not None else None
    else:
        model = uploaded_model(session, ctx, sim.fmu_sha256)
    return model.units if model is not None else {}
