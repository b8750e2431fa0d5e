"""Operations: request ids, JSON logs, Prometheus metrics and (optional) Sentry.

Every request gets an id (the caller's X-Request-ID if sane, else a new one); it is echoed in the
response, stamped on every log line written while the request (or the job it started) is handled, and
stored with the simulation so the dispatcher's lines for that run carry it too."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")

REGISTRY = CollectorRegistry()
HTTP_LATENCY = Histogram("fmu_gateway_http_request_duration_seconds", "HTTP request latency by route",
                         ["method", "route", "status"], registry=REGISTRY,
                         buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
RUNS = Counter("fmu_gateway_runs_total", "Simulations that ended, by status and runner backend",
               ["status", "backend"], registry=REGISTRY)
CREDITS_DEBITED = Counter("fmu_gateway_credits_debited_total", "Credits debited for admitted runs",
                          registry=REGISTRY)
QUEUE_DEPTH = Gauge("fmu_gateway_queue_depth", "Simulations queued or running", ["status"], registry=REGISTRY)
OUTBOX_PENDING = Gauge("fmu_gateway_outbox_pending", "Usage events not yet delivered to Stripe",
                       registry=REGISTRY)
OUTBOX_LAG = Gauge("fmu_gateway_outbox_lag_seconds", "Age of the oldest undelivered usage event",
                   registry=REGISTRY)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and any exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str, fmt: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


def configure_sentry(dsn: str | None, environment: str) -> bool:
    if not dsn:
        return False
    try:
        import sentry_sdk
    except ImportError:
        logging.getLogger(__name__).warning("SENTRY_DSN is set but sentry-sdk is not installed (extra 'sentry')")
        return False
    sentry_sdk.init(dsn=dsn, environment=environment, traces_sample_rate=0.0, send_default_pii=False)
    return True


def _route_template(scope: dict[str, Any]) -> str:
    """The matched route's template (`/v1/simulations/{simulation_id}`), never the raw path: a label per id
    would grow the metrics, and the process, without bound."""
    path = getattr(scope.get("route"), "path", None)  # set by the router once a route matched
    return str(path) if path else "unmatched"


class RequestContext:
    """ASGI middleware: request id in, request id out, latency by route template, and the moment the
    request arrived (`request.state.started_at`, for Server-Timing). Plain ASGI: no extra task per request."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        incoming = ""
        for name, value in scope.get("headers") or ():
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        rid = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(rid)
        scope.setdefault("state", {})["started_at"] = start
        status = 500

        async def send_with_id(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            HTTP_LATENCY.labels(scope["method"], _route_template(scope), str(status)).observe(
                time.perf_counter() - start)
            request_id_var.reset(token)


def refresh_gauges(ctx: Any) -> None:
    """The gauges read from the database (queue depth, outbox lag). Called in the background, never on a
    scrape: a scrape only renders what is already there."""
    from datetime import UTC

    from fmu_gateway_api.billing.repository import BillingRepository
    from fmu_gateway_api.kit.uow import unit_of_work
    from fmu_gateway_api.simulations.repository import SimulationRepository
    from fmu_gateway_api.tables import utcnow

    with unit_of_work(ctx.sessions) as session:
        counts = SimulationRepository(session).counts_by_status(("queued", "running"))
        pending, oldest = BillingRepository(session).outbox_backlog()
    for status in ("queued", "running"):
        QUEUE_DEPTH.labels(status).set(counts.get(status, 0))
    OUTBOX_PENDING.set(pending)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    OUTBOX_LAG.set((utcnow() - oldest).total_seconds() if oldest is not None else 0.0)


class GaugeRefresher:
    """A thread that refreshes the database-backed gauges every few seconds."""

    def __init__(self, ctx: Any, every_s: float = 5.0) -> None:
        import threading

        self.ctx, self.every_s = ctx, every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="metrics-gauges", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _loop(self) -> None:
        while True:
            try:
                refresh_gauges(self.ctx)
            except Exception:  # a database that is away now: the gauges keep their last values
                logging.getLogger(__name__).warning("refreshing the metrics gauges failed", exc_info=True)
            if self._stop.wait(self.every_s):
                return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def render_metrics() -> bytes:
    return generate_latest(REGISTRY)
