"""One settings object for the whole service, read from the environment."""

from __future__ import annotations

import os
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[3]


def _default_library_dir() -> Path:
    return REPO_ROOT / "build" / "models"


class Settings(BaseSettings):
    """Every setting has an environment variable `FMU_GATEWAY_<NAME>`; a few well-known ones
    (DATABASE_URL) are also read without the prefix. The README documents the table."""

    model_config = SettingsConfigDict(env_prefix="FMU_GATEWAY_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("FMU_GATEWAY_DATABASE_URL", "DATABASE_URL")
    )
    data_dir: Path = Path("var")
    scratch_dir: Path | None = None
    library_dir: Path = Field(default_factory=_default_library_dir)
    host: str = "127.0.0.1"
    port: int = 8000

    max_upload_bytes: int = 256 * 1024 * 1024
    max_archive_entries: int = 5000
    max_uncompressed_bytes: int = 1024 * 1024 * 1024
    # Every other request body (JSON) is capped before it is parsed: 413 request-too-large.
    max_json_bytes: int = Field(default=32 * 1024 * 1024, ge=1024)
    # ...and the JSON bodies being received at once share this budget (503 server-busy beyond it).
    max_json_bytes_in_flight: int = Field(default=64 * 1024 * 1024, ge=1024)
    # Model descriptions: larger ones are refused at upload (422 model-too-large); nesting is capped at
    # 256 levels by the XML parser. Descriptions are kept in memory, indexed, up to description_cache_bytes.
    max_model_variables: int = Field(default=200_000, ge=1)
    max_model_description_bytes: int = Field(default=32 * 1024 * 1024, ge=1024)
    description_cache_bytes: int = 512 * 1024 * 1024
    build_timeout_s: float = 180.0

    # Blobs (FMUs, results, logs): a local directory (the data dir's blobs/) or S3, shared by every process
    blob_store: Literal["local", "s3"] = "local"
    s3_prefix: str = ""

    runner: Literal["local", "docker", "ecs"] = "local"
    runner_image: str = "fmu-gateway-runner:latest"
    runner_cpus: float = 1.0
    runner_tmpfs_mb: int = 256

    # ECS backend (runner=ecs): one Fargate task per run, job files through S3
    ecs_cluster: str | None = None
    ecs_runner_task_definition: str | None = None
    ecs_subnets: str | None = None
    ecs_security_groups: str | None = None
    s3_bucket: str | None = None
    aws_region: str | None = Field(default=None, validation_alias=AliasChoices("FMU_GATEWAY_AWS_REGION",
                                                                            "AWS_REGION", "AWS_DEFAULT_REGION"))
    aws_endpoint_url: str | None = None
    # Where runner tasks report (an internal load balancer in front of the workers); public_url when unset
    ecs_callback_url: str | None = None
    ecs_start_timeout_s: float = 120.0
    ecs_completion_margin_s: float = 60.0
    ecs_container_name: str = "runner"  # the runner container's name in the task definition
    # RunTask throttled (or Fargate short of capacity): retried with backoff this long, then the job goes
    # back to the queue (not an attempt used) and is tried again later; a throttled run never fails.
    ecs_throttle_budget_s: float = Field(default=60.0, ge=0)
    # The heavy tier: runs whose timeout is at least heavy_min_timeout_s go to this backend (one ECS task
    # per run) instead of the workers' own sandboxes; each worker keeps up to heavy_concurrency of them.
    heavy_runner: Literal["ecs"] | None = None
    heavy_min_timeout_s: float = Field(default=120.0, gt=0)
    heavy_concurrency: int = Field(default=64, ge=1)
    runner_concurrency: int = Field(default_factory=lambda: max(2, os.cpu_count() or 2))
    # Cases of one sweep that one sandbox runs one after the other (fork, layers and the FMU's load paid
    # once); at most the account's concurrent runs shared among this process's runner slots. 1: never.
    sweep_batch: int = Field(default=8, ge=1, le=64)
    # A claimed job's lease: its worker renews it every third of this while the job runs; a job whose lease
    # passes unrenewed (its worker died) runs once more elsewhere, or fails and is refunded.
    job_lease_s: float = Field(default=30.0, ge=1.0)
    # `fmu-gateway-api worker` serves health, readiness and metrics here (and the ECS tasks' callback)
    worker_host: str = "127.0.0.1"
    worker_port: int = 8001
    # Workers publish the queue's autoscaling signals to CloudWatch under this namespace (unset: not at all)
    cloudwatch_namespace: str | None = None
    runner_warm_pool: int = 1
    runner_memory_mb: int = 1024
    runner_max_processes: int = 32
    runner_max_output_bytes: int = 256 * 1024 * 1024
    runner_uid_base: int = 970000
    # Sandboxes: strict refuses to run without Landlock and seccomp (the default in production);
    # best-effort applies what the machine allows and records it in every run's provenance.
    sandbox_require: Literal["strict", "best-effort"] | None = None
    sandbox_namespaces: Literal["auto", "root", "userns", "none"] = "auto"
    fmu_cache_max_bytes: int = 10 * 1024**3  # unpacked FMUs on this host; least recently used go first

    sim_default_timeout_s: float = 60.0
    sim_max_timeout_s: float = 600.0
    sim_max_wait_s: float = 60.0
    sim_default_wait_s: float = 30.0
    sim_max_output_points: int = 1_000_000
    sim_max_outputs: int = Field(default=10_000, ge=1)  # output variables (result columns) of one run
    result_retention_days: int = 30

    log_level: str = "INFO"
    log_format: Literal["json", "text"] = "json"
    sentry_dsn: str | None = Field(default=None, validation_alias=AliasChoices("FMU_GATEWAY_SENTRY_DSN", "SENTRY_DSN"))
    shutdown_grace_s: float = 20.0
    public_url: str = "http://127.0.0.1:8000"
    pricing_file: Path = Field(default_factory=lambda: REPO_ROOT / "shared-specs" / "pricing.yaml")

    # Keys and internal tokens
    key_cache_ttl_s: float = Field(default=5.0, ge=0, le=5.0)
    jwt_keys: str | None = Field(default=None, description="JSON list of {kid, private_key_pem}; first signs")
    jwt_ttl_s: int = Field(default=300, ge=10, le=300)
    jwt_issuer: str = "fmu-gateway"
    rate_limit_enabled: bool = True
    # Accounts: new ones per client address and in total per hour (429 signups-limited), the credits a new
    # account gets (unset: its tier's included credits; 0: none), and live keys per account.
    signup_per_address_per_hour: int = Field(default=10, ge=0)
    signup_per_hour: int = Field(default=1000, ge=0)
    signup_credits: int | None = Field(default=None, ge=0)
    max_keys_per_account: int = Field(default=20, ge=1)
    # The client address is the TCP peer, unless the peer is one of these proxies (comma-separated
    # addresses or CIDR networks, e.g. the load balancer's subnets): then the X-Forwarded-For hop the
    # proxy appended. Leave empty when clients connect directly: X-Forwarded-For is then never read.
    trusted_proxies: str = ""
    # GET /metrics: with a token, only `Authorization: Bearer <token>` is answered (else 401).
    metrics_token: str | None = None
    # Browser clients: origins allowed by CORS, comma-separated ("https://app.example,https://b.example");
    # empty (the default): no CORS headers at all.
    cors_allowed_origins: str = ""
    redis_url: str | None = Field(default=None, validation_alias=AliasChoices("FMU_GATEWAY_REDIS_URL", "REDIS_URL"))

    # Stripe
    stripe_enabled: bool = Field(default=False, validation_alias=AliasChoices("FMU_GATEWAY_STRIPE_ENABLED",
                                                                            "STRIPE_ENABLED"))
    stripe_api_key: str | None = Field(default=None, validation_alias=AliasChoices("FMU_GATEWAY_STRIPE_API_KEY",
                                                                                 "STRIPE_API_KEY"))
    stripe_webhook_secret: str | None = Field(
        default=None, validation_alias=AliasChoices("FMU_GATEWAY_STRIPE_WEBHOOK_SECRET", "STRIPE_WEBHOOK_SECRET"))
    stripe_api_base: str | None = None
    stripe_webhook_tolerance_s: int = 300
    outbox_poll_s: float = 1.0
    outbox_max_backoff_s: float = 300.0
    # Completion callbacks: retried with exponential backoff (from the first, up to the longest wait) until
    # a 2xx or until the window has passed since the end they report; each attempt waits this long at most.
    callback_first_backoff_s: float = Field(default=1.0, gt=0)
    callback_max_backoff_s: float = Field(default=3600.0, gt=0)
    callback_retry_window_s: float = Field(default=86400.0, gt=0)
    callback_timeout_s: float = Field(default=10.0, gt=0)
    payment_token_ttl_s: int = 3600

    @model_validator(mode="after")
    def _check(self) -> Settings:
        # Absolute from here on: sandboxes start in /, containers mount by path, and the service may chdir.
        self.data_dir = self.data_dir.resolve()
        self.library_dir = self.library_dir.resolve()
        self.pricing_file = self.pricing_file.resolve()
        if self.scratch_dir is not None:
            self.scratch_dir = self.scratch_dir.resolve()
        if self.max_json_bytes_in_flight < self.max_json_bytes:
            raise ValueError("max_json_bytes_in_flight must be at least max_json_bytes")
        if self.sim_default_timeout_s > self.sim_max_timeout_s:
            raise ValueError("sim_default_timeout_s must not exceed sim_max_timeout_s")
        if self.blob_store == "s3" and not self.s3_bucket:
            raise ValueError("FMU_GATEWAY_BLOB_STORE=s3 needs FMU_GATEWAY_S3_BUCKET")
        if self.stripe_enabled and not (self.stripe_api_key and self.stripe_webhook_secret):
            raise ValueError("STRIPE_ENABLED needs STRIPE_API_KEY and STRIPE_WEBHOOK_SECRET")
        try:
            self.trusted_proxy_networks  # noqa: B018 - validated here, used per request
        except ValueError as exc:
            raise ValueError(f"FMU_GATEWAY_TRUSTED_PROXIES: {exc}") from None
        if self.environment == "production":
            # Outside development, secrets have no usable defaults.
            if not self.jwt_keys:
                raise ValueError("production needs FMU_GATEWAY_JWT_KEYS (signing keys of internal tokens)")
            if not self.database_url:
                raise ValueError("production needs DATABASE_URL")
        return self

    @property
    def sqlite_path(self) -> Path:
        """The embedded database's file (used when DATABASE_URL is unset)."""
        return (self.data_dir / "fmu-gateway.db").resolve()

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL in SQLAlchemy form; a SQLite file in the data directory when unset."""
        url = self.database_url
        if not url:
            return f"sqlite:///{self.sqlite_path}"
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://") :]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url

    @property
    def sandbox_require_resolved(self) -> str:
        if self.sandbox_require is not None:
            return self.sandbox_require
        return "strict" if self.environment == "production" else "best-effort"

    @property
    def trusted_proxy_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        return tuple(ip_network(part.strip(), strict=False) for part in self.trusted_proxies.split(",")
                     if part.strip())

    @property
    def cors_origins(self) -> list[str]:
        return [origin.strip() for origin in self.cors_allowed_origins.split(",") if origin.strip()]

    @property
    def heavy_tier(self) -> bool:
        """Long runs have a lane of their own: a heavy backend other than the workers' own runner."""
        return self.heavy_runner is not None and self.heavy_runner != self.runner

    @property
    def is_sqlite(self) -> bool:
        return self.sqlalchemy_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
