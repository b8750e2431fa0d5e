"""A job's end, once its runner is done with it: the result built and stored with its provenance, its cost
settled in the transaction that ends it, and the waiting request and every other process told; or the job
failed by the service itself (refunded)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pyarrow as pa
from sqlalchemy.orm import Session

from fmu_gateway_api.billing import service as billing
from fmu_gateway_api.callbacks import service as callbacks
from fmu_gateway_api.context import Context
from fmu_gateway_api.fmus.models import Model
from fmu_gateway_api.fmus.service import fmu_archive, library_model, uploaded_model
from fmu_gateway_api.kit.uow import after_commit, unit_of_work
from fmu_gateway_api.observability import RUNS
from fmu_gateway_api.runners.base import JobSpec, RunFailure, Runner, RunOutcome
from fmu_gateway_api.simulations import columnar
from fmu_gateway_api.simulations.repository import SimulationRepository
from fmu_gateway_api.simulations.service import LOG_CAP
from fmu_gateway_api.tables import Simulation, utcnow

log = logging.getLogger("fmu_gateway_api.simulations.dispatcher")  # the dispatcher's lines, wherever the code lives


@dataclass
class Finished:
    """A run that ended in this process, handed to the request waiting for it (no database round trip):
    the simulation as stored, its result table, and when each phase happened."""

    simulation: Simulation
    result: pa.Table | None
    phases: dict[str, float] = field(default_factory=dict)


# Jobs to run: one simulation, or a batch of one sweep's cases (one FMU), with its model and phase times
Ready = tuple[list[Simulation], Model | None, dict[str, float]]


def job_spec(ctx: Context, sim: Simulation) -> JobSpec:
    """What the runner needs for this job, its FMU unpacked on this host (once per host)."""
    r = sim.request
    assert ctx.sandbox is not None
    fmu_dir = ctx.sandbox.fmus.ensure(  # unpacked once per host
        sim.fmu_sha256, lambda: fmu_archive(ctx, sim.fmu_id, sim.fmu_sha256))
    return JobSpec(
        job_id=sim.id, fmu_sha256=sim.fmu_sha256, fmu_dir=fmu_dir,
        fmi_type=r["interface"], start_time=r["start_time"], stop_time=r["stop_time"],
        output_interval=r["output_interval"], solver=r["solver"] or "CVode",
        relative_tolerance=r["relative_tolerance"], step_size=r.get("step_size"),
        start_values=r["start_values"], inputs=r.get("inputs"), outputs=r["outputs"],
        timeout_s=sim.timeout_s, debug_logging=bool(r.get("debug_logging")),
    )


def store(ctx: Context, worker_id: str, ended: list[tuple[Simulation, RunOutcome]], model: Model | None,
          phases: dict[str, float], runner_name: str, requeue: Container[str]) -> None:
    """Runs' outcomes (one run's, or a batch's cases) stored and their costs settled in the one transaction
    that ends them, while this worker still holds them; then the waiting request here and every other
    process told. A job in `requeue` (its process is shutting down) goes back to the queue instead,
    untouched."""
    built = [_ending(ctx, sim, outcome, model) for sim, outcome in ended]
    stored: list[tuple[Simulation, dict[str, Any], RunOutcome]] = []
    queued: bool | None = None  # the account's queued jobs, as the last case's end saw them
    with unit_of_work(ctx.sessions) as session:
        for (sim, _), (values, doc, outcome) in zip(ended, built, strict=True):
            if sim.id in requeue:  # shutting down: hand the job to the next process, untouched
                SimulationRepository(session).requeue(sim.id, worker=worker_id)
                ctx.bus.publish(session, "jobs")
                log.warning("requeued %s at shutdown", sim.id)
                continue
            # Only while this worker still holds the job (a lost lease means someone else runs it now).
            ended_here = SimulationRepository(session).finish(sim.id, worker=worker_id, **values)
            if ended_here is None:
                log.warning("simulation %s ended here but is no longer this worker's; its outcome is dropped",
                            sim.id)
                continue
            queued = ended_here.queued
            platform = outcome.failure is not None and outcome.failure.platform
            _settle_run(ctx, session, sim, values, refund=platform,
                        hand_off=partial(_hand_off, ctx, sim, doc, phases))
            stored.append((sim, values, outcome))
        if stored:  # one account, one sweep (a batch's cases): looked at once, after every case ended
            _runs_ended(ctx, session, stored[0][0], queued)
    for sim, values, outcome in stored:
        phases["stored"] = time.perf_counter()
        RUNS.labels(values["status"], runner_name).inc()
        log.info("simulation %s %s in %.3f s", sim.id, values["status"],
                 outcome.provenance.get("total_wall_time_s", 0.0))


def _ending(ctx: Context, sim: Simulation, outcome: RunOutcome,
            model: Model | None) -> tuple[dict[str, Any], pa.Table | None, RunOutcome]:
    """The row's values as the run ends, its result table, and the outcome (a result the sandbox wrote that
    cannot be stored is the model's error)."""
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
                      result_sha256=ctx.blobs.put_bytes(columnar.encode(doc), kind="results"),
                      kpis=columnar.compute_kpis(doc, r.get("kpis") or []))
    else:
        failure = outcome.failure
        assert failure is not None
        cancelled = failure.slug == "simulation-cancelled"
        values.update(status="cancelled" if cancelled else "failed",
                      error={"type": failure.slug, "detail": failure.detail, "platform": failure.platform})
    return values, doc, outcome


def _hand_off(ctx: Context, sim: Simulation, doc: pa.Table | None,
              phases: dict[str, float]) -> None:
    phases["stored"] = time.perf_counter()
    ctx.waiters.resolve(("simulation", sim.id), Finished(sim, doc, phases))


def settle(ctx: Context, session: Session, sim: Simulation, values: dict[str, Any], *, refund: bool,
           hand_off: Callable[[], None] | None = None) -> None:
    """In the transaction that ended `sim` with `values`: its cost settled (refunded when the failure was the
    service's), its callback queued, its account's held-back jobs woken, its sweep's end looked at; once
    committed, in this order, the request waiting here handed the run (`hand_off`), then every other process
    told that it ended."""
    _settle_run(ctx, session, sim, values, refund=refund, hand_off=hand_off)
    _runs_ended(ctx, session, sim)


def _settle_run(ctx: Context, session: Session, sim: Simulation, values: dict[str, Any], *, refund: bool,
                hand_off: Callable[[], None] | None) -> None:
    """What is the run's own in `settle` (a transaction that ends a batch's cases does it for each)."""
    billing.finalize(session, ctx, sim, refund=refund)
    for key, value in values.items():  # the row as it ends (as `finish` wrote it)
        setattr(sim, key, value)
    callbacks.simulation_callback(session, ctx, sim)
    if hand_off is not None:
        after_commit(session, hand_off)
    ctx.bus.publish(session, "done", sim.id)


def _runs_ended(ctx: Context, session: Session, sim: Simulation, queued: bool | None = None) -> None:
    """What is its account's and sweep's in `settle` (once for a batch, after all its cases ended); `queued`:
    whether the account has queued jobs, when the transaction knows already."""
    freed(ctx, session, sim.account_id, queued)
    if sim.sweep_id:
        callbacks.sweep_progressed(session, ctx, sim.sweep_id)


def freed(ctx: Context, session: Session, account_id: str, queued: bool | None = None) -> None:
    """A run of this account ended: its queued jobs (held back by its tier's concurrent-run limit) may
    start now; say so, in the transaction that ends the run."""
    if queued is None:
        queued = SimulationRepository(session).has_queued(account_id)
    if queued:
        ctx.bus.publish(session, "jobs")


def fail(ctx: Context, worker_id: str, sim: Simulation, error: dict[str, Any]) -> None:
    """A run the service itself could not carry through: failed, refunded when the error is the platform's."""
    values: dict[str, Any] = {"status": "failed", "finished_at": utcnow(), "error": error}
    with unit_of_work(ctx.sessions) as session:
        if SimulationRepository(session).finish(sim.id, worker=worker_id, **values):
            settle(ctx, session, sim, values, refund=bool(error.get("platform")))


def progress(runner: Runner, sim_id: str) -> float | None:
    progress_of = getattr(runner, "progress", None)
    return progress_of(sim_id) if progress_of is not None else None


def fmu_model(ctx: Context, session: Session, sim: Simulation) -> Model | None:
    """The description kept at upload, for units and types (never a re-parse of the model)."""
    if sim.fmu_id.startswith("lib:"):
        entry = ctx.library.get(sim.fmu_id)
        model = library_model(ctx, entry) if entry is not None else None
    else:
        model = uploaded_model(session, ctx, sim.fmu_sha256)
    return model
