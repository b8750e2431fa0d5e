"""Internal endpoints that runner tasks call back: only a job-scoped token opens them.

`POST /internal/v1/jobs/{job_id}/complete`: an ECS runner task (runners/ecs_task.py) reports how its
sandbox ended. The token is the one the EcsRunner minted for that job (audience AUDIENCE_RUNNER, subject
and scope `job:<job_id>`); API keys, API-audience tokens and tokens of other jobs are refused with 401.
The report goes to the run waiting for it in this process (runners/ecs.py); on PostgreSQL, when the job
is running elsewhere, the bus tells the worker waiting for it, which reads the same report from S3
(jobs/<id>/done.json). A job that is not running anywhere is a 404.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from fmu_gateway_api.auth.tokens import AUDIENCE_RUNNER, InvalidToken, looks_like_jwt
from fmu_gateway_api.deps import ContextDep, bearer_token, json_body
from fmu_gateway_api.errors import NotFound, Unauthorized
from fmu_gateway_api.kit.bus import LocalBus
from fmu_gateway_api.kit.uow import unit_of_work
from fmu_gateway_api.simulations.repository import SimulationRepository

router = APIRouter(tags=["internal"])

JobId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,100}$")]


class JobCompletion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    started: bool = Field(description="the job passed its gate (model code ran); before it, failures are ours")
    exit_code: int | None = Field(default=None, ge=-255, le=255,
                                  description="the sandbox's exit code; negative: killed by signal")
    layers: dict[str, Any] | None = None
    timed_out: bool = False
    output_too_large: bool = False
    log: str = Field(default="", max_length=20000)
    error: str | None = Field(default=None, max_length=2000)


def job_token(request: Request, job_id: JobId, ctx: ContextDep) -> str:
    """The caller is the runner task of exactly this job, or nobody."""
    token = bearer_token(request)
    if token is None or not looks_like_jwt(token):
        raise Unauthorized("This endpoint accepts only the job token of a runner task.")
    try:
        claims = ctx.tokens.verify(token, AUDIENCE_RUNNER)
    except InvalidToken as exc:
        raise Unauthorized(f"The job token is not valid: {exc}") from None
    if claims.subject != job_id or f"job:{job_id}" not in claims.scopes:
        raise Unauthorized("The job token is for another job.")
    return job_id


@router.post("/internal/v1/jobs/{job_id}/complete", status_code=status.HTTP_204_NO_CONTENT,
             operation_id="completeJob", response_class=Response)
def complete_job(ctx: ContextDep, job_id: Annotated[str, Depends(job_token)],
                 body: Annotated[JobCompletion, json_body(JobCompletion, after=job_token)]) -> Response:
    """A runner task reports that its job's sandbox has ended: to the run waiting here, or through the bus
    to the worker that waits for it (which reads the same report from the task's done.json)."""
    from fmu_gateway_api.runners.ecs import report_completion

    if report_completion(job_id, body.model_dump(exclude_unset=True)):
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    with unit_of_work(ctx.sessions) as session:
        sim = SimulationRepository(session).get(job_id)
        if isinstance(ctx.bus, LocalBus) or sim is None or sim.status != "running":
            raise NotFound("No run of this job is waiting (it ended, or it was never started).")
        ctx.bus.publish(session, "report", job_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
