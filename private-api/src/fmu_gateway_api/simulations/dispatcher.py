"""The job dispatcher of a worker (or of the all-in-one service): threads take jobs from the database (the
simulations table, and FMU ingests) and run each in its own sandbox through the runner. The queue is in
the database, so a restart loses nothing.

Nobody polls: the bus wakes dispatchers on new jobs and tells them of cancellations. A claimed job is
leased: its worker renews the lease while it runs, and any dispatcher that sees a lease pass without
renewal (it tracks the jobs others started, from the bus) takes the job back: run once more elsewhere, or
failed and refunded after the second loss. A run is never charged twice: only the worker that still holds
a job may end it.

Two lanes: standard jobs run in this host's sandboxes, `runner_concurrency` at a time; heavy jobs (long
runs, when settings.heavy_runner is set) each start an ECS task and wait for it, up to `heavy_concurrency`
at a time, on threads of their own that cost nothing while they wait. A runner that cannot start a job yet
(RunTask throttled past its backoff) hands it back: queued again, not before a delay, its attempt not
counted."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa
from sqlalchemy.orm import Session

from fmu_gateway_api.billing import service as billing
from fmu_gateway_api.callbacks import service as callbacks
from fmu_gateway_api.context import Context
from fmu_gateway_api.fmus import ingests
from fmu_gateway_api.fmus.models import Model
from fmu_gateway_api.fmus.repository import IngestRepository
from fmu_gateway_api.fmus.service import fmu_archive, library_model, uploaded_model
from fmu_gateway_api.kit.bus import RESYNC
from fmu_gateway_api.kit.uow import after_commit, unit_of_work
from fmu_gateway_api.observability import RUNS, request_id_var
from fmu_gateway_api.runners.base import JobSpec, RunFailure, Runner, RunOutcome
from fmu_gateway_api.runners.scaffold import pid_alive
from fmu_gateway_api.simulations import columnar
from fmu_gateway_api.simulations.repository import SimulationRepository
from fmu_gateway_api.simulations.service import LOG_CAP
from fmu_gateway_api.tables import Simulation, utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 2
_WATCH_S = 0.5


@dataclass
class Finished:
    """A run that ended in this process, handed to the request waiting for it (no database round trip):
    the simulation as stored, its result table, and when each phase happened."""

    simulation: Simulation
    result: pa.Table | None
    phases: dict[str, float] = field(default_factory=dict)


Ready = tuple[Simulation, Model | None, dict[str, float]]


class Dispatcher:
    def __init__(self, ctx: Context, runner: Runner, heavy: Runner | None = None) -> None:
        self.ctx = ctx
        self.runner = runner
        self.heavy = heavy
        self._runner_of: dict[str, Runner] = {}  # running jobs -> the runner that runs them
        self._heavy_busy = 0
        self._timers: list[threading.Timer] = []
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.lease = timedelta(seconds=ctx.settings.job_lease_s)
        self._wake = threading.Condition()
        self._signals = 0  # wake-ups so far: a loop sleeps only when none came since it last looked
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._running: set[str] = set()
        self._ingesting: set[str] = set()
        self._requeue: set[str] = set()
        self._lock = threading.Lock()
        # Jobs other dispatchers started (from the bus): id -> when its lease is due to be looked at
        self._others: dict[str, float] = {}
        self._resync = threading.Event()
        # Local capacity: jobs executing here plus jobs reserved by a request that admitted them "running"
        # for this process (handed over in memory, no claim from the queue).
        self._capacity = ctx.settings.runner_concurrency
        self._busy = 0
        self._ready: deque[Ready] = deque()
        # Each queue (standard and heavy simulations, ingests) is looked at only when a job may be there: at
        # start, after a "jobs" notification for it, a resync, or a finished run whose account has queued
        # jobs. A run handed over in memory costs no claim transaction, and no idle thread queries.
        self._maybe = {queue: threading.Event() for queue in ("standard", "heavy", "ingest")}
        for flag in self._maybe.values():
            flag.set()
        ctx.bus.subscribe("jobs", self._on_jobs)
        ctx.bus.subscribe("cancel", self._on_cancel)
        ctx.bus.subscribe("started", self._on_started)
        ctx.bus.subscribe("done", self._on_done)
        ctx.bus.subscribe("ingested", lambda payload: self._on_done(f"ingest:{payload}"))
        on_report = getattr(heavy or runner, "on_report", None)
        if on_report is not None:  # an ECS task reported to another process (internal/endpoints.py)
            def report(payload: str) -> None:
                if payload != RESYNC:
                    threading.Thread(target=on_report, args=(payload,), name="ecs-report", daemon=True).start()

            ctx.bus.subscribe("report", report)

    # -- lifecycle -------------------------------------------------------------------------------------
    def start(self) -> None:
        self.recover()
        columnar.warm_up()
        for i in range(self.ctx.settings.runner_concurrency):
            t = threading.Thread(target=self._loop, name=f"dispatcher-{i}", daemon=True)
            t.start()
            self._threads.append(t)
        watcher = threading.Thread(target=self._watch, name="dispatcher-watch", daemon=True)
        watcher.start()
        self._threads.append(watcher)
        if self.heavy is not None:
            heavy = threading.Thread(target=self._heavy_loop, name="dispatcher-heavy", daemon=True)
            heavy.start()
            self._threads.append(heavy)

    def _runner(self, sim_id: str) -> Runner:
        with self._lock:
            return self._runner_of.get(sim_id, self.runner)

    def _watch(self) -> None:
        """While jobs run here: their progress, and their leases renewed a few times per lease. Whenever a
        job another dispatcher runs has passed its lease: take it back. Idle, it touches nothing."""
        renew_every = max(self.lease.total_seconds() / 3, _WATCH_S)
        next_renewal = time.monotonic() + renew_every
        last_progress: dict[str, float] = {}
        while not self._stop.wait(_WATCH_S):
            try:
                with self._lock:
                    ids, shas = list(self._running), list(self._ingesting)
                    overdue = any(due <= time.monotonic() for due in self._others.values())
                if self._resync.is_set() or overdue:
                    self._resync.clear()
                    self.reap()
                if not ids and not shas:
                    last_progress.clear()
                    continue
                progress = {i: p for i in ids if (p := _progress(self._runner(i), i)) is not None
                            and p != last_progress.get(i)}
                renew = time.monotonic() >= next_renewal
                if not progress and not renew:
                    continue
                with unit_of_work(self.ctx.sessions) as session:
                    SimulationRepository(session).set_progress(progress)
                    last_progress.update(progress)
                    if renew:
                        next_renewal = time.monotonic() + renew_every
                        until = utcnow() + self.lease
                        held = SimulationRepository(session).renew(self.worker_id, ids, until)
                        IngestRepository(session).renew(self.worker_id, shas, until)
                        cancel = SimulationRepository(session).watch(ids)
                    else:
                        held, cancel = set(ids), []
                for sim_id in [*cancel, *(set(ids) - held)]:  # asked to stop, or taken from us: stop it
                    self._runner(sim_id).cancel(sim_id)
            except Exception:
                log.exception("watching running jobs failed")

    def stop(self, grace_s: float | None = None) -> None:
        """Graceful: claim nothing new, let running jobs finish for a grace period, then stop the rest
        and put them back in the queue for the next process (they were not charged again)."""
        self._stop.set()
        self.wake()
        with self._lock:
            handed = [sim.id for sim, _units, _phases in self._ready]
            self._ready.clear()
        if handed:  # admitted for this process, never started: back to the queue
            with unit_of_work(self.ctx.sessions) as session:
                for sim_id in handed:
                    SimulationRepository(session).requeue(sim_id)
                self.ctx.bus.publish(session, "jobs")
        deadline = time.monotonic() + (self.ctx.settings.shutdown_grace_s if grace_s is None else grace_s)
        while time.monotonic() < deadline:
            with self._lock:
                if not self._running and not self._ingesting:
                    break
            time.sleep(0.1)
        with self._lock:
            leftover = list(self._running)
            self._requeue.update(leftover)
        for sim_id in leftover:
            self._runner(sim_id).cancel(sim_id)
        for t in self._threads:
            t.join(timeout=10)
        for timer in self._timers:
            timer.cancel()
        self.runner.close()
        if self.heavy is not None:
            self.heavy.close()

    def recover(self) -> None:
        """At start: take back what died with an earlier process, and learn which jobs others run."""
        self.reap(at_start=True)

    def reap(self, at_start: bool = False) -> None:
        """Jobs whose worker is gone (its lease passed unrenewed, or, on this host, its process is dead):
        queued again once, else failed and refunded. The jobs others still hold are tracked by lease."""
        now = utcnow()
        tracked: dict[str, float] = {}
        with unit_of_work(self.ctx.sessions) as session:
            repo = SimulationRepository(session)
            requeued = False
            for sim in repo.running_jobs():
                mine = sim.worker == self.worker_id
                if mine and not at_start:
                    continue
                lease = _aware(sim.lease_expires_at)
                dead_here = bool(sim.worker) and _dead_on_this_host(sim.worker or "", self.worker_id)
                if not dead_here and lease is not None and lease > now:
                    tracked[sim.id] = time.monotonic() + (lease - now).total_seconds() + 0.5
                    continue
                if sim.attempts < MAX_ATTEMPTS:
                    log.warning("requeueing %s: its worker %s stopped renewing it", sim.id, sim.worker)
                    if repo.requeue(sim.id, worker=sim.worker):
                        requeued = True
                elif repo.finish(sim.id, worker=sim.worker, status="failed", finished_at=now,
                                 error={"type": "worker-lost", "detail": "the worker running this simulation "
                                        "stopped twice; it was not run again", "platform": True}):
                    billing.finalize(session, self.ctx, sim, refund=True)
                    self._freed(session, sim.account_id)
                    callbacks.simulation_ended(session, self.ctx, sim)
                    self.ctx.bus.publish(session, "done", sim.id)
            ingest_repo = IngestRepository(session)
            for row in ingest_repo.running():
                lease = _aware(row.lease_expires_at)
                dead_here = bool(row.worker) and _dead_on_this_host(row.worker or "", self.worker_id)
                if row.worker == self.worker_id and not at_start:
                    continue
                if not dead_here and lease is not None and lease > now:
                    tracked[f"ingest:{row.sha256}"] = time.monotonic() + (lease - now).total_seconds() + 0.5
                    continue
                if ingest_repo.requeue(row.sha256):
                    requeued = True
                    self.ctx.bus.publish(session, "jobs", ingests.INGEST_JOB)
            if requeued:
                self.ctx.bus.publish(session, "jobs")
            if at_start and (due := _aware(repo.next_not_before())) is not None:
                self._wake_at(due)  # jobs put off by an earlier process: someone has to look again
        with self._lock:
            self._others = tracked

    def wake(self) -> None:
        with self._wake:
            self._signals += 1
            self._wake.notify_all()

    def _on_jobs(self, payload: str) -> None:
        queues = {ingests.INGEST_JOB: ("ingest",), RESYNC: tuple(self._maybe)}.get(payload, ("standard", "heavy"))
        for queue in queues:
            self._maybe[queue].set()
        self.wake()

    def _on_cancel(self, payload: str) -> None:
        if payload == RESYNC:
            self._resync.set()
            return
        with self._lock:
            here = payload in self._running
        if here:
            self._runner(payload).cancel(payload)

    def _on_started(self, payload: str) -> None:
        if payload == RESYNC:
            self._resync.set()
            return
        with self._lock:
            if payload not in self._running and payload.removeprefix("ingest:") not in self._ingesting:
                self._others[payload] = time.monotonic() + self.lease.total_seconds() + 0.5

    def _wake_at(self, moment: datetime) -> None:
        """Tell every dispatcher to look at the queue at `moment` (a job put off until then)."""
        def publish() -> None:
            if self._stop.is_set():
                return
            try:
                with unit_of_work(self.ctx.sessions) as session:
                    self.ctx.bus.publish(session, "jobs")
            except Exception:
                log.exception("waking the dispatchers failed")
                self.wake()

        delay = max(0.0, (moment - utcnow()).total_seconds()) + 0.05
        timer = threading.Timer(delay, publish)
        timer.daemon = True
        with self._lock:
            self._timers = [t for t in self._timers if t.is_alive()] + [timer]
        timer.start()

    def _on_done(self, payload: str) -> None:
        with self._lock:
            self._others.pop(payload, None)

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

    def hand(self, sim: Simulation, model: Model | None) -> None:
        """Run a job admitted as running for this process (its transaction has committed)."""
        with self._lock:
            self._ready.append((sim, model, {"claimed": time.perf_counter()}))
        with self._wake:  # one thread takes it; the others sleep on
            self._signals += 1
            self._wake.notify()

    def lease_until(self, now: datetime) -> datetime:
        return now + self.lease

    # -- work ------------------------------------------------------------------------------------------
    def _next(self) -> Ready | str | None:
        """A job handed over in memory, else an ingest or a simulation claimed from the queue when there
        is room here (an ingest comes back as its sha256)."""
        with self._lock:
            if self._ready:
                return self._ready.popleft()  # its slot was reserved by the request that admitted it
            if self._busy >= self._capacity or self._stop.is_set():
                return None
            self._busy += 1
        try:
            claimed = self._claim_ingest() or self._claim()
        except Exception:
            log.exception("claiming a job failed")
            claimed = None
        if claimed is None:
            self.release()
        return claimed

    def _loop(self) -> None:
        while not self._stop.is_set():
            with self._wake:
                seen = self._signals
            claimed = self._next()
            if claimed is None:
                with self._wake:  # sleep until a job may be there (nothing was signalled since we looked)
                    while self._signals == seen and not self._stop.is_set():
                        self._wake.wait()
                continue
            if isinstance(claimed, str):
                try:
                    self._ingest(claimed)
                finally:
                    self.release()
                continue
            sim, model, phases = claimed
            try:
                self._execute(sim, model, phases)
            except Exception:
                log.exception("job %s failed in the dispatcher", sim.id)
                self._fail(sim, {"type": "internal-error", "detail": "the service failed while running "
                                 "this simulation", "platform": True})
            finally:
                self.release()

    def _heavy_loop(self) -> None:
        """Claims heavy jobs while fewer than heavy_concurrency wait here, each on a thread of its own."""
        assert self.heavy is not None
        limit = self.ctx.settings.heavy_concurrency
        while not self._stop.is_set():
            with self._wake:
                seen = self._signals
            claimed: Ready | None = None
            with self._lock:
                room = self._heavy_busy < limit
            if room:
                try:
                    claimed = self._claim(lane="heavy")
                except Exception:
                    log.exception("claiming a heavy job failed")
            if claimed is None:
                with self._wake:
                    while self._signals == seen and not self._stop.is_set():
                        self._wake.wait()
                continue
            with self._lock:
                self._heavy_busy += 1
            threading.Thread(target=self._run_heavy, args=(claimed,), name=f"heavy-{claimed[0].id}",
                             daemon=True).start()

    def _run_heavy(self, claimed: Ready) -> None:
        sim, model, phases = claimed
        assert self.heavy is not None
        try:
            self._execute(sim, model, phases, self.heavy)
        except Exception:
            log.exception("heavy job %s failed in the dispatcher", sim.id)
            self._fail(sim, {"type": "internal-error", "detail": "the service failed while running "
                             "this simulation", "platform": True})
        finally:
            with self._lock:
                self._heavy_busy -= 1
            self.wake()

    def _looking(self, queue: str) -> bool:
        """Whether to look at `queue` now (and the flag taken down first: a notification that comes while
        we look puts it back up)."""
        flag = self._maybe[queue]
        if not flag.is_set():
            return False
        flag.clear()
        return True

    def _claim(self, lane: str = "standard") -> Ready | None:
        """The next job of the lane, read in the transaction that claims it (with what its result needs)."""
        if not self._looking(lane):
            return None
        limits = {name: tier.concurrent_runs for name, tier in self.ctx.pricing.tiers.items()}
        try:
            with unit_of_work(self.ctx.sessions) as session:
                now = utcnow()
                sim_id = SimulationRepository(session).claim_next(self.worker_id, now, self.lease_until(now),
                                                                  limits, lane=lane)
                if sim_id is None:
                    return None
                self._maybe[lane].set()  # there may be more
                phases = {"claimed": time.perf_counter()}
                sim = SimulationRepository(session).get(sim_id)
                assert sim is not None
                with self._lock:
                    self._running.add(sim_id)
                self.ctx.bus.publish(session, "started", sim_id)
                return sim, fmu_model(self.ctx, session, sim), phases
        except BaseException:
            self._maybe[lane].set()  # not looked at after all
            raise

    def _claim_ingest(self) -> str | None:
        if self.ctx.sandbox is None or not self._looking("ingest"):
            return None
        try:
            with unit_of_work(self.ctx.sessions) as session:
                now = utcnow()
                sha = IngestRepository(session).claim_next(self.worker_id, now, self.lease_until(now))
                if sha is not None:
                    with self._lock:
                        self._ingesting.add(sha)
                    self.ctx.bus.publish(session, "started", f"ingest:{sha}")
        except BaseException:
            self._maybe["ingest"].set()  # not looked at after all
            raise
        if sha is not None:
            self._maybe["ingest"].set()  # there may be more
        return sha

    def _ingest(self, sha256: str) -> None:
        try:
            ingests.run_claimed(self.ctx, sha256, self.worker_id)
        except Exception:
            log.exception("ingest of %s failed in the dispatcher", sha256)
        finally:
            with self._lock:
                self._ingesting.discard(sha256)

    def _execute(self, sim: Simulation, model: Model | None, phases: dict[str, float],
                 runner: Runner | None = None) -> None:
        sim_id = sim.id
        runner = runner or self.runner
        request_id_var.set(sim.request_id)  # this thread's log lines carry the request that started the job
        assert self.ctx.sandbox is not None
        fmus = self.ctx.sandbox.fmus
        fmus.hold(sim.fmu_sha256)  # before it is looked up: the cache never evicts what a run is about to read
        try:
            with self._lock:
                self._running.add(sim_id)
                self._runner_of[sim_id] = runner
            spec = self._spec(sim)
            phases["run"] = time.perf_counter()
            outcome = runner.run(spec)
        finally:
            fmus.drop(sim.fmu_sha256)
            with self._lock:
                self._running.discard(sim_id)
                self._runner_of.pop(sim_id, None)
        phases["ran"] = time.perf_counter()
        if outcome.failure is not None and outcome.failure.retry_after_s is not None:
            self._put_off(sim_id, outcome.failure.retry_after_s, outcome.failure.detail)
            return
        self._store(sim_id, sim, outcome, model, phases, runner.name)

    def _spec(self, sim: Simulation) -> JobSpec:
        r = sim.request
        assert self.ctx.sandbox is not None
        fmu_dir = self.ctx.sandbox.fmus.ensure(  # unpacked once per host
            sim.fmu_sha256, lambda: fmu_archive(self.ctx, sim.fmu_id, sim.fmu_sha256))
        return JobSpec(
            job_id=sim.id, fmu_sha256=sim.fmu_sha256, fmu_dir=fmu_dir,
            fmi_type=r["interface"], start_time=r["start_time"], stop_time=r["stop_time"],
            output_interval=r["output_interval"], solver=r["solver"] or "CVode",
            relative_tolerance=r["relative_tolerance"], step_size=r.get("step_size"),
            start_values=r["start_values"], inputs=r.get("inputs"), outputs=r["outputs"],
            timeout_s=sim.timeout_s, debug_logging=bool(r.get("debug_logging")),
        )

    def _put_off(self, sim_id: str, delay_s: float, why: str) -> None:
        """The runner could not start the job yet: back to the queue, not before the delay, its attempt not
        counted (nothing ran, nothing is charged again: the debit stays with the job)."""
        not_before = utcnow() + timedelta(seconds=delay_s)
        with unit_of_work(self.ctx.sessions) as session:
            if SimulationRepository(session).requeue(sim_id, worker=self.worker_id, not_before=not_before,
                                                     attempt_counts=False):
                log.warning("simulation %s put back in the queue for %.1f s: %s", sim_id, delay_s, why)
        self._wake_at(not_before)

    def _store(self, sim_id: str, sim: Simulation, outcome: RunOutcome, model: Model | None,
               phases: dict[str, float], runner_name: str = "") -> None:
        r = sim.request
        provenance: dict[str, Any] = {
            "fmu_sha256": sim.fmu_sha256,
            "interface": r["interface"],
            "solver": {"name": r["solver"], "relative_tolerance": r["relative_tolerance"],
                       "output_interval": r["output_interval"], "step_size": r.get("step_size")},
            **outcome.provenance,
        }
        values: dict[str, Any] = {"finished_at": utcnow(), "provenance": provenance,
                                  "log_tail": outcome.log[-LOG_CAP:] or None}
        doc = None
        if outcome.ok:
            assert outcome.result is not None
            try:
                doc = columnar.build_table(outcome.result, model.units if model else {}, outcome.text,
                                           model.by_name if model else {})
            except (ValueError, TypeError, pa.ArrowException) as exc:  # the sandbox's output is the model's
                outcome = RunOutcome(None, RunFailure("model-error", f"the sandbox wrote a result that cannot "
                                                      f"be stored: {str(exc)[:500]}"), outcome.provenance,
                                     outcome.log)
        if doc is not None:
            values.update(status="succeeded",
                          result_sha256=self.ctx.blobs.put_bytes(columnar.encode(doc), kind="results"),
                          kpis=columnar.compute_kpis(doc, r.get("kpis") or []))
        else:
            failure = outcome.failure
            assert failure is not None
            cancelled = failure.slug == "simulation-cancelled"
            values.update(status="cancelled" if cancelled else "failed",
                          error={"type": failure.slug, "detail": failure.detail, "platform": failure.platform})
        platform = outcome.failure is not None and outcome.failure.platform
        with unit_of_work(self.ctx.sessions) as session:
            if sim_id in self._requeue:  # shutting down: hand the job to the next process, untouched
                SimulationRepository(session).requeue(sim_id, worker=self.worker_id)
                self.ctx.bus.publish(session, "jobs")
                log.warning("requeued %s at shutdown", sim_id)
                return
            # Only while this worker still holds the job (a lost lease means someone else runs it now).
            ended = SimulationRepository(session).finish(sim_id, worker=self.worker_id, **values)
            if ended:
                # The cost is settled in the same transaction that ends the run: a refund when we failed.
                billing.finalize(session, self.ctx, sim, refund=platform)
                self._freed(session, sim.account_id)
                if sim.callback_url or sim.sweep_id:
                    ended_row = SimulationRepository(session).get(sim_id)
                    assert ended_row is not None
                    callbacks.simulation_ended(session, self.ctx, ended_row)
                # In this order, once committed: the waiting request here gets the run in memory, then
                # every other process hears that it ended.
                after_commit(session, lambda: self._hand_off(sim, values, doc, phases))
                self.ctx.bus.publish(session, "done", sim_id)
        if ended:
            phases["stored"] = time.perf_counter()
            RUNS.labels(values["status"], runner_name or self.runner.name).inc()
            log.info("simulation %s %s in %.3f s", sim_id, values["status"],
                     outcome.provenance.get("total_wall_time_s", 0.0))
        else:
            log.warning("simulation %s ended here but is no longer this worker's; its outcome is dropped", sim_id)

    def _hand_off(self, sim: Simulation, values: dict[str, Any], doc: pa.Table | None,
                  phases: dict[str, float]) -> None:
        phases["stored"] = time.perf_counter()
        for key, value in values.items():  # the row as committed (sim is detached: nothing is written)
            setattr(sim, key, value)
        self.ctx.waiters.resolve(("simulation", sim.id), Finished(sim, doc, phases))

    def _freed(self, session: Session, account_id: str) -> None:
        """A run of this account ended: its queued jobs (held back by its tier's concurrent-run limit) may
        start now; say so, in the transaction that ends the run."""
        if SimulationRepository(session).has_queued(account_id):
            self.ctx.bus.publish(session, "jobs")

    def _fail(self, sim: Simulation, error: dict[str, Any]) -> None:
        with unit_of_work(self.ctx.sessions) as session:
            if SimulationRepository(session).finish(sim.id, worker=self.worker_id, status="failed",
                                                    finished_at=utcnow(), error=error):
                found = SimulationRepository(session).get(sim.id)
                assert found is not None
                billing.finalize(session, self.ctx, found, refund=bool(error.get("platform")))
                self._freed(session, sim.account_id)
                callbacks.simulation_ended(session, self.ctx, found)
                self.ctx.bus.publish(session, "done", sim.id)


def _progress(runner: Runner, sim_id: str) -> float | None:
    progress_of = getattr(runner, "progress", None)
    return progress_of(sim_id) if progress_of is not None else None


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=utcnow().tzinfo)
    return moment


def _dead_on_this_host(worker: str, me: str) -> bool:
    """The worker id names a process on this host that no longer exists (its jobs need no lease to pass)."""
    host, _, rest = worker.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit() or worker == me:
        return False
    if int(pid) == os.getpid():
        return True  # an earlier dispatcher of this very process (its jobs died with it)
    return not pid_alive(int(pid))


def fmu_model(ctx: Context, session: Session, sim: Simulation) -> Model | None:
    """The description kept at upload, for units and types (never a re-parse of the model)."""
    if sim.fmu_id.startswith("lib:"):
        entry = ctx.library.get(sim.fmu_id)
        model = library_model(ctx, entry) if entry is not None else None
    else:
        model = uploaded_model(session, ctx, sim.fmu_sha256)
    return model
