"""The job dispatcher: worker threads take queued simulations from the database and run each in its own
sandbox through the runner. The queue is the simulations table, so a restart loses nothing."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from fmu_gateway_api.billing import service as billing
from fmu_gateway_api.context import Context
from fmu_gateway_api.db import session_scope
from fmu_gateway_api.fmus import repository as fmu_repository
from fmu_gateway_api.fmus.service import archive_path
from fmu_gateway_api.observability import RUNS, request_id_var
from fmu_gateway_api.runners.base import JobSpec, Runner, RunOutcome
from fmu_gateway_api.simulations import repository
from fmu_gateway_api.simulations.results import compute_kpis, encode, result_document
from fmu_gateway_api.tables import Simulation, utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 2


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
        self._postgres = not ctx.settings.is_sqlite

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
                with session_scope(self.ctx.sessions) as session:
                    repository.set_progress(session, progress)
                    cancel = repository.watch(session, ids)
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
        with session_scope(self.ctx.sessions) as session:
            for sim in repository.running_jobs(session):
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
                    repository.requeue(session, sim.id)
                elif repository.finish(session, sim.id, status="failed", finished_at=utcnow(),
                                        error={"type": "worker-lost", "detail": "the worker running this "
                                               "simulation stopped twice; it was not run again",
                                               "platform": True}):
                    billing.finalize(session, self.ctx, sim, refund=True)

    def wake(self) -> None:
        with self._wake:
            self._wake.notify()

    def wait(self, sim_id: str, timeout: float) -> str | None:
        """Block until the job has ended or the timeout passes; returns its last known status."""
        deadline = time.monotonic() + timeout
        while True:
            with session_scope(self.ctx.sessions) as session:
                status = repository.status_of(session, sim_id)
            remaining = deadline - time.monotonic()
            if status not in ("queued", "running") or remaining <= 0:
                return status
            with self._done:
                self._done.wait(timeout=min(remaining, 0.5))

    # -- work ------------------------------------------------------------------------------------------
    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                sim_id = self._claim()
            except Exception:
                log.exception("claiming a job failed")
                sim_id = None
            if sim_id is None:
                with self._wake:
                    self._wake.wait(timeout=1.0)
                continue
            try:
                self._execute(sim_id)
            except Exception:
                log.exception("job %s failed in the dispatcher", sim_id)
                self._fail(sim_id, {"type": "internal-error", "detail": "the service failed while running "
                                    "this simulation", "platform": True})
            with self._done:
                self._done.notify_all()

    def _claim(self) -> str | None:
        limits = {name: tier.concurrent_runs for name, tier in self.ctx.pricing.tiers.items()}
        with session_scope(self.ctx.sessions) as session:
            return repository.claim_next(session, self.worker_id, utcnow(), self._postgres, limits)

    def _execute(self, sim_id: str) -> None:
        with session_scope(self.ctx.sessions) as session:
            sim = repository.get(session, sim_id)
            assert sim is not None
            units = fmu_units(self.ctx, session, sim)
        spec = self._spec(sim)
        request_id_var.set(sim.request_id)  # this thread's log lines carry the request that started the job
        with self._lock:
            self._running.add(sim_id)
        try:
            outcome = self.runner.run(spec)
        finally:
            with self._lock:
                self._running.discard(sim_id)
        self._store(sim_id, sim, outcome, units)

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

    def _store(self, sim_id: str, sim: Simulation, outcome: RunOutcome, units: dict[str, str]) -> None:
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
        with session_scope(self.ctx.sessions) as session:
            if sim_id in self._requeue:  # shutting down: hand the job to the next process, untouched
                repository.requeue(session, sim_id)
                log.warning("requeued %s at shutdown", sim_id)
                return
            ended = repository.finish(session, sim_id, **values)
            if ended:
                # The cost is settled in the same transaction that ends the run: a refund when we failed.
                billing.finalize(session, self.ctx, sim, refund=platform)
        if ended:
            RUNS.labels(values["status"], self.runner.name).inc()
            log.info("simulation %s %s in %.3f s", sim_id, values["status"],
                     outcome.provenance.get("total_wall_time_s", 0.0))

    def _fail(self, sim_id: str, error: dict[str, Any]) -> None:
        with session_scope(self.ctx.sessions) as session:
            if repository.finish(session, sim_id, status="failed", finished_at=utcnow(), error=error):
                sim = repository.get(session, sim_id)
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


def fmu_units(ctx: Context, session: Session, sim: Simulation) -> dict[str, str]:
    """Units from the description kept at upload (never a re-parse of the model)."""
    if sim.fmu_id.startswith("lib:"):
        model = ctx.library.get(sim.fmu_id)
        desc = ctx.library.description(model) if model else {}
    else:
        row = fmu_repository.get(session, sim.account_id, sim.fmu_sha256)
        desc = row.description if row is not None else {}
    return {v["name"]: v["unit"] for v in desc.get("variables", []) if v.get("unit")}
