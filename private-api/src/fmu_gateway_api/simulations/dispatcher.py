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
counted.

This module is the dispatcher's threads and its bookkeeping; how a run ends (result stored, cost settled,
waiters and other processes told) is execution.py, and taking back the jobs of lost workers is leases.py."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections import deque
from datetime import datetime, timedelta

from fmu_gateway_api.context import Context
from fmu_gateway_api.fmus import ingests
from fmu_gateway_api.fmus.models import Model
from fmu_gateway_api.fmus.repository import IngestRepository
from fmu_gateway_api.kit.bus import RESYNC
from fmu_gateway_api.kit.uow import unit_of_work
from fmu_gateway_api.observability import request_id_var
from fmu_gateway_api.runners.base import Runner, RunOutcome
from fmu_gateway_api.simulations import columnar, execution, leases
from fmu_gateway_api.simulations.execution import Ready
from fmu_gateway_api.simulations.repository import SimulationRepository
from fmu_gateway_api.tables import Simulation, utcnow

log = logging.getLogger(__name__)
_WATCH_S = 0.5


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
                progress = {i: p for i in ids if (p := execution.progress(self._runner(i), i)) is not None
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
            handed = [sim.id for sims, _model, _phases in self._ready for sim in sims]
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
        """Jobs whose worker is gone taken back (leases.reap); the jobs others still hold tracked by lease."""
        tracked = leases.reap(self.ctx, self.worker_id, at_start, self._wake_at)
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
        """`id`: stop that job; `pending:id`: a sweep's case claimed in a batch, only if its sandbox has not
        reached it yet (see SandboxRunner.cancel_pending)."""
        if payload == RESYNC:
            self._resync.set()
            return
        sim_id = payload.removeprefix("pending:")
        with self._lock:
            here = sim_id in self._running
        if not here:
            return
        runner = self._runner(sim_id)
        if sim_id == payload:
            runner.cancel(sim_id)
        elif (cancel_pending := getattr(runner, "cancel_pending", None)) is not None:
            cancel_pending(sim_id)

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
            self._ready.append(([sim], model, {"claimed": time.perf_counter()}))
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
        elif self._maybe["standard"].is_set():
            # There may be more, and the other threads may have looked while this one claimed (and gone to
            # sleep): with room here, wake them now that the claim has committed.
            with self._lock:
                room = self._busy < self._capacity
            if room:
                self.wake()
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
            try:
                self._run(claimed)
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
            threading.Thread(target=self._run_heavy, args=(claimed,), name=f"heavy-{claimed[0][0].id}",
                             daemon=True).start()

    def _run_heavy(self, claimed: Ready) -> None:
        assert self.heavy is not None
        try:
            self._run(claimed, self.heavy)
        finally:
            with self._lock:
                self._heavy_busy -= 1
            self.wake()

    def _run(self, claimed: Ready, runner: Runner | None = None) -> None:
        """A claimed job run to its end (by the heavy runner when given); one the service itself fails while
        running it is failed and refunded."""
        sims, model, phases = claimed
        try:
            self._execute(sims, model, phases, runner)
        except Exception:
            log.exception("%s %s failed in the dispatcher", "job" if runner is None else "heavy job",
                          ", ".join(sim.id for sim in sims))
            for sim in sims:
                execution.fail(self.ctx, self.worker_id, sim, {
                    "type": "internal-error", "detail": "the service failed while running this simulation",
                    "platform": True})

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
                model = execution.fmu_model(self.ctx, session, sim)
                sims = [sim]
                most = self._batch_room(sim, model, lane)
                if most:
                    sims += SimulationRepository(session).claim_cases(sim, self.worker_id, now, self.lease_until(now),
                                                                      most, spread=self._capacity)
                with self._lock:
                    self._running.update(s.id for s in sims)
                for s in sims:
                    self.ctx.bus.publish(session, "started", s.id)
                return sims, model, phases
        except BaseException:
            self._maybe[lane].set()  # not looked at after all
            raise

    def _batch_room(self, sim: Simulation, model: Model | None, lane: str) -> int:
        """How many more cases of `sim`'s sweep may run with it in one sandbox (see runners.scaffold.run_batch):
        none unless it is a sweep's case on its first try, on this host's own sandboxes, with no input
        signals (each case's would travel in the one message), of a model known to allow more than one
        instance per process."""
        batch = self.ctx.settings.sweep_batch
        once = (model.description.get("once_per_process") if model is not None else None)
        if (batch <= 1 or sim.sweep_id is None or sim.attempts != 1 or lane != "standard" or once is None
                or sim.request.get("interface") in once or sim.request.get("inputs")
                or not hasattr(self.runner, "run_batch")):
            return 0
        return batch - 1

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

    def _execute(self, sims: list[Simulation], model: Model | None, phases: dict[str, float],
                 runner: Runner | None = None) -> None:
        """One job, or a batch of one sweep's cases (one FMU) in one sandbox; a case the batch never reached
        goes back to the queue, its attempt not counted."""
        first = sims[0]
        runner = runner or self.runner
        request_id_var.set(first.request_id)  # this thread's log lines carry the request that started the job
        assert self.ctx.sandbox is not None
        fmus = self.ctx.sandbox.fmus
        fmus.hold(first.fmu_sha256)  # before it is looked up: the cache never evicts what a run is about to read
        try:
            with self._lock:
                for sim in sims:
                    self._running.add(sim.id)
                    self._runner_of[sim.id] = runner
            specs = [execution.job_spec(self.ctx, sim) for sim in sims]
            phases["run"] = time.perf_counter()
            outcomes = runner.run_batch(specs) if len(specs) > 1 else [runner.run(specs[0])]  # type: ignore[attr-defined]
        finally:
            fmus.drop(first.fmu_sha256)
            with self._lock:
                for sim in sims:
                    self._running.discard(sim.id)
                    self._runner_of.pop(sim.id, None)
        phases["ran"] = time.perf_counter()
        failure = outcomes[0].failure if len(sims) == 1 and outcomes[0] is not None else None
        if failure is not None and failure.retry_after_s is not None:
            self._put_off(first.id, failure.retry_after_s, failure.detail)
            return
        # Back to the queue: a batch's cases its sandbox never reached (their attempt not counted), and the
        # cases that failed after another case had run in their process, to run again on their own (their
        # attempt counted: never batched again): the outcome of a case alone is what counts and is charged.
        not_reached = [sim for sim, outcome in zip(sims, outcomes, strict=True) if outcome is None]
        alone = [sim for i, (sim, outcome) in enumerate(zip(sims, outcomes, strict=True))
                 if i > 0 and outcome is not None and _rerun_alone(outcome)]
        if not_reached or alone:
            with unit_of_work(self.ctx.sessions) as session:
                for sim in not_reached:
                    SimulationRepository(session).requeue(sim.id, worker=self.worker_id, attempt_counts=False)
                for sim in alone:
                    log.info("simulation %s failed in a batch; it runs again on its own", sim.id)
                    SimulationRepository(session).requeue(sim.id, worker=self.worker_id)
                self.ctx.bus.publish(session, "jobs")
        execution.store(self.ctx, self.worker_id,
                        [(sim, outcome) for sim, outcome in zip(sims, outcomes, strict=True)
                         if outcome is not None and sim not in alone],
                        model, phases, runner.name, self._requeue)

    def _put_off(self, sim_id: str, delay_s: float, why: str) -> None:
        """The runner could not start the job yet: back to the queue, not before the delay, its attempt not
        counted (nothing ran, nothing is charged again: the debit stays with the job)."""
        not_before = utcnow() + timedelta(seconds=delay_s)
        with unit_of_work(self.ctx.sessions) as session:
            if SimulationRepository(session).requeue(sim_id, worker=self.worker_id, not_before=not_before,
                                                     attempt_counts=False):
                log.warning("simulation %s put back in the queue for %.1f s: %s", sim_id, delay_s, why)
        self._wake_at(not_before)


def _rerun_alone(outcome: RunOutcome) -> bool:
    """A batch's case (not its first) whose failure may come from the cases before it in its process (a
    leak, state a model kept): the model's own failures, not a timeout (each case has its own), a cancel
    or the service's failure."""
    failure = outcome.failure
    return (failure is not None and not failure.platform
            and failure.slug not in ("simulation-timeout", "simulation-cancelled"))
