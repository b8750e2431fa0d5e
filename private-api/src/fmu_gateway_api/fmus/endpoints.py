"""HTTP routes for FMUs: upload, list, get, delete, variables and model info."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool

from fmu_gateway_api.deps import ContextDep, CurrentAccount, SessionDep
from fmu_gateway_api.errors import PayloadTooLarge
from fmu_gateway_api.fmus import service
from fmu_gateway_api.fmus.schemas import FmuList, FmuOut, ModelInfo, VariableList, VariableOut
from fmu_gateway_api.kit.upload import receive_file

router = APIRouter(tags=["fmus"])
FmuId = Annotated[str, Path(pattern=r"^([0-9a-f]{64}|lib:[A-Za-z0-9_.-]+(@fmi[23])?)$", max_length=100)]


def model_info(fmu: service.ResolvedFmu) -> ModelInfo:
    d = fmu.description
    variables = d["variables"]
    return ModelInfo(
        fmi_version=d["fmi_version"], model_name=d["model_name"], instantiation_token=d["instantiation_token"],
        description=d.get("description"), generation_tool=d.get("generation_tool"),
        interfaces=list(d["interfaces"]), model_identifiers=dict(d["model_identifiers"]),
        platforms=list(d["platforms"]), has_sources=bool(d["has_sources"]),
        built_from_sources=fmu.built_from_sources, default_experiment=d.get("default_experiment"),
        variable_count=len(variables),
        inputs=[v["name"] for v in variables if v["causality"] == "input"],
        outputs=[v["name"] for v in variables if v["causality"] == "output"],
        parameters=[v["name"] for v in variables if v["causality"] == "parameter"],
        states=list(d.get("states", [])),
    )


def fmu_out(fmu: service.ResolvedFmu) -> FmuOut:
    return FmuOut(id=fmu.fmu_id, sha256=fmu.sha256, source=fmu.source,  # type: ignore[arg-type]
                  filename=fmu.filename, size=fmu.size, created_at=fmu.created_at, model=model_info(fmu),
                  warnings=list(fmu.description.get("warnings") or []))


@router.post("/v1/fmus", status_code=status.HTTP_201_CREATED, operation_id="uploadFmu",
             responses={200: {"model": FmuOut}})
async def upload_fmu(request: Request, response: Response, ctx: ContextDep, session: SessionDep,
                     caller: CurrentAccount) -> FmuOut:
    tier = ctx.pricing.tier(caller.tier)
    limit = min(ctx.settings.max_upload_bytes, tier.max_fmu_bytes)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise PayloadTooLarge(f"The FMU is larger than the limit of {limit} bytes of the {tier.name} tier.",
                              slug="fmu-too-large", limit_bytes=limit)
    received = await receive_file(request.headers.get("content-type"), request.stream(),
                                  ctx.settings.data_dir / "uploads", limit)
    fmu, created = await run_in_threadpool(service.register_upload, session, ctx, caller, received)
    if not created:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/v1/fmus/{fmu.fmu_id}"
    return fmu_out(fmu)


@router.get("/v1/fmus", operation_id="listFmus")
def list_fmus(ctx: ContextDep, session: SessionDep, caller: CurrentAccount) -> FmuList:
    return FmuList(items=[fmu_out(f) for f in service.list_uploads(session, ctx, caller)])


@router.get("/v1/fmus/{fmu_id}", operation_id="getFmu")
def get_fmu(fmu_id: FmuId, ctx: ContextDep, session: SessionDep, caller: CurrentAccount) -> FmuOut:
    return fmu_out(service.resolve(session, ctx, caller, fmu_id))


@router.delete("/v1/fmus/{fmu_id}", status_code=status.HTTP_204_NO_CONTENT, operation_id="deleteFmu")
def delete_fmu(fmu_id: FmuId, ctx: ContextDep, session: SessionDep, caller: CurrentAccount) -> Response:
    service.delete(session, ctx, caller, fmu_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/v1/fmus/{fmu_id}/variables", operation_id="listFmuVariables")
def list_variables(fmu_id: FmuId, ctx: ContextDep, session: SessionDep, caller: CurrentAccount,
                   causality: Annotated[str | None, Query(pattern=r"^[a-zA-Z]+$", max_length=40)] = None,
                   limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
                   cursor: Annotated[str | None, Query(pattern=r"^[0-9]{1,9}$", max_length=9)] = None,
                   ) -> VariableList:
    """A page of variables in model-description order; the cursor is the position to continue from."""
    variables = service.resolve(session, ctx, caller, fmu_id).description["variables"]
    position = int(cursor) if cursor else 0
    items: list[VariableOut] = []
    while position < len(variables) and len(items) < limit:
        v = variables[position]
        position += 1
        if causality is None or v["causality"] == causality:
            items.append(VariableOut(**{k: v.get(k) for k in VariableOut.model_fields}))
    if causality is not None:  # the next page must hold something: skip what the filter drops
        while position < len(variables) and variables[position]["causality"] != causality:
            position += 1
    return VariableList(items=items, next_cursor=str(position) if position < len(variables) else None)


@router.get("/v1/fmus/{fmu_id}/model", operation_id="getFmuModelInfo")
def get_model_info(fmu_id: FmuId, ctx: ContextDep, session: SessionDep, caller: CurrentAccount) -> ModelInfo:
    return model_info(service.resolve(session, ctx, caller, fmu_id))
