"""Liveness, readiness and the OpenAPI document (the file in shared-specs, served as it is)."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from fmu_gateway_api import __version__
from fmu_gateway_api.contract import contract_json, contract_yaml
from fmu_gateway_api.db import ping
from fmu_gateway_api.deps import ContextDep, bearer_token
from fmu_gateway_api.errors import ServiceUnavailable, Unauthorized, problem_response

router = APIRouter(tags=["meta"])


class Health(BaseModel):
    status: str
    version: str


class Readiness(BaseModel):
    status: str
    checks: dict[str, str]


@router.get("/v1/health", operation_id="getHealth")
def health() -> Health:
    return Health(status="ok", version=__version__)


@router.get("/v1/ready", operation_id="getReadiness", responses={503: {"description": "not ready"}})
def ready(ctx: ContextDep) -> JSONResponse:
    checks: dict[str, str] = {}
    try:
        ping(ctx.engine)
        checks["database"] = "ok"
    except Exception as exc:  # readiness reports, it does not raise
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        checks["blob_store"] = "ok" if ctx.blobs.healthy() else "error"
    except Exception as exc:  # a local disk or S3: either way, not ready
        checks["blob_store"] = f"error: {type(exc).__name__}"
    if ctx.role != "api":  # an API-only process runs no jobs: workers answer for their sandboxes
        runner = ctx.dispatcher.runner if ctx.dispatcher else None
        checks["runner"] = "ok" if runner is not None and runner.ready() else "error: not running"
        checks["sandbox"] = "ok" if ctx.sandbox is not None and ctx.sandbox.ready() else "error: not running"
    checks["library"] = f"ok ({len(ctx.library.models)} models)" if ctx.library.models else "empty"
    failing = [k for k, v in checks.items() if k != "library" and v != "ok"]
    if failing:
        return problem_response(ServiceUnavailable(f"not ready: {', '.join(failing)}", slug="not-ready",
                                                   checks=checks))
    return JSONResponse(Readiness(status="ok", checks=checks).model_dump())


@router.get("/metrics", operation_id="getMetrics")
def metrics(request: Request, ctx: ContextDep) -> Response:
    """Prometheus metrics: request latency by route, runs by status and backend, queue depth, credits
    debited, outbox lag (the database-backed gauges are refreshed in the background, not per scrape).

    With FMU_GATEWAY_METRICS_TOKEN set, only a scraper that sends it as its bearer is answered; without
    one, production answers nobody (development and tests answer everyone)."""
    from prometheus_client import CONTENT_TYPE_LATEST

    expected = ctx.settings.metrics_token
    if expected or ctx.settings.environment == "production":
        sent = bearer_token(request) or ""
        if not expected:
            raise Unauthorized("Metrics are off until the operator sets FMU_GATEWAY_METRICS_TOKEN.")
        if not hmac.compare_digest(sent.encode(), expected.encode()):
            raise Unauthorized("Send the metrics token: 'Authorization: Bearer <FMU_GATEWAY_METRICS_TOKEN>'.")

    from fmu_gateway_api.observability import render_metrics

    return Response(render_metrics(), media_type=CONTENT_TYPE_LATEST)


@router.get("/v1/openapi.yaml", operation_id="getOpenApiYaml", include_in_schema=True)
def openapi_yaml() -> Response:
    return Response(contract_yaml(), media_type="application/yaml")


@router.get("/v1/openapi.json", operation_id="getOpenApiJson")
def openapi_json() -> JSONResponse:
    return JSONResponse(contract_json())
