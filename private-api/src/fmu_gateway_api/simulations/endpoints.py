"""HTTP routes for simulations and their results."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal, cast

import orjson
import pyarrow as pa
from fastapi import APIRouter, Header, Path, Query, Request, Response, status
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from fmu_gateway_api.auth.edge import Caller
from fmu_gateway_api.billing import service as billing
from fmu_gateway_api.billing.pricing import Tier
from fmu_gateway_api.context import Context
from fmu_gateway_api.deps import ContextDep, CurrentAccount, SessionDep, json_body
from fmu_gateway_api.errors import Conflict
from fmu_gateway_api.fmus.models import Model
from fmu_gateway_api.kit import uow
from fmu_gateway_api.kit.negotiation import AcceptHeader, negotiate, parameters
from fmu_gateway_api.kit.waiters import Waiter
from fmu_gateway_api.simulations import columnar, service
from fmu_gateway_api.simulations.dispatcher import Dispatcher
from fmu_gateway_api.simulations.execution import Finished
from fmu_gateway_api.simulations.schemas import (
    ResultData,
    SimulationCreate,
    SimulationError,
    SimulationList,
    SimulationLog,
    SimulationOut,
    SimulationSummary,
)
from fmu_gateway_api.tables import Simulation, utcnow

router = APIRouter(tags=["simulations"])
SimId = Annotated[str, Path(pattern=r"^sim_[0-9a-f]{32}$")]
TERMINAL = ("succeeded", "failed", "cancelled")
Status = Literal["queued", "running", "succeeded", "failed", "cancelled"]
ARROW_FILE = "application/vnd.apache.arrow.file"


def _error(sim: Simulation) -> SimulationError | None:
    """What the caller sees of a failure: its problem type and detail (never the internal flags)."""
    if not sim.error:
        return None
    return SimulationError(type=str(sim.error.get("type", "error")), detail=str(sim.error.get("detail", "")))


def _status(sim: Simulation) -> Status:
    assert sim.status in TERMINAL or sim.status in ("queued", "running"), sim.status
    return cast(Status, sim.status)


def simulation_out(sim: Simulation, result: dict[str, Any] | None = None) -> SimulationOut:
    return SimulationOut(
        id=sim.id, status=_status(sim), fmu_id=sim.fmu_id, fmu_sha256=sim.fmu_sha256,
        cached=sim.cached, request=sim.request, kpis=sim.kpis, provenance=sim.provenance, error=_error(sim),
        created_at=sim.created_at, started_at=sim.started_at, finished_at=sim.finished_at,
        progress=1.0 if sim.status == "succeeded" else sim.progress,
        result_url=f"/v1/simulations/{sim.id}/result" if sim.status == "succeeded" else None,
        result=ResultData(**result) if result is not None else None,
    )


def _stored_result(ctx: Context, sim: Simulation) -> bytes:
    if sim.status != "succeeded" or not sim.result_sha256 or not ctx.blobs.exists(sim.result_sha256):
        raise Conflict(f"simulation '{sim.id}' has no result (status: {sim.status})",
                       slug="result-not-available", simulation_status=sim.status)
    return ctx.blobs.read_bytes(sim.result_sha256)


def _load_result(ctx: Context, sim: Simulation) -> pa.Table:
    return columnar.decode(_stored_result(ctx, sim))


def _arrow_codecs(accept: str | None) -> set[str]:
    """The IPC buffer codecs an Arrow client takes, as the Arrow project suggests for HTTP: a `codecs`
    parameter on the Arrow media type (`application/vnd.apache.arrow.stream; codecs="zstd, lz4"`)."""
    found: set[str] = set()
    for media in (columnar.ARROW_STREAM, ARROW_FILE):
        listed = parameters(accept, media).get("codecs", "")
        found.update(c.strip().lower() for c in listed.replace(",", " ").split())
    return found


@dataclass
class _Admitted:
    simulation: Simulation
    replayed: bool
    waiter: Waiter | None


def _admit(ctx: Context, caller: Caller, body: SimulationCreate, idempotency_key: str | None,
           payment_token: str | None, loop: asyncio.AbstractEventLoop) -> _Admitted:
    """Admission in a unit of work of its own, committed before anything waits: a cached result at once;
    else a paid job, inserted running for this process when it has room (handed over in memory once
    committed), or queued for any dispatcher (the bus wakes them). A replayed request waits for the run it
    made first."""
    dispatcher = ctx.dispatcher
    reserved: list[datetime] = []  # when this request holds one of the dispatcher's slots: since then

    def start(session: Session, sim: Simulation, tier: Tier) -> bool:
        if sim.lane != "standard" or dispatcher is None or not dispatcher.reserve():
            return False
        now = utcnow()
        if service.start_here(session, sim, tier, dispatcher.worker_id, now, dispatcher.lease_until(now)):
            reserved.append(now)
            return True
        dispatcher.release()
        return False

    waiter: Waiter | None = None
    key: tuple[str, str] | None = None
    with uow.unit_of_work(ctx.sessions) as session:
        try:
            try:
                admission = service.submit(session, ctx, caller, body, idempotency_key=idempotency_key,
                                           payment_token=payment_token, start=start)
            except billing.PaymentRequired as exc:
                # Nothing of the refused request survives; then the offer (balance, checkout link) in its
                # own units of work, with Stripe called outside any transaction.
                uow.rollback(session)
                billing.offer_checkout(ctx, exc)
                raise
            sim = admission.simulation
            key = ("simulation", sim.id)
            waiter = ctx.waiters.expect(key, loop) if sim.status not in TERMINAL else None  # before anything ends
            if admission.started:
                assert dispatcher is not None
                model, now = admission.fmu.model, reserved[0]
                uow.after_commit(session, lambda: _start_here(session, dispatcher, sim, now, model))
                ctx.bus.publish(session, "started", sim.id)
            elif sim.status == "queued" and not admission.replayed:
                ctx.bus.publish(session, "jobs")
            uow.commit(session)
        except BaseException:
            if reserved:
                assert dispatcher is not None
                dispatcher.release()
            if waiter is not None and key is not None:
                ctx.waiters.forget(key, waiter)
            raise
        return _Admitted(sim, admission.replayed, waiter)


def _start_here(session: Session, dispatcher: Dispatcher, sim: Simulation, now: datetime,
                model: Model) -> None:
    """After the admission committed: hand the job to this process's dispatcher (admitted running here)."""
    session.expunge(sim)  # the dispatcher owns it now; this request's session must not write it
    dispatcher.hand(sim, model)


def _read(ctx: Context, caller: Caller, sim_id: str) -> Simulation:
    with uow.unit_of_work(ctx.sessions) as session:
        sim = service.get(session, caller, sim_id)
        session.expunge(sim)
        return sim


@router.post("/v1/simulations", operation_id="createSimulation", response_model=SimulationOut,
             responses={202: {"model": SimulationOut}})
async def create_simulation(request: Request, ctx: ContextDep, caller: CurrentAccount,
                            body: Annotated[SimulationCreate, json_body(SimulationCreate)],
                            idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
                            payment_token: Annotated[str | None, Header(max_length=300)] = None) -> Response:
    """Admit, then wait (up to wait_s) for the end without holding a thread: the run ends here (handed
    over in memory) or in a worker (the bus says so)."""
    marks = {"start": getattr(request.state, "started_at", None) or time.perf_counter(),
             "endpoint": time.perf_counter()}
    admitted = await run_in_threadpool(_admit, ctx, caller, body, idempotency_key, payment_token,
                                       asyncio.get_running_loop())
    marks["admitted"] = time.perf_counter()
    sim, waiter = admitted.simulation, admitted.waiter
    document: pa.Table | None = None
    if waiter is not None:
        key = ("simulation", sim.id)
        wait = min(body.wait_s if body.wait_s is not None else ctx.settings.sim_default_wait_s,
                   ctx.settings.sim_max_wait_s)
        deadline = time.monotonic() + wait
        try:
            while True:
                await waiter.wait_async(max(0.0, deadline - time.monotonic()))
                if isinstance(waiter.value, Finished):  # ran here: handed over in memory, as committed
                    sim, document = waiter.value.simulation, waiter.value.result
                    marks.update(waiter.value.phases)
                    break
                ctx.waiters.forget(key, waiter)
                waiter = ctx.waiters.expect(key)  # before reading: an end from now on is not missed
                sim = await run_in_threadpool(_read, ctx, caller, sim.id)
                if sim.status in TERMINAL or time.monotonic() >= deadline:
                    break
        finally:
            ctx.waiters.forget(key, waiter)
    headers = {"Location": f"/v1/simulations/{sim.id}"}
    if admitted.replayed:
        headers["Idempotent-Replayed"] = "true"
    code = status.HTTP_200_OK if sim.status in TERMINAL else status.HTTP_202_ACCEPTED
    inline = sim.status == "succeeded" and body.inline_result
    if inline and document is None:
        document = await run_in_threadpool(_load_result, ctx, sim)
    payload = orjson.dumps(simulation_out(sim).model_dump(mode="json"))
    marks["responded"] = time.perf_counter()
    headers["Server-Timing"] = server_timing(marks)
    if not inline or document is None:
        return Response(payload, status_code=code, media_type="application/json", headers=headers)
    chunks = itertools.chain([payload[:-1], b',"result":'], columnar.json_chunks(document), [b"}"])
    cells = document.num_rows * document.num_columns
    if cells <= _LOOP_CELLS:  # tiny: rendered here, in less time than a hop to a worker thread takes
        return Response(b"".join(chunks), status_code=code, media_type="application/json", headers=headers)
    if cells <= _WHOLE_CELLS:  # small: one render, one write
        whole: bytes = await run_in_threadpool(_joined, chunks)
        return Response(whole, status_code=code, media_type="application/json", headers=headers)
    # A large result is rendered column by column while it is sent.
    return StreamingResponse(iterate_in_threadpool(chunks), status_code=code, media_type="application/json",
                             headers=headers)


# A result up to this many cells is rendered whole (a few hundred KB of JSON at most): each streamed chunk
# costs a hop to a worker thread and a write of its own, which for a small result took longer than the
# rendering itself.
_WHOLE_CELLS = 50_000
# Up to this many cells (~0.2 ms of rendering) the event loop renders it itself.
_LOOP_CELLS = 2_000


def _joined(chunks: Iterable[bytes]) -> bytes:
    return b"".join(chunks)


_PHASES = (("edge", "start", "endpoint"), ("admit", "endpoint", "admitted"), ("queue", "admitted", "claimed"),
           ("prepare", "claimed", "run"), ("sandbox", "run", "ran"), ("store", "ran", "stored"),
           ("respond", "stored", "responded"))


def server_timing(marks: dict[str, float]) -> str:
    """Where the request's time went (RFC Server-Timing; milliseconds), phases that happened here only."""
    parts = [f"{name};dur={(marks[b] - marks[a]) * 1000:.2f}" for name, a, b in _PHASES if a in marks and b in marks]
    parts.append(f"total;dur={(marks['responded'] - marks['start']) * 1000:.2f}")
    if "stored" not in marks and "admitted" in marks:
        parts.append(f"wait;dur={(marks['responded'] - marks['admitted']) * 1000:.2f}")
    return ", ".join(parts)


def simulation_summary(sim: Simulation) -> SimulationSummary:
    return SimulationSummary(
        id=sim.id, status=_status(sim), fmu_id=sim.fmu_id, fmu_sha256=sim.fmu_sha256, cached=sim.cached,
        kpis=sim.kpis, error=_error(sim), created_at=sim.created_at,
        started_at=sim.started_at, finished_at=sim.finished_at,
        progress=1.0 if sim.status == "succeeded" else sim.progress, url=f"/v1/simulations/{sim.id}",
        result_url=f"/v1/simulations/{sim.id}/result" if sim.status == "succeeded" else None)


@router.get("/v1/simulations", operation_id="listSimulations")
def list_simulations(session: SessionDep, caller: CurrentAccount,
                     limit: Annotated[int, Query(ge=1, le=500)] = 50) -> SimulationList:
    return SimulationList(items=[simulation_summary(s) for s in service.list_recent(session, caller, limit)])


@router.get("/v1/simulations/{simulation_id}", operation_id="getSimulation")
def get_simulation(simulation_id: SimId, session: SessionDep, caller: CurrentAccount) -> SimulationOut:
    return simulation_out(service.get(session, caller, simulation_id))


@router.delete("/v1/simulations/{simulation_id}", status_code=status.HTTP_202_ACCEPTED,
               operation_id="cancelSimulation")
def cancel_simulation(simulation_id: SimId, ctx: ContextDep, session: SessionDep,
                      caller: CurrentAccount) -> SimulationOut:
    """A queued job is cancelled (and refunded) at once; a running one is stopped within a second (the
    bus tells the dispatcher that runs it, wherever it is)."""
    key = ("simulation", simulation_id)
    waiter = ctx.waiters.expect(key)
    try:
        sim = service.cancel(session, caller, simulation_id, ctx)
        running = sim.status == "running"
        uow.commit(session)
        if running:
            waiter.wait(5.0)
    finally:
        ctx.waiters.forget(key, waiter)
    session.expire_all()
    return simulation_out(service.get(session, caller, simulation_id))


@router.get("/v1/simulations/{simulation_id}/result", operation_id="getSimulationResult",
            responses={200: {"content": {"application/json": {}, "text/csv": {}, columnar.ARROW_STREAM: {},
                                         columnar.PARQUET: {}}}})
def get_result(simulation_id: SimId, accept: AcceptHeader, ctx: ContextDep, session: SessionDep,
               caller: CurrentAccount,
               format: Annotated[str | None, Query(pattern="^(json|csv|arrow|parquet)$")] = None) -> Response:
    """The stored Arrow table, rendered as asked: JSON and CSV column by column while they are sent; Arrow
    as stored (zstd buffers) when the client lists that codec, else uncompressed."""
    sim = service.get(session, caller, simulation_id)
    kind = format or negotiate(accept, _RESULT_KINDS)
    if kind == "arrow":  # the stored stream as it is when the client takes zstd buffers: nothing re-encoded
        return Response(columnar.arrow_download(_stored_result(ctx, sim), _arrow_codecs(accept)),
                        media_type=columnar.ARROW_STREAM,
                        headers={"Content-Disposition": f'attachment; filename="{sim.id}.arrow"'})
    table = _load_result(ctx, sim)
    if kind == "csv":
        return StreamingResponse(iterate_in_threadpool(columnar.csv_chunks(table)),
                                 media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": f'attachment; filename="{sim.id}.csv"'})
    if kind == "parquet":
        return Response(columnar.parquet_bytes(table), media_type=columnar.PARQUET,
                        headers={"Content-Disposition": f'attachment; filename="{sim.id}.parquet"'})
    return StreamingResponse(iterate_in_threadpool(columnar.json_chunks(table, {"simulation_id": sim.id})),
                             media_type="application/json")


@router.get("/v1/simulations/{simulation_id}/log", operation_id="getSimulationLog",
            responses={200: {"content": {"text/plain": {}, "application/json": {}}}, 204: {}})
def get_log(simulation_id: SimId, accept: AcceptHeader, session: SessionDep, caller: CurrentAccount,
            format: Annotated[str | None, Query(pattern="^(text|json)$")] = None,
            tail: Annotated[int | None, Query(ge=1, le=100_000)] = None) -> Response:
    """The FMU's log messages, then the sandbox's stdout and stderr (capped per run)."""
    sim = service.get(session, caller, simulation_id)
    lines, truncated = service.log_lines(sim, tail)
    kind = format or negotiate(accept, _LOG_KINDS)
    if kind == "text":
        if not lines:
            return Response(status_code=status.HTTP_204_NO_CONTENT)
        return Response("\n".join(lines) + "\n", media_type="text/plain; charset=utf-8")
    doc = SimulationLog(simulation_id=sim.id, status=sim.status, lines=lines,  # type: ignore[arg-type]
                        truncated=truncated)
    return Response(doc.model_dump_json(), media_type="application/json")


_RESULT_KINDS = {"application/json": "json", "text/csv": "csv", columnar.ARROW_STREAM: "arrow",
                 columnar.PARQUET: "parquet", ARROW_FILE: "arrow",
                 "application/x-parquet": "parquet", "*/*": "json", "application/*": "json", "text/*": "csv"}
_LOG_KINDS = {"text/plain": "text", "application/json": "json", "*/*": "text", "text/*": "text",
              "application/*": "json"}
