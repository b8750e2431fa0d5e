"""Describing an FMU: its archive checked, unpacked and described (and built, when it ships only sources)
in an ingest sandbox, once per FMU. Where this process has sandboxes (the all-in-one service, a worker) it
happens here; an API-only process queues it for a worker and waits for the bus to say it is done.

What the sandbox reports is attacker output: `fmus.description.validated` checks it field by field."""

from __future__ import annotations

import logging
import time
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from fmu_gateway_api.context import Context
from fmu_gateway_api.errors import NotFound, ProblemError, ServiceUnavailable
from fmu_gateway_api.fmus.description import DescriptionInvalid, validated
from fmu_gateway_api.fmus.repository import IngestRepository
from fmu_gateway_api.kit.blobs import BlobMissing
from fmu_gateway_api.kit.uow import unit_of_work
from fmu_gateway_api.runners.fmu_cache import IngestRejected, SandboxUnavailable
from fmu_gateway_api.tables import utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 2
INGEST_JOB = "ingest"  # the payload of a "jobs" notification for an ingest (dispatchers look there only then)
_QUEUE_MARGIN_S = 120.0  # on top of the build timeout: a worker has to take the job first


class FmuRejected(ProblemError):
    title = "FMU rejected"


Described = tuple[dict[str, Any], bool]  # (description, built from sources)


def describe_here(ctx: Context, archive: Path, sha256: str) -> Described:
    """In this process's ingest sandbox (which also unpacks the FMU into this host's cache)."""
    if ctx.sandbox is None:
        raise ServiceUnavailable("FMUs cannot be inspected here: this process runs no sandboxes",
                                 slug="sandbox-unavailable")
    try:
        result = ctx.sandbox.fmus.ingest(archive, sha256)
        return validated(result.description, ctx.settings.max_model_variables), result.built_from_sources
    except IngestRejected as exc:
        raise FmuRejected(exc.detail, slug=exc.slug, status=exc.status) from None
    except DescriptionInvalid as exc:
        raise FmuRejected(str(exc), slug="fmu-invalid-model-description") from None
    except SandboxUnavailable as exc:
        raise ServiceUnavailable(f"FMUs cannot be inspected now: {exc}", slug="sandbox-unavailable") from None


def describe(ctx: Context, sha256: str, source: str, archive: Path | None = None) -> Described:
    """The FMU's description: made here when this process has sandboxes (from `archive`, or the blob
    store), else by a worker (the archive must be in the blob store, or `source` a library model)."""
    if ctx.sandbox is not None:
        with _archive(ctx, sha256, source, archive) as path:
            return describe_here(ctx, path, sha256)
    return _describe_by_a_worker(ctx, sha256, source)


def _describe_by_a_worker(ctx: Context, sha256: str, source: str) -> Described:
    key = ("ingest", sha256)
    deadline = time.monotonic() + ctx.settings.build_timeout_s + _QUEUE_MARGIN_S
    queued = False
    while True:
        waiter = ctx.waiters.expect(key)  # before looking: an end signalled from now on is not missed
        try:
            with unit_of_work(ctx.sessions) as session:
                repo = IngestRepository(session)
                row = repo.get(sha256)
                if row is not None and row.status == "done":
                    assert row.description is not None
                    return validated(row.description, ctx.settings.max_model_variables), row.built_from_sources
                if row is not None and row.status == "failed" and queued:
                    error = row.error or {}
                    raise FmuRejected(str(error.get("detail") or "the FMU could not be described"),
                                      slug=str(error.get("type") or "fmu-invalid"),
                                      status=int(error.get("status") or 422))
                if not queued:
                    repo.enqueue(sha256, source, utcnow())
                    ctx.bus.publish(session, "jobs", INGEST_JOB)
                    queued = True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ServiceUnavailable("no worker described the FMU in time; retry later",
                                         slug="sandbox-unavailable")
            waiter.wait(remaining)
        finally:
            ctx.waiters.forget(key, waiter)


def _archive(ctx: Context, sha256: str, source: str, archive: Path | None) -> AbstractContextManager[Path]:
    if archive is not None:
        return nullcontext(archive)
    if source.startswith("library:"):
        model = ctx.library.get(source.removeprefix("library:"))
        if model is None:
            raise NotFound(f"no library model '{source}'")
        return nullcontext(model.path)
    return ctx.blobs.local_copy(sha256, kind="fmus")


def run_claimed(ctx: Context, sha256: str, worker: str) -> None:
    """A worker's side: describe a claimed ingest job and record what came out (then signal it)."""
    with unit_of_work(ctx.sessions) as session:
        row = IngestRepository(session).get(sha256)
        if row is None:
            return
        source, attempts = row.source, row.attempts
    values: dict[str, Any]
    try:
        description, built = describe(ctx, sha256, source)
        values = {"status": "done", "description": description, "built_from_sources": built, "error": None}
    except ProblemError as exc:
        platform = exc.status >= 500
        if platform and attempts < MAX_ATTEMPTS:
            log.warning("ingest of %s failed on our side (%s); queued again", sha256, exc.detail)
            with unit_of_work(ctx.sessions) as session:
                if IngestRepository(session).requeue(sha256):
                    ctx.bus.publish(session, "jobs", INGEST_JOB)
            return
        values = {"status": "failed", "error": {"type": exc.slug, "detail": exc.detail, "status": exc.status}}
    except BlobMissing:
        values = {"status": "failed", "error": {"type": "fmu-not-found", "status": 404,
                                                "detail": "the FMU's bytes are not in the blob store"}}
    values["finished_at"] = utcnow()
    with unit_of_work(ctx.sessions) as session:
        if IngestRepository(session).finish(sha256, worker, **values):
            ctx.bus.publish(session, "ingested", sha256)
