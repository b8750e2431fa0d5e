"""ECS backend: one Fargate task of the runner image per run (deploy/ecs/runner-task-definition.json.tmpl).

A run: the job (model.fmu and job.json, the same job file every backend writes) goes to S3 under
`jobs/<job_id>/`, with a manifest `task.json` of presigned URLs for exactly that job's objects (GET job.json
and model.fmu, PUT out/<name> and done.json), all expiring with the job; a job-scoped token is minted
(audience AUDIENCE_RUNNER, subject and only scope the job); `RunTask` starts the runner task definition with
the job token and the manifest's own presigned URL in its container overrides, which run `ecs_task.py`
instead of the sandbox directly. The task needs no task role and holds no AWS credentials: a hostile model
in it can reach its own job's objects and nothing else. In the task, ecs_task.py fetches the job, runs the
same sandbox.py as a subprocess, PUTs `out/` and `done.json` and POSTs the exit code to
`/internal/v1/jobs/<job_id>/complete` with the job token (internal/endpoints.py hands it to the waiting run
here).

The run waits for that report while one poller per process reads the states of all its tasks once a second,
up to 100 tasks per DescribeTasks call: a task that does not start within
`ecs_start_timeout_s` and one that does not report within the job's timeout plus `ecs_completion_margin_s`
is stopped and the run fails as the platform's fault (refunded); a task that stopped without a report fails
the same way, unless its done.json is there (the callback may have reached another API replica). Then the
artifacts are downloaded (regular names only, size-capped) and classified by runners/outcome.py like every
other backend's.

RunTask throttled (ThrottlingException and kin, or Fargate short of capacity) is retried with jittered
exponential backoff for `ecs_throttle_budget_s`; past it the run ends with `retry_after_s` set and the
dispatcher puts the job back in the queue (no attempt used, nothing charged again): a throttled run is
delayed, never failed. The task definition is pinned by revision (`family:revision` or its ARN); a bare
family, which would start whatever revision is newest, is refused in production.

Configuration (Settings, settings.py): FMU_GATEWAY_ECS_CLUSTER, FMU_GATEWAY_ECS_RUNNER_TASK_DEFINITION,
FMU_GATEWAY_ECS_SUBNETS (comma list), FMU_GATEWAY_ECS_SECURITY_GROUPS (comma list), FMU_GATEWAY_S3_BUCKET,
FMU_GATEWAY_AWS_REGION (or AWS_REGION, AWS_DEFAULT_REGION),
FMU_GATEWAY_AWS_ENDPOINT_URL (moto, LocalStack), FMU_GATEWAY_ECS_START_TIMEOUT_S (120),
FMU_GATEWAY_ECS_COMPLETION_MARGIN_S (60), FMU_GATEWAY_ECS_CONTAINER_NAME (runner),
FMU_GATEWAY_ECS_CALLBACK_URL (the public URL when unset), FMU_GATEWAY_ECS_THROTTLE_BUDGET_S (60).
"""

from __future__ import annotations

import json
import logging
import random
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fmu_gateway_api.auth.tokens import AUDIENCE_RUNNER, TokenService, load_signing_keys
from fmu_gateway_api.observability import SIGNALS
from fmu_gateway_api.runners import ecs_task
from fmu_gateway_api.runners import outcome as oc
from fmu_gateway_api.runners.base import JobSpec, RunFailure, RunOutcome
from fmu_gateway_api.runners.fmu_cache import zip_tree
from fmu_gateway_api.runners.scaffold import run_limits
from fmu_gateway_api.settings import Settings

log = logging.getLogger(__name__)

TASK_ENTRY_IN_IMAGE = "/opt/fmu-gateway/ecs_task.py"
PYTHON_IN_IMAGE = "/opt/venv/bin/python"
CALLBACK_PATH = "/internal/v1/jobs/{job_id}/complete"
OUT_NAMES = ecs_task.OUT_NAMES
JOB_ID_RE = ecs_task.JOB_ID_RE
_STARTING = ("PROVISIONING", "PENDING", "ACTIVATING")
_LOG_CAP = ecs_task.LOG_CAP
DESCRIBE_BATCH = 100  # DescribeTasks takes at most 100 tasks
_THROTTLE_CODES = frozenset({"ThrottlingException", "Throttling", "TooManyRequestsException",
                             "RequestLimitExceeded", "ServerException"})
_PINNED = re.compile(r"^(arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition/)?[A-Za-z0-9_-]+:\d+$")


class Throttled(Exception):
    """RunTask refused for now (rate or capacity): worth trying again later."""


def _throttled(exc: BaseException) -> bool:
    code = getattr(exc, "response", {}).get("Error", {}).get("Code") if hasattr(exc, "response") else None
    return code in _THROTTLE_CODES


def _capacity_failure(reason: str) -> bool:
    """RunTask's `failures` that mean "not now" rather than "never" (Fargate's capacity, account limits)."""
    lowered = reason.lower()
    return any(word in lowered for word in ("capacity", "throttl", "rate exceeded", "resource:"))


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


@dataclass(frozen=True)
class EcsConfig:
    cluster: str
    task_definition: str
    subnets: list[str]
    security_groups: list[str]
    bucket: str
    region: str | None
    endpoint_url: str | None
    start_timeout_s: float
    completion_margin_s: float
    container_name: str
    throttle_budget_s: float = 60.0
    poll_s: float = 1.0

    @classmethod
    def from_settings(cls, settings: Settings) -> EcsConfig:
        cfg = cls(
            cluster=settings.ecs_cluster or "",
            task_definition=settings.ecs_runner_task_definition or "",
            subnets=_split(settings.ecs_subnets),
            security_groups=_split(settings.ecs_security_groups),
            bucket=settings.s3_bucket or "",
            region=settings.aws_region or None,
            endpoint_url=settings.aws_endpoint_url or None,
            start_timeout_s=settings.ecs_start_timeout_s,
            completion_margin_s=settings.ecs_completion_margin_s,
            throttle_budget_s=settings.ecs_throttle_budget_s,
            container_name=settings.ecs_container_name,
        )
        if settings.environment == "production" and not _PINNED.match(cfg.task_definition):
            raise ValueError("FMU_GATEWAY_ECS_RUNNER_TASK_DEFINITION must name a revision (family:revision or its "
                             f"ARN), not {cfg.task_definition!r}: a bare family starts whatever is newest")
        missing = [name for name, value in (
            ("FMU_GATEWAY_ECS_CLUSTER", cfg.cluster), ("FMU_GATEWAY_ECS_RUNNER_TASK_DEFINITION",
                                                      cfg.task_definition),
            ("FMU_GATEWAY_ECS_SUBNETS", cfg.subnets), ("FMU_GATEWAY_S3_BUCKET", cfg.bucket)) if not value]
        if missing:
            raise ValueError(f"the ECS runner needs {', '.join(missing)}")
        return cfg


@dataclass
class _Job:
    job_id: str
    done: threading.Event = field(default_factory=threading.Event)
    report: dict[str, Any] | None = None
    task_arn: str | None = None
    cancelled: bool = False
    progress: float | None = None
    progress_at: float = 0.0


# Runs waiting for their task's report, by job id: the internal callback endpoint reaches them here.
_WAITING: dict[str, _Job] = {}
_WAITING_LOCK = threading.Lock()


def report_completion(job_id: str, report: dict[str, Any]) -> bool:
    """Hand a task's report to the run waiting for it in this process; False when none is."""
    with _WAITING_LOCK:
        job = _WAITING.get(job_id)
        if job is None or job.report is not None:
            return False
        job.report = dict(report)
    job.done.set()
    return True


def is_waiting(job_id: str) -> bool:
    with _WAITING_LOCK:
        return job_id in _WAITING


class EcsRunner:
    name = "ecs"

    def __init__(self, settings: Settings, tokens: TokenService | None = None, *,
                 ecs_client: Any = None, s3_client: Any = None) -> None:
        self.settings = settings
        self.config = EcsConfig.from_settings(settings)
        self.tokens = tokens or TokenService(load_signing_keys(settings.jwt_keys, settings.data_dir),
                                             issuer=settings.jwt_issuer, ttl_s=settings.jwt_ttl_s)
        if ecs_client is None or s3_client is None:
            import boto3
            from botocore.config import Config

            session = boto3.session.Session(region_name=self.config.region)
            kwargs = {"endpoint_url": self.config.endpoint_url} if self.config.endpoint_url else {}
            ecs_client = ecs_client or session.client("ecs", **kwargs)
            # SigV4 presigned URLs: the only S3 access a runner task has.
            s3_client = s3_client or session.client("s3", config=Config(signature_version="s3v4"), **kwargs)
        self.ecs = ecs_client
        self.s3 = s3_client
        self._jobs: dict[str, _Job] = {}
        self._lock = threading.Lock()
        self._closed = False
        # What the poller last read of each task it tracks (None: ECS does not know it), and how many
        # DescribeTasks calls failed in a row.
        self._states: dict[str, dict[str, Any] | None] = {}
        self._describe_failures = 0
        self._poller: threading.Thread | None = None
        self._sleep = time.sleep  # the throttling backoff's (tests wait for nothing)

    # -- Runner --------------------------------------------------------------------------------------
    def run(self, job: JobSpec) -> RunOutcome:
        t0 = time.perf_counter()
        if not JOB_ID_RE.match(job.job_id):
            return oc.platform_failure("the job id cannot name an ECS run")
        entry = _Job(job.job_id)
        with _WAITING_LOCK:
            _WAITING[job.job_id] = entry
        with self._lock:
            self._jobs[job.job_id] = entry
        prefix = f"jobs/{job.job_id}/"
        local: Path | None = None
        try:
            manifest_url = self._upload_job(job, prefix)
            if entry.cancelled:
                return oc.cancelled()
            try:
                entry.task_arn = self._start_task_backing_off(job, manifest_url, entry)
            except Throttled as exc:
                if entry.cancelled:
                    return oc.cancelled()
                retry = min(60.0, max(5.0, self.config.throttle_budget_s / 2))
                return RunOutcome(None, RunFailure("runner-throttled", f"ECS did not start the task yet ({exc}); "
                                                   "the run goes back to the queue", platform=True,
                                                   retry_after_s=retry))
            if entry.cancelled:  # cancelled while RunTask was on its way
                self._stop(entry.task_arn, "cancelled")
                return oc.cancelled()
            waited = self._wait(job, entry)
            if waited is not None:
                return self._finish(waited, entry, t0)
            report = entry.report or {}
            if report.get("error") or not report.get("started"):
                reason = str(report.get("error") or "the model never ran")[:300]
                result = oc.platform_failure(f"the runner task failed: {reason}")
            elif report.get("timed_out"):
                result = oc.timed_out(job.timeout_s, str(report.get("log") or "")[-_LOG_CAP:])
            elif report.get("output_too_large"):
                result = oc.output_too_large(self.settings.runner_max_output_bytes)
            else:
                local = Path(tempfile.mkdtemp(prefix=f"ecs-{job.job_id}-"))
                result = self._collect(job, prefix, local, report)
            return self._finish(result, entry, t0)
        except Exception as exc:  # AWS errors (botocore), the network, and anything else of ours
            log.exception("the ECS run of %s failed", job.job_id)
            return self._finish(oc.platform_failure(f"the sandbox could not run: {_short(exc)}"), entry, t0)
        finally:
            with _WAITING_LOCK:
                _WAITING.pop(job.job_id, None)
            with self._lock:
                self._jobs.pop(job.job_id, None)
            if entry.task_arn and not entry.done.is_set():
                self._stop(entry.task_arn, "the run ended")
            self._delete_prefix(prefix)
            if local is not None:
                shutil.rmtree(local, ignore_errors=True)

    def _finish(self, result: RunOutcome, entry: _Job, t0: float) -> RunOutcome:
        if "isolation" in result.provenance:
            result.provenance["isolation"] = {**result.provenance["isolation"], "container": "ecs-fargate"}
        result.provenance.update({"runner": self.name, "task_arn": entry.task_arn,
                                  "cluster": self.config.cluster,
                                  "total_wall_time_s": round(time.perf_counter() - t0, 6)})
        return result

    def _ttl_s(self, job: JobSpec) -> int:
        """How long the job's token and URLs live: the longest a task may take to start, run and report."""
        cfg = self.config
        return int(job.timeout_s + cfg.start_timeout_s + cfg.completion_margin_s) + 60

    def _presign(self, method: str, key: str, ttl_s: int) -> str:
        return str(self.s3.generate_presigned_url(method, Params={"Bucket": self.config.bucket, "Key": key},
                                                  ExpiresIn=ttl_s))

    def _upload_job(self, job: JobSpec, prefix: str) -> str:
        """Put the job and its manifest to S3; the manifest's presigned URL."""
        # The task's memory (a cgroup) is the limit; the address-space rlimit is only a backstop above it.
        limits = run_limits(self.settings, job.timeout_s, memory_mb=2 * self.settings.runner_memory_mb)
        bucket = self.config.bucket
        # The FMU as this host unpacked it (a binary built from sources included): the task unpacks it in
        # a sandbox of its own and never builds anything.
        with tempfile.TemporaryFile() as fh:
            zip_tree(job.fmu_dir, fh)
            fh.seek(0)
            self.s3.put_object(Bucket=bucket, Key=prefix + "model.fmu", Body=fh)
        body = json.dumps({"job": job.to_sandbox(), "limits": limits}).encode()
        self.s3.put_object(Bucket=bucket, Key=prefix + "job.json", Body=body, ContentType="application/json")
        ttl = self._ttl_s(job)
        manifest = {"job": self._presign("get_object", prefix + "job.json", ttl),
                    "model": self._presign("get_object", prefix + "model.fmu", ttl),
                    "done": self._presign("put_object", prefix + "done.json", ttl),
                    "out": {name: self._presign("put_object", f"{prefix}out/{name}", ttl)
                            for name in (*OUT_NAMES, "progress")}}
        self.s3.put_object(Bucket=bucket, Key=prefix + "task.json", Body=json.dumps(manifest).encode(),
                           ContentType="application/json")
        return self._presign("get_object", prefix + "task.json", ttl)

    def _start_task_backing_off(self, job: JobSpec, manifest_url: str, entry: _Job) -> str:
        """RunTask, retried with full-jitter exponential backoff while ECS throttles, for the budget."""
        deadline = time.monotonic() + self.config.throttle_budget_s
        delay = 0.25
        while True:
            try:
                return self._start_task(job, manifest_url)
            except Exception as exc:
                if not isinstance(exc, Throttled) and not _throttled(exc):
                    raise
                reason = _short(exc)
            left = deadline - time.monotonic()
            if left <= 0 or entry.cancelled:
                raise Throttled(reason)
            SIGNALS.throttled()
            log.warning("RunTask throttled for %s (%s); trying again", job.job_id, reason)
            self._sleep(min(left, random.uniform(0, delay)))
            delay = min(delay * 2, 8.0)

    def _start_task(self, job: JobSpec, manifest_url: str) -> str:
        cfg = self.config
        ttl = self._ttl_s(job)
        token = self.tokens.mint(subject=job.job_id, key_id="", scopes=[f"job:{job.job_id}"],
                                 audience=AUDIENCE_RUNNER, ttl_s=ttl)
        base = self.settings.ecs_callback_url or self.settings.public_url
        callback = base.rstrip("/") + CALLBACK_PATH.format(job_id=job.job_id)
        env = {"FMU_GATEWAY_JOB_ID": job.job_id, "FMU_GATEWAY_JOB_TOKEN": token,
               "FMU_GATEWAY_JOB_MANIFEST_URL": manifest_url, "FMU_GATEWAY_CALLBACK_URL": callback,
               "FMU_GATEWAY_JOB_TIMEOUT_S": f"{job.timeout_s:g}",
               "FMU_GATEWAY_MAX_OUTPUT_BYTES": str(self.settings.runner_max_output_bytes)}
        network: dict[str, Any] = {"subnets": cfg.subnets, "assignPublicIp": "DISABLED"}
        if cfg.security_groups:
            network["securityGroups"] = cfg.security_groups
        response = self.ecs.run_task(
            cluster=cfg.cluster, taskDefinition=cfg.task_definition, launchType="FARGATE", count=1,
            networkConfiguration={"awsvpcConfiguration": network},
            startedBy=f"fmu-gateway/{job.job_id}"[:128],
            tags=[{"key": "fmu-gateway.job", "value": job.job_id}],
            overrides={"containerOverrides": [{
                "name": cfg.container_name,
                "command": [PYTHON_IN_IMAGE, "-I", "-B", TASK_ENTRY_IN_IMAGE],
                "environment": [{"name": k, "value": v} for k, v in env.items()],
            }]},
        )
        tasks = response.get("tasks") or []
        if not tasks:
            reasons = "; ".join(f"{f.get('reason')} {f.get('detail') or ''}".strip()
                                for f in response.get("failures") or []) or "no task was started"
            if _capacity_failure(reasons):
                raise Throttled(reasons)
            raise RuntimeError(f"RunTask failed: {reasons}")
        return str(tasks[0]["taskArn"])

    def _wait(self, job: JobSpec, entry: _Job) -> RunOutcome | None:
        """None once the task has reported (entry.report); otherwise the run's failure."""
        cfg = self.config
        assert entry.task_arn is not None
        t0 = time.monotonic()
        running_since: float | None = None
        self._track(entry.task_arn)
        while not entry.done.wait(cfg.poll_s):
            if entry.cancelled:
                self._stop(entry.task_arn, "cancelled")
                return oc.cancelled()
            with self._lock:
                if entry.task_arn not in self._states:  # not read yet
                    lost = self._describe_failures >= 30
                    known = False
                else:
                    lost, known = False, True
                    task = self._states[entry.task_arn]
            if lost:
                self._stop(entry.task_arn, "lost track of the task")
                return oc.platform_failure("lost track of the runner task")
            if not known:
                continue
            now = time.monotonic()
            status = str((task or {}).get("lastStatus") or "MISSING")
            if status == "STOPPED" or task is None:
                if entry.done.wait(2.0):  # the report may be a moment behind the task's end
                    break
                if self._read_done(job.job_id, entry):  # reported to another replica
                    break
                reason = (task or {}).get("stoppedReason") or "unknown reason"
                return oc.platform_failure(f"the task stopped without a result ({reason})")
            if status in _STARTING:
                if now - t0 > cfg.start_timeout_s:
                    self._stop(entry.task_arn, "did not start in time")
                    return oc.platform_failure(f"the runner task did not start within "
                                               f"{cfg.start_timeout_s:g} s")
                continue
            running_since = running_since or now
            if now - running_since > job.timeout_s + cfg.completion_margin_s:
                self._stop(entry.task_arn, "no report in time")
                if self._read_done(job.job_id, entry):
                    break
                return RunOutcome(None, RunFailure(
                    "simulation-timeout", f"the runner task did not report within the timeout of "
                    f"{job.timeout_s:g} s (plus {cfg.completion_margin_s:g} s) and was stopped; the run is "
                    "not charged", platform=True))
        if entry.cancelled:
            return oc.cancelled()
        return None

    def _track(self, task_arn: str) -> None:
        """Have the poller read this task's state (it starts with the first task)."""
        with self._lock:
            self._states.pop(task_arn, None)
            if self._poller is None or not self._poller.is_alive():
                self._poller = threading.Thread(target=self._poll, name="ecs-describe", daemon=True)
                self._poller.start()

    def _poll(self) -> None:
        """Every poll_s: the states of the tasks runs here wait for, in DescribeTasks calls of up to 100."""
        while not self._closed:
            time.sleep(self.config.poll_s)
            with self._lock:
                arns = [e.task_arn for e in self._jobs.values() if e.task_arn and not e.done.is_set()]
                for gone in set(self._states) - set(arns):
                    del self._states[gone]
            for start in range(0, len(arns), DESCRIBE_BATCH):
                self.describe_batch(arns[start:start + DESCRIBE_BATCH])

    def describe_batch(self, arns: list[str]) -> None:
        try:
            response = self.ecs.describe_tasks(cluster=self.config.cluster, tasks=arns)
        except Exception as exc:
            with self._lock:
                self._describe_failures += 1
            log.warning("DescribeTasks failed for %d tasks: %s", len(arns), _short(exc))
            return
        found = {str(t["taskArn"]): dict(t) for t in response.get("tasks") or []}
        with self._lock:
            self._describe_failures = 0
            for arn in arns:
                self._states[arn] = found.get(arn)

    def on_report(self, job_id: str) -> None:
        """The bus says a task reported to another process: read its done.json, if the run waits here."""
        with self._lock:
            entry = self._jobs.get(job_id)
        if entry is not None and not entry.done.is_set():
            self._read_done(job_id, entry)

    def _read_done(self, job_id: str, entry: _Job) -> bool:
        """The report the task also leaves in S3 (jobs/<id>/done.json), for when its callback went
        to another replica of the API."""
        try:
            obj = self.s3.get_object(Bucket=self.config.bucket, Key=f"jobs/{job_id}/done.json")
            data = json.loads(obj["Body"].read(1 << 16))
        except Exception:
            return False
        if not isinstance(data, dict) or "started" not in data:
            return False
        return report_completion(job_id, data) or entry.report is not None

    def _collect(self, job: JobSpec, prefix: str, local: Path, report: dict[str, Any]) -> RunOutcome:
        limit = self.settings.runner_max_output_bytes
        out = local / "out"
        out.mkdir()
        listing = self.s3.list_objects_v2(Bucket=self.config.bucket, Prefix=prefix + "out/", MaxKeys=100)
        objects = {o["Key"][len(prefix) + 4:]: int(o.get("Size", 0)) for o in listing.get("Contents") or []}
        total = sum(objects.values())
        stream_log = str(report.get("log") or "")[-_LOG_CAP:]
        if total > limit + (16 << 20):
            return oc.output_too_large(limit, stream_log)
        for name in OUT_NAMES:
            if name in objects:
                self.s3.download_file(self.config.bucket, f"{prefix}out/{name}", str(out / name))
        if not isinstance(report.get("exit_code"), int):
            return RunOutcome(None, RunFailure("model-crashed", "the run's processes were killed"), log=stream_log)
        return oc.collect(int(report["exit_code"]), out, stream_log, memory_mb=self.settings.runner_memory_mb,
                          max_output_bytes=limit, outputs=job.outputs)

    def _stop(self, task_arn: str | None, reason: str) -> None:
        if not task_arn:
            return
        try:
            self.ecs.stop_task(cluster=self.config.cluster, task=task_arn,
                               reason=f"fmu-gateway: {reason}"[:255])
        except Exception as exc:
            log.warning("could not stop the runner task %s: %s", task_arn, _short(exc))

    def _delete_prefix(self, prefix: str) -> None:
        try:
            listing = self.s3.list_objects_v2(Bucket=self.config.bucket, Prefix=prefix)
            keys = [{"Key": o["Key"]} for o in listing.get("Contents") or []]
            if keys:
                self.s3.delete_objects(Bucket=self.config.bucket, Delete={"Objects": keys, "Quiet": True})
        except Exception as exc:  # a bucket lifecycle rule on jobs/ expires what is left (deploy/README.md)
            log.warning("could not delete %s: %s", prefix, _short(exc))

    def cancel(self, job_id: str) -> bool:
        with self._lock:
            entry = self._jobs.get(job_id)
        if entry is None:
            return False
        entry.cancelled = True
        self._stop(entry.task_arn, "cancelled")
        entry.done.set()
        return True

    def progress(self, job_id: str) -> float | None:
        """What the task last copied from the sandbox's out/progress to S3 (every 2 s at most); read at most
        once a second per job, however often it is polled."""
        with self._lock:
            entry = self._jobs.get(job_id)
        if entry is None or entry.task_arn is None:
            return None
        now = time.monotonic()
        if now - entry.progress_at < 1.0:
            return entry.progress
        entry.progress_at = now
        try:
            obj = self.s3.get_object(Bucket=self.config.bucket, Key=f"jobs/{job_id}/out/progress")
            value = oc.parse_progress(obj["Body"].read(32))
            if value is not None:
                entry.progress = value
        except Exception:  # not written yet, or gone with the run
            pass
        return entry.progress

    def ready(self) -> bool:
        if self._closed:
            return False
        try:
            clusters = self.ecs.describe_clusters(clusters=[self.config.cluster]).get("clusters") or []
            if not clusters or clusters[0].get("status") != "ACTIVE":
                log.warning("the ECS cluster %s is not active", self.config.cluster)
                return False
            self.s3.head_bucket(Bucket=self.config.bucket)
        except Exception as exc:
            log.warning("the ECS runner is not ready: %s", _short(exc))
            return False
        return True

    def close(self) -> None:
        self._closed = True
        with self._lock:
            running = list(self._jobs.values())
        for entry in running:  # runs that outlived the dispatcher's shutdown
            entry.cancelled = True
            self._stop(entry.task_arn, "the gateway shut down")
            entry.done.set()


def _short(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__)[:300]
