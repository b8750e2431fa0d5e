"""The FastAPI application: routers, error handlers and the lifespan that owns the dispatcher."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from fmu_gateway_api import __version__
from fmu_gateway_api.accounts.endpoints import router as keys_router
from fmu_gateway_api.billing.endpoints import router as billing_router
from fmu_gateway_api.billing.outbox import OutboxDispatcher
from fmu_gateway_api.context import Context
from fmu_gateway_api.errors import install_error_handlers
from fmu_gateway_api.fmus.endpoints import router as fmus_router
from fmu_gateway_api.fmus.service import ingest
from fmu_gateway_api.health.endpoints import router as health_router
from fmu_gateway_api.internal.endpoints import router as internal_router
from fmu_gateway_api.kit.bodylimit import BodyLimit, Limit
from fmu_gateway_api.library.endpoints import router as library_router
from fmu_gateway_api.migrate import upgrade
from fmu_gateway_api.observability import GaugeRefresher, RequestContext, configure_sentry
from fmu_gateway_api.runners.factory import make_runner
from fmu_gateway_api.runners.local import SandboxHost
from fmu_gateway_api.settings import Settings, get_settings
from fmu_gateway_api.simulations.dispatcher import Dispatcher
from fmu_gateway_api.simulations.endpoints import router as simulations_router

log = logging.getLogger(__name__)


def body_limit(settings: Settings) -> Limit:
    """FMU uploads up to the upload cap (the tier's own cap is checked by the route), multipart framing
    included, streamed to disk; every other body is JSON, up to max_json_bytes, held in memory."""
    upload = settings.max_upload_bytes + (1 << 20)

    def limit(method: str, path: str) -> tuple[int, bool]:
        if method == "POST" and path == "/v1/fmus":
            return upload, False
        return settings.max_json_bytes, True

    return limit


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Simulation requests wait for their result in worker threads; give them room.
        to_thread.current_default_thread_limiter().total_tokens = 200
        configure_sentry(settings.sentry_dsn, settings.environment)
        ctx = Context.create(settings)
        if migrate:
            upgrade(ctx.engine)
        ctx.sandbox = SandboxHost(settings)
        ctx.sandbox.start()  # strict mode refuses a machine that cannot apply Landlock and seccomp
        ctx.library.describer = lambda path, sha: ingest(ctx, path, sha)[0]
        rehearsal = ctx.library.get("lib:BouncingBall")
        if rehearsal is not None:  # a small model of ours, for idle sandboxes to warm up on
            ctx.sandbox.rehearse_on(rehearsal.path, rehearsal.sha256)
        ctx.dispatcher = Dispatcher(ctx, make_runner(settings, ctx.sandbox))
        ctx.dispatcher.start()
        gauges = GaugeRefresher(ctx)
        gauges.start()
        if ctx.stripe is not None:
            ctx.outbox = OutboxDispatcher(ctx)
            ctx.outbox.start()
        app.state.ctx = ctx
        try:
            yield
        finally:
            gauges.stop()
            if ctx.outbox is not None:
                ctx.outbox.stop()
            if ctx.dispatcher is not None:
                ctx.dispatcher.stop()
            ctx.sandbox.close()
            ctx.engine.dispose()

    app = FastAPI(title="FMU Gateway", version=__version__, lifespan=lifespan,
                  openapi_url=None, docs_url=None, redoc_url=None)
    app.add_middleware(BodyLimit, limit=body_limit(settings), budget=settings.max_json_bytes_in_flight)
    app.add_middleware(RequestContext)  # outside BodyLimit: a refused body is logged with its request id
    install_error_handlers(app)
    for router in (health_router, keys_router, billing_router, library_router, fmus_router, simulations_router,
                   internal_router):
        app.include_router(router)
    if settings.cors_origins:
        # Browser clients (the TypeScript SDK): the headers they send, and those of ours they must read.
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "Payment-Token", "X-Request-ID"],
            expose_headers=["Location", "Retry-After", "RateLimit", "RateLimit-Policy", "Idempotent-Replayed",
                            "X-Request-ID"],
            max_age=600)
    return app
