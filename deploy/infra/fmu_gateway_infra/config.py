"""The stack's parameters (one JSON file per environment) and the release a deployment brings.

Both are plain Python, with no CDK import: `deploy.py` validates them before any AWS or Docker call.

Parameters are synthesis-time values, not CloudFormation parameters: they decide the shape of resources
(Multi-AZ, the API Gateway, a subscription), so the template holds concrete values that `cfn-lint` and the
assertions can check. `environments/<name>.json` sets them (camelCase keys); unset keys take the defaults
below; an unknown key or a value of the wrong type is an error.
"""

from __future__ import annotations

import json
import re
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

from .fargate import check_ephemeral_storage, check_size

ENVIRONMENTS = Path(__file__).resolve().parents[1] / "environments"
# CloudWatch Logs accepts only these retention periods.
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)
_CERTIFICATE = re.compile(r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]{36}$")
_SECRET_ARN = re.compile(
    r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+-[A-Za-z0-9]{6}$"
)
_IMAGE = re.compile(r"^[a-z0-9.-]+(:\d+)?/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$")
_ENV_NAME = re.compile(r"^[a-z][a-z0-9-]{0,19}$")
# The secrets the operator creates (`<secretsPrefix><NAME>`); the database's and the metrics token are
# created by the stack.
OPERATOR_SECRETS = ("FMU_GATEWAY_JWT_KEYS", "STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET")


class ConfigError(ValueError):
    """A parameter or release value that cannot be deployed."""


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


@dataclass(frozen=True)
class Parameters:
    """One environment's stack; every field is documented in deploy/README.md (a test checks)."""

    environment: str
    domain_name: str
    certificate_arn: str
    public_url: str = ""  # default https://<domainName>
    api_gateway: bool = False
    api_throttle_rate: float = 50.0
    api_throttle_burst: int = 100
    nat_gateways: int = 1
    multi_az: bool = True
    db_instance_class: str = "t4g.medium"
    db_allocated_storage_gib: int = 20
    db_max_allocated_storage_gib: int = 100
    db_backup_retention_days: int = 7
    deletion_protection: bool = True
    redis_node_type: str = "cache.t4g.micro"
    bucket_name: str = ""  # default: a name CloudFormation generates
    s3_prefix: str = ""
    result_retention_days: int = 30
    log_retention_days: int = 30
    api_cpu: int = 1024
    api_memory: int = 2048
    api_min_tasks: int = 2
    api_max_tasks: int = 4
    api_cpu_target_percent: int = 60
    api_requests_per_target: int = 1000
    worker_cpu: int = 2048
    worker_memory: int = 4096
    worker_ephemeral_storage_gib: int = 50
    worker_min_tasks: int = 1
    worker_max_tasks: int = 8
    worker_backlog_target: float = 4.0
    runner_cpu: int = 1024
    runner_memory: int = 2048
    runner_ephemeral_storage_gib: int = 21
    migrate_cpu: int = 512
    migrate_memory: int = 1024
    alarm_email: str = ""
    alarm_5xx_percent: float = 1.0
    alarm_p95_latency_s: float = 2.0
    alarm_oldest_queued_s: int = 300
    alarm_outbox_lag_s: int = 600
    alarm_stopped_tasks: int = 5
    alarm_db_cpu_percent: int = 80
    alarm_db_free_storage_gib: int = 5
    metrics_namespace: str = ""  # default FmuGateway/<environment>
    secrets_prefix: str = "fmu-gateway/"
    sentry_dsn: str = ""
    deployer_principals: list[str] = field(default_factory=list)  # default: the account's root

    @property
    def stack_name(self) -> str:
        return f"FmuGateway-{self.environment}"

    @property
    def prefix(self) -> str:
        """Names of clusters, families, services and log groups: fmu-gateway-<environment>."""
        return f"fmu-gateway-{self.environment}"

    @property
    def url(self) -> str:
        return self.public_url or f"https://{self.domain_name}"

    @property
    def namespace(self) -> str:
        return self.metrics_namespace or f"FmuGateway/{self.environment}"

    def check(self) -> Parameters:
        """Raise ConfigError on the first value that cannot be deployed."""
        try:
            self._check()
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        return self

    def _check(self) -> None:
        if not _ENV_NAME.match(self.environment):
            raise ValueError(f"environment {self.environment!r}: lower case, digits and '-', at most 20")
        if not self.domain_name or "/" in self.domain_name:
            raise ValueError("domainName: the public host name, e.g. api.example.com")
        if not _CERTIFICATE.match(self.certificate_arn):
            raise ValueError(f"certificateArn {self.certificate_arn!r} is not an ACM certificate ARN")
        if not self.url.startswith("https://") or self.url.rstrip("/") == "https:":
            raise ValueError(f"publicUrl {self.url!r}: an https:// URL (runs and links are built from it)")
        for name in ("api", "worker", "runner", "migrate"):
            check_size(name, getattr(self, f"{name}_cpu"), getattr(self, f"{name}_memory"))
        check_ephemeral_storage("worker", self.worker_ephemeral_storage_gib)
        check_ephemeral_storage("runner", self.runner_ephemeral_storage_gib)
        if not 1 <= self.api_min_tasks <= self.api_max_tasks:
            raise ValueError("apiMinTasks must be at least 1 and at most apiMaxTasks")
        if not 1 <= self.worker_min_tasks <= self.worker_max_tasks:
            # At least one worker: the backlog metric the autoscaler follows comes from the workers.
            raise ValueError("workerMinTasks must be at least 1 and at most workerMaxTasks")
        if not 1 <= self.nat_gateways <= 2:
            raise ValueError("natGateways: 1 or 2 (one per availability zone)")
        if self.log_retention_days not in LOG_RETENTION_DAYS:
            raise ValueError(f"logRetentionDays {self.log_retention_days} is not one CloudWatch Logs accepts")
        if self.result_retention_days < 1:
            raise ValueError("resultRetentionDays must be at least 1")
        if self.s3_prefix and (not self.s3_prefix.endswith("/") or self.s3_prefix.startswith("/")):
            raise ValueError("s3Prefix: empty, or a relative key prefix ending in '/'")
        if self.db_max_allocated_storage_gib < self.db_allocated_storage_gib:
            raise ValueError("dbMaxAllocatedStorageGib must not be below dbAllocatedStorageGib")
        for arn in self.deployer_principals:
            if not arn.startswith("arn:aws"):
                raise ValueError(f"deployerPrincipals: {arn!r} is not an ARN")

    @classmethod
    def from_mapping(cls, environment: str, values: dict[str, Any]) -> Parameters:
        hints = get_type_hints(cls)
        known = {_camel(f.name): f for f in fields(cls) if f.name != "environment"}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ConfigError(f"unknown parameters: {', '.join(unknown)}")
        kwargs: dict[str, Any] = {"environment": environment}
        for key, f in known.items():
            if key not in values:
                if f.default is MISSING and f.default_factory is MISSING:
                    raise ConfigError(f"missing parameter: {key}")
                continue
            kwargs[f.name] = _typed(key, values[key], hints[f.name])
        return cls(**kwargs).check()

    @classmethod
    def load(cls, environment: str, path: Path | None = None) -> Parameters:
        path = path or ENVIRONMENTS / f"{environment}.json"
        try:
            values = json.loads(path.read_text())
        except FileNotFoundError:
            raise ConfigError(
                f"no parameters for environment {environment!r}: create {path} "
                f"(start from {ENVIRONMENTS / 'example.json'})"
            ) from None
        except ValueError as exc:
            raise ConfigError(f"{path}: not JSON ({exc})") from None
        if not isinstance(values, dict):
            raise ConfigError(f"{path}: a JSON object of parameters")
        return cls.from_mapping(environment, values)


def _typed(key: str, value: Any, hint: Any) -> Any:
    if hint is bool or hint is str:
        ok = isinstance(value, hint)
    elif hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif hint is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    else:  # list[str]
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    if not ok:
        raise ConfigError(f"parameter {key}: {value!r} is not a {getattr(hint, '__name__', hint)}")
    return value


@dataclass(frozen=True)
class Release:
    """What one `make deploy` brings: the pushed images, the secrets' ARNs, the services' current revisions.

    `api_revision`/`worker_revision`: the task definition revision each service runs now. The stack keeps
    a service on it (the new revision is registered but not rolled out): deploy.py rolls out after the
    migration. None for a service not created yet. `with_services` False: the first deployment's first
    pass, which creates everything but the services (they refuse an unmigrated database).
    """

    api_image: str
    runner_image: str
    secret_arns: dict[str, str]
    s3_prefix_list_id: str
    with_services: bool = True
    api_revision: int | None = None
    worker_revision: int | None = None

    def check(self) -> Release:
        for name in ("api_image", "runner_image"):
            if not _IMAGE.match(getattr(self, name)):
                raise ConfigError(f"{name} {getattr(self, name)!r}: <registry>/<repository>@sha256:<digest>")
        missing = [n for n in OPERATOR_SECRETS if n not in self.secret_arns]
        if missing or set(self.secret_arns) != set(OPERATOR_SECRETS):
            raise ConfigError(f"secret ARNs needed for exactly {', '.join(OPERATOR_SECRETS)}")
        for name, arn in self.secret_arns.items():
            if not _SECRET_ARN.match(arn):
                raise ConfigError(f"secret {name}: {arn!r} is not a complete Secrets Manager ARN")
        if not re.match(r"^pl-[0-9a-f]{8,17}$", self.s3_prefix_list_id):
            raise ConfigError(f"s3PrefixListId {self.s3_prefix_list_id!r} is not a prefix list id")
        for name in ("api_revision", "worker_revision"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 1):
                raise ConfigError(f"{name}: a task definition revision number")
        return self

    def to_json(self) -> str:
        return json.dumps(
            {_camel(f.name): getattr(self, f.name) for f in fields(self)}, indent=2, sort_keys=True
        )

    @classmethod
    def from_json(cls, text: str) -> Release:
        raw = json.loads(text)
        known = {_camel(f.name): f.name for f in fields(cls)}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise ConfigError(f"unknown release keys: {', '.join(unknown)}")
        return cls(**{known[k]: v for k, v in raw.items()}).check()
