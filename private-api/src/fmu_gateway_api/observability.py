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
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from fmu_gateway_api.kit.negotiation import vary

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
RUNTASK_THROTTLES = Counter("fmu_gateway_runtask_throttles_total", "ECS RunTask calls refused as throttled "
                            "(the run was retried or requeued, never failed)", registry=REGISTRY)
OLDEST_QUEUED_AGE = Gauge("fmu_gateway_oldest_queued_age_seconds", "Age of the oldest queued simulation",
                          registry=REGISTRY)
WORKERS = Gauge("fmu_gateway_workers", "Processes that run jobs (workers, all-in-one services) on this database",
                registry=REGISTRY)
BACKLOG_PER_WORKER = Gauge("fmu_gateway_backlog_per_worker", "Queued simulations per worker process",
                           registry=REGISTRY)
DB_QUERIES = Counter("fmu_gateway_db_queries_total", "Statements this process sent to the database",
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
    """ASGI middleware: request id in, request id out, latency by route template, the moment the request
    arrived (`request.state.started_at`, for Server-Timing), and `Vary: Accept` where the route negotiated
    (kit.negotiation). Plain ASGI: no extra task per request."""

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
                vary(scope, message)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            HTTP_LATENCY.labels(scope["method"], _route_template(scope), str(status)).observe(
                time.perf_counter() - start)
            request_id_var.reset(token)


class QueueSignals:
    """The autoscaling signals as of the last refresh; ages grow by themselves between refreshes."""

    def __init__(self) -> None:
        self.queued = 0
        self.running = 0
        self.workers = 1
        self.oldest_queued: datetime | None = None
        self.outbox_oldest: datetime | None = None
        self.throttles = 0  # RunTask calls ECS throttled, since the last publication to CloudWatch

    def throttled(self) -> None:
        self.throttles += 1
        RUNTASK_THROTTLES.inc()

    def take_throttles(self) -> int:
        taken, self.throttles = self.throttles, 0
        return taken

    def oldest_age_s(self) -> float:
        return _age(self.oldest_queued)

    def backlog_per_worker(self) -> float:
        return self.queued / max(self.workers, 1)


SIGNALS = QueueSignals()
OLDEST_QUEUED_AGE.set_function(SIGNALS.oldest_age_s)
BACKLOG_PER_WORKER.set_function(SIGNALS.backlog_per_worker)
OUTBOX_LAG.set_function(lambda: _age(SIGNALS.outbox_oldest))


def _age(moment: datetime | None) -> float:
    from datetime import UTC

    if moment is None:
        return 0.0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (datetime.now(UTC) - moment).total_seconds())


def refresh_gauges(ctx: Any) -> None:
    """The gauges read from the database (queue depth, oldest queued job, workers, outbox). Called in the
    background when the bus says something changed, never on a scrape."""
    from fmu_gateway_api.billing.repository import BillingRepository
    from fmu_gateway_api.kit.uow import unit_of_work
    from fmu_gateway_api.simulations.repository import SimulationRepository

    with unit_of_work(ctx.sessions) as session:
        repo = SimulationRepository(session)
        counts = repo.counts_by_status(("queued", "running"))
        SIGNALS.oldest_queued = repo.oldest_queued()
        SIGNALS.workers = repo.worker_processes() if repo.postgres else int(ctx.dispatcher is not None)
        pending, oldest = BillingRepository(session).outbox_backlog()
    SIGNALS.queued, SIGNALS.running = counts.get("queued", 0), counts.get("running", 0)
    SIGNALS.outbox_oldest = oldest
    for status in ("queued", "running"):
        QUEUE_DEPTH.labels(status).set(counts.get(status, 0))
    WORKERS.set(SIGNALS.workers)
    OUTBOX_PENDING.set(pending)


class GaugeRefresher:
    """A thread that refreshes the database-backed gauges when the bus says the queue or the outbox
    changed (at most once a second); idle, it sends nothing to the database. With a CloudWatch namespace
    (workers), it also publishes the autoscaling signals once a minute."""

    def __init__(self, ctx: Any, debounce_s: float = 1.0) -> None:
        import threading

        self.ctx, self.debounce_s = ctx, debounce_s
        self._stop = threading.Event()
        self._dirty = threading.Event()
        self._dirty.set()  # once at start
        self._thread = threading.Thread(target=self._loop, name="metrics-gauges", daemon=True)
        self._publisher: threading.Thread | None = None
        for channel in ("jobs", "started", "done", "outbox"):
            ctx.bus.subscribe(channel, lambda _payload: self._dirty.set())

    def start(self) -> None:
        self._thread.start()
        namespace = self.ctx.settings.cloudwatch_namespace
        if namespace and self.ctx.role != "api":
            import threading

            self._publisher = threading.Thread(target=self._publish, args=(namespace,), name="metrics-cloudwatch",
                                               daemon=True)
            self._publisher.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._dirty.wait()
            if self._stop.is_set():
                return
            self._dirty.clear()
            try:
                refresh_gauges(self.ctx)
            except Exception:  # a database that is away now: the gauges keep their last values
                logging.getLogger(__name__).warning("refreshing the metrics gauges failed", exc_info=True)
            self._stop.wait(self.debounce_s)

    def _publish(self, namespace: str) -> None:
        import boto3

        client = boto3.client("cloudwatch", region_name=self.ctx.settings.aws_region,
                              endpoint_url=self.ctx.settings.aws_endpoint_url)
        while not self._stop.wait(60.0):
            try:
                client.put_metric_data(Namespace=namespace, MetricData=cloudwatch_data())
            except Exception:
                logging.getLogger(__name__).warning("publishing to CloudWatch failed", exc_info=True)

    def stop(self) -> None:
        self._stop.set()
        self._dirty.set()
        self._thread.join(timeout=10)


def cloudwatch_data() -> list[dict[str, Any]]:
    """The autoscaling signals and what the stack's alarms watch, as CloudWatch metric data (no dimensions;
    deploy/infra/fmu_gateway_infra/monitoring.py names the same metrics)."""
    return [{"MetricName": "QueueDepth", "Value": float(SIGNALS.queued), "Unit": "Count"},
            {"MetricName": "OldestQueuedAgeSeconds", "Value": SIGNALS.oldest_age_s(), "Unit": "Seconds"},
            {"MetricName": "RunningJobs", "Value": float(SIGNALS.running), "Unit": "Count"},
            {"MetricName": "BacklogPerWorker", "Value": SIGNALS.backlog_per_worker(), "Unit": "Count"},
            {"MetricName": "RunTaskThrottles", "Value": float(SIGNALS.take_throttles()), "Unit": "Count"},
            {"MetricName": "OutboxLagSeconds", "Value": _age(SIGNALS.outbox_oldest), "Unit": "Seconds"}]


def render_metrics() -> bytes:
    return generate_latest(REGISTRY)
