"""HTTP routes for sweeps: quote, admit, progress, cancel, and the table of cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response, status
from fastapi.responses import StreamingResponse

from fmu_gateway_api.deps import ContextDep, CurrentAccount, SessionDep, json_body
from fmu_gateway_api.kit import uow
from fmu_gateway_api.kit.negotiation import AcceptHeader, negotiate
from fmu_gateway_api.sweeps import service
from fmu_gateway_api.sweeps.schemas import SweepCreate, SweepOut, SweepQuote, SweepTable

router = APIRouter(tags=["sweeps"])
SweepId = Annotated[str, Path(pattern=r"^swp_[0-9a-f]{32}$")]


@router.post("/v1/sweeps/quote", operation_id="quoteSweep")
def quote_sweep(ctx: ContextDep, session: SessionDep, caller: CurrentAccount,
                body: Annotated[SweepCreate, json_body(SweepCreate)]) -> SweepQuote:
    """Every case expanded and checked as admission would, nothing run or charged."""
    return service.quote(session, ctx, caller, body)


@router.post("/v1/sweeps", status_code=status.HTTP_201_CREATED, operation_id="createSweep",
             response_model=SweepOut)
def create_sweep(ctx: ContextDep, session: SessionDep, caller: CurrentAccount,
                 body: Annotated[SweepCreate, json_body(SweepCreate)],
                 idempotency_key: Annotated[str | None, Header(max_length=200)] = None) -> Response:
    """All the admitted cases paid and queued in one transaction (or 402, nothing changed); the workers
    take them from the queue in parallel."""
    sweep, replayed = service.submit(session, ctx, caller, body, idempotency_key)
    uow.commit(session)
    headers = {"Location": f"/v1/sweeps/{sweep.id}"}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    out = service.view(session, sweep)
    return Response(out.model_dump_json(), status_code=status.HTTP_201_CREATED, media_type="application/json",
                    headers=headers)


@router.get("/v1/sweeps/{sweep_id}", operation_id="getSweep")
def get_sweep(sweep_id: SweepId, session: SessionDep, caller: CurrentAccount) -> SweepOut:
    return service.view(session, service.get(session, caller, sweep_id))


@router.delete("/v1/sweeps/{sweep_id}", status_code=status.HTTP_202_ACCEPTED, operation_id="cancelSweep")
def cancel_sweep(sweep_id: SweepId, ctx: ContextDep, session: SessionDep, caller: CurrentAccount) -> SweepOut:
    """Queued cases cancelled and refunded at once; running ones finish (paid, and kept in the table)."""
    sweep = service.cancel(session, ctx, caller, sweep_id)
    uow.commit(session)
    return service.view(session, sweep)


_TABLE_KINDS = {"application/json": "json", "text/csv": "csv", "*/*": "json", "application/*": "json",
                "text/*": "csv"}


@router.get("/v1/sweeps/{sweep_id}/results", operation_id="getSweepResults",
            responses={200: {"content": {"application/json": {}, "text/csv": {}}}})
def get_sweep_results(sweep_id: SweepId, accept: AcceptHeader, session: SessionDep, caller: CurrentAccount,
                      format: Annotated[str | None, Query(pattern="^(json|csv)$")] = None) -> Response:
    sweep = service.get(session, caller, sweep_id)
    kind = format or negotiate(accept, _TABLE_KINDS)
    state, rows = service.table(session, sweep)
    if kind == "csv":
        return StreamingResponse(service.csv_chunks(sweep, rows), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": f'attachment; filename="{sweep.id}.csv"'})
    doc = SweepTable(sweep_id=sweep.id, status=state, parameters=sweep.parameters, kpis=sweep.kpis, rows=rows)
    return Response(doc.model_dump_json(), media_type="application/json")
