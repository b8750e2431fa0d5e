"""The FastAPI application: routers, error handlers and the lifespan that starts what a role needs."""

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
from fmu_gateway_api.callbacks.endpoints import router as callbacks_router
from fmu_gateway_api.context import Context, Role
from fmu_gateway_api.docs.endpoints import assets as docs_assets
from fmu_gateway_api.docs.endpoints import router as docs_router
from fmu_gateway_api.errors import install_error_handlers
from fmu_gateway_api.fmus import ingests
from fmu_gateway_api.fmus.endpoints import router as fmus_router
from fmu_gateway_api.health.endpoints import router as health_router
from fmu_gateway_api.internal.endpoints import router as internal_router
from fmu_gateway_api.kit.bodylimit import BodyLimit, Limit
from fmu_gateway_api.kit.routing import literal_paths_win
from fmu_gateway_api.library.endpoints import router as library_router
from fmu_gateway_api.migrate import pending, upgrade
from fmu_gateway_api.observability import GaugeRefresher, RequestContext, configure_sentry
from fmu_gateway_api.runners.factory import make_heavy_runner, make_runner
from fmu_gateway_api.runners.local import SandboxHost
from fmu_gateway_api.settings import Settings, get_settings
from fmu_gateway_api.simulations.dispatcher import Dispatcher
from fmu_gateway_api.simulations.endpoints import router as simulations_router
from fmu_gateway_api.sweeps.endpoints import router as sweeps_router

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


def create_app(settings: Settings | None = None, *, migrate: bool | None = None, role: Role = "all") -> FastAPI:
    """The service in one of its roles: `all` (the embedded default: the API and its sandboxes in one
    process), `api` (the edge only: no sandboxes; workers run the jobs) or `worker` (sandboxes and the job
    dispatcher; HTTP only for health, readiness, metrics and the ECS tasks' callback).

    Migrations: `all` outside production brings the database up to date itself (`make run`); otherwise
    that is `fmu-gateway-api migrate`'s job, and a process refuses to start on a database that is behind."""
    settings = settings or get_settings()
    if migrate is None:
        migrate = role == "all" and settings.environment != "production"

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Uploads and other blocking work run in worker threads; give them room.
        to_thread.current_default_thread_limiter().total_tokens = 200
        configure_sentry(settings.sentry_dsn, settings.environment)
        ctx = Context.create(settings, role)
        if migrate:
            upgrade(ctx.engine)
        else:
            behind = pending(ctx.engine)
            if behind is not None:
                raise RuntimeError(f"{behind}: run `fmu-gateway-api migrate` before starting the service")
        ctx.bus.start()
        ctx.library.describer = lambda model: ingests.describe(ctx, model.sha256, f"library:{model.id}")[0]
        gauges = GaugeRefresher(ctx)
        if role != "api":
            ctx.sandbox = SandboxHost(settings)
            ctx.sandbox.start()  # strict mode refuses a machine that cannot apply Landlock and seccomp
            rehearsal = ctx.library.get("lib:BouncingBall")
            if rehearsal is not None:  # a small model of ours, for idle sandboxes to warm up on
                ctx.sandbox.rehearse_on(rehearsal.path, rehearsal.sha256)
            ctx.dispatcher = Dispatcher(ctx, make_runner(settings, ctx.sandbox), make_heavy_runner(settings))
            ctx.dispatcher.start()
            ctx.outbox = OutboxDispatcher(ctx)  # Stripe usage (when payments are on) and completion callbacks
            ctx.outbox.start()
        gauges.start()
        app.state.ctx = ctx
        try:
            yield
        finally:
            gauges.stop()
            if ctx.outbox is not None:
                ctx.outbox.stop()
            if ctx.dispatcher is not None:
                ctx.dispatcher.stop()
            if ctx.sandbox is not None:
                ctx.sandbox.close()
            ctx.bus.close()
            ctx.engine.dispose()

    app = FastAPI(title="FMU Gateway", version=__version__, lifespan=lifespan,
                  openapi_url=None, docs_url=None, redoc_url=None)
    app.add_middleware(BodyLimit, limit=body_limit(settings), budget=settings.max_json_bytes_in_flight)
    app.add_middleware(RequestContext)  # outside BodyLimit: a refused body is logged with its request id
    install_error_handlers(app)
    routers = [health_router, internal_router]
    if role != "worker":
        routers += [keys_router, billing_router, library_router, fmus_router, simulations_router, sweeps_router,
                    callbacks_router, docs_router]
        app.mount("/docs/assets", docs_assets(), name="docs-assets")
    for router in routers:
        app.include_router(router)
    literal_paths_win(app.router.routes)
    if settings.cors_origins:
        # Browser clients (the TypeScript SDK): the headers they send, and those of ours they must read.
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "Payment-Token", "X-Request-ID"],
            expose_headers=["Location", "Retry-After", "RateLimit", "RateLimit-Policy", "Idempotent-Replayed",
                            "X-Request-ID"],
            max_age=600)
    return app
