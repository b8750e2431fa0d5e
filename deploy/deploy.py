#!/usr/bin/env python3
"""Deploy FMU Gateway to AWS ECS on Fargate (`make deploy`).

    python deploy/deploy.py [--dry-run] [--cluster NAME] [--subnets a,b] [--security-groups sg-1] ...

Steps, each printed as it runs:
  1. check IAM roles (execution role, API task role; a runner task role only when one is given) exist
  2. check the Secrets Manager secrets exist (DATABASE_URL, FMU_GATEWAY_JWT_KEYS, STRIPE_API_KEY,
     STRIPE_WEBHOOK_SECRET under --secrets-prefix) and resolve their ARNs
  3. ensure the ECR repositories fmu-gateway-api and fmu-gateway-runner
  4. ensure the CloudWatch log group and the S3 bucket (private, encrypted)
  5. build (or reuse: the build scripts skip what is up to date) both images on the local Docker engine
  6. get an ECR authorization token and log the Docker client in to the registry
  7. tag and push both images; keep the digests the registry answers with
  8. register both task definitions from deploy/ecs/*.json.tmpl with images pinned as repo@sha256:...
  9. ensure the cluster; update the API service (create it when missing) and wait until it is stable

`--dry-run` prints the plan, the rendered task definitions included, and touches nothing: no AWS client
is created and the Docker engine is not contacted.

Every option falls back to an environment variable (shown in --help). `--registry` (FMU_GATEWAY_REGISTRY)
overrides the host images are pushed to; by default it is the ECR registry of the account. boto3 honours
AWS_ENDPOINT_URL (the tests point it at moto).

Exit codes: 0 deployed (or planned), 2 bad arguments or configuration, 3 a prerequisite is missing
(role, secret), 4 building, logging in or pushing an image failed, 5 the service did not become stable
in time, 1 any other AWS error.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import string
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "deploy" / "ecs"
SECRETS = ("DATABASE_URL", "FMU_GATEWAY_JWT_KEYS", "STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET")
API_REPO, RUNNER_REPO = "fmu-gateway-api", "fmu-gateway-runner"

EXIT_OK, EXIT_AWS, EXIT_CONFIG, EXIT_MISSING, EXIT_IMAGE, EXIT_UNSTABLE = 0, 1, 2, 3, 4, 5


class DeployError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def say(message: str) -> None:
    print(f"deploy: {message}", flush=True)  # noqa: T201  (a CLI that reports its steps)


@dataclass
class Config:
    region: str
    cluster: str
    service: str
    subnets: list[str]
    security_groups: list[str]
    runner_subnets: list[str]
    runner_security_groups: list[str]
    assign_public_ip: bool
    execution_role_arn: str
    task_role_arn: str
    runner_task_role_arn: str
    log_group: str
    bucket: str
    secrets_prefix: str
    registry: str | None
    tag: str
    api_image: str
    runner_image: str
    build: bool
    desired_count: int
    api_cpu: str
    api_memory: str
    runner_cpu: str
    runner_memory: str
    api_runner: str
    public_url: str
    wait_timeout_s: int
    wait_delay_s: int
    dry_run: bool
    api_family: str = "fmu-gateway-api"
    runner_family: str = "fmu-gateway-runner"
    secret_arns: dict[str, str] = field(default_factory=dict)


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _csv(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _git_tag() -> str:
    try:
        sha = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return time.strftime("%Y%m%d%H%M%S")
    return sha or time.strftime("%Y%m%d%H%M%S")


def parse_args(argv: list[str] | None) -> Config:
    p = argparse.ArgumentParser(
        prog="deploy.py",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    a = p.add_argument
    a("--dry-run", action="store_true", help="print the plan; no AWS call, no Docker call")
    a("--region", default=_env("AWS_REGION", _env("AWS_DEFAULT_REGION")), help="AWS_REGION")
    a("--cluster", default=_env("FMU_GATEWAY_CLUSTER", "fmu-gateway"), help="FMU_GATEWAY_CLUSTER")
    a("--service", default=_env("FMU_GATEWAY_SERVICE", "fmu-gateway-api"), help="FMU_GATEWAY_SERVICE")
    a(
        "--subnets",
        default=_env("FMU_GATEWAY_SUBNETS"),
        help="API subnets, comma-separated; FMU_GATEWAY_SUBNETS",
    )
    a("--security-groups", default=_env("FMU_GATEWAY_SECURITY_GROUPS"), help="FMU_GATEWAY_SECURITY_GROUPS")
    a(
        "--runner-subnets",
        default=_env("FMU_GATEWAY_RUNNER_SUBNETS"),
        help="private subnets of runner tasks (default: the API's); FMU_GATEWAY_RUNNER_SUBNETS",
    )
    a(
        "--runner-security-groups",
        default=_env("FMU_GATEWAY_RUNNER_SECURITY_GROUPS"),
        help="security groups of runner tasks, no egress but S3 (default: the API's); "
        "FMU_GATEWAY_RUNNER_SECURITY_GROUPS",
    )
    a(
        "--assign-public-ip",
        action="store_true",
        default=_env("FMU_GATEWAY_ASSIGN_PUBLIC_IP", "false").lower() in ("1", "true", "yes"),
        help="FMU_GATEWAY_ASSIGN_PUBLIC_IP",
    )
    a(
        "--execution-role-arn",
        default=_env("FMU_GATEWAY_EXECUTION_ROLE_ARN"),
        help="FMU_GATEWAY_EXECUTION_ROLE_ARN",
    )
    a(
        "--task-role-arn",
        default=_env("FMU_GATEWAY_TASK_ROLE_ARN"),
        help="API task role; FMU_GATEWAY_TASK_ROLE_ARN",
    )
    a(
        "--runner-task-role-arn",
        default=_env("FMU_GATEWAY_RUNNER_TASK_ROLE_ARN"),
        help="runner task role (default: none; runs reach S3 only through presigned URLs); "
        "FMU_GATEWAY_RUNNER_TASK_ROLE_ARN",
    )
    a("--log-group", default=_env("FMU_GATEWAY_LOG_GROUP", "/ecs/fmu-gateway"), help="FMU_GATEWAY_LOG_GROUP")
    a("--bucket", default=_env("FMU_GATEWAY_S3_BUCKET"), help="blob bucket; FMU_GATEWAY_S3_BUCKET")
    a(
        "--secrets-prefix",
        default=_env("FMU_GATEWAY_SECRETS_PREFIX", "fmu-gateway/"),
        help="secret names are <prefix><NAME>; FMU_GATEWAY_SECRETS_PREFIX",
    )
    a(
        "--registry",
        default=_env("FMU_GATEWAY_REGISTRY"),
        help="push to this registry host instead of the account's ECR registry; FMU_GATEWAY_REGISTRY",
    )
    a(
        "--tag",
        default=_env("FMU_GATEWAY_IMAGE_TAG"),
        help="image tag (default: git HEAD); FMU_GATEWAY_IMAGE_TAG",
    )
    a(
        "--api-image",
        default=_env("FMU_GATEWAY_API_IMAGE", "fmu-gateway-api:latest"),
        help="FMU_GATEWAY_API_IMAGE",
    )
    a(
        "--runner-image",
        default=_env("FMU_GATEWAY_RUNNER_IMAGE", "fmu-gateway-runner:latest"),
        help="FMU_GATEWAY_RUNNER_IMAGE",
    )
    a("--no-build", dest="build", action="store_false", help="push the local images as they are")
    a("--desired-count", type=int, default=int(_env("FMU_GATEWAY_DESIRED_COUNT", "2") or 2))
    a("--api-cpu", default=_env("FMU_GATEWAY_API_CPU", "1024"))
    a("--api-memory", default=_env("FMU_GATEWAY_API_MEMORY", "2048"))
    a("--runner-cpu", default=_env("FMU_GATEWAY_RUNNER_TASK_CPU", "1024"))
    a("--runner-memory", default=_env("FMU_GATEWAY_RUNNER_TASK_MEMORY", "2048"))
    a(
        "--api-runner",
        default=_env("FMU_GATEWAY_DEPLOY_RUNNER", "ecs"),
        choices=["local", "docker", "ecs"],
        help="runner backend of the deployed API; FMU_GATEWAY_DEPLOY_RUNNER",
    )
    a("--public-url", default=_env("FMU_GATEWAY_PUBLIC_URL", ""), help="FMU_GATEWAY_PUBLIC_URL")
    a(
        "--wait-timeout",
        type=int,
        default=int(_env("FMU_GATEWAY_WAIT_TIMEOUT", "900") or 900),
        help="seconds to wait for a stable service; FMU_GATEWAY_WAIT_TIMEOUT",
    )
    a(
        "--wait-delay",
        type=int,
        default=int(_env("FMU_GATEWAY_WAIT_DELAY", "15") or 15),
        help="seconds between two checks of the service",
    )
    ns = p.parse_args(argv)

    missing = [
        flag
        for flag, value in (
            ("--region/AWS_REGION", ns.region),
            ("--subnets/FMU_GATEWAY_SUBNETS", ns.subnets),
            ("--security-groups/FMU_GATEWAY_SECURITY_GROUPS", ns.security_groups),
            ("--execution-role-arn/FMU_GATEWAY_EXECUTION_ROLE_ARN", ns.execution_role_arn),
            ("--task-role-arn/FMU_GATEWAY_TASK_ROLE_ARN", ns.task_role_arn),
            ("--bucket/FMU_GATEWAY_S3_BUCKET", ns.bucket),
        )
        if not value
    ]
    if missing:
        p.error("missing configuration: " + ", ".join(missing))
    if ns.wait_timeout < 1 or ns.wait_delay < 1 or ns.desired_count < 0:
        p.error("--wait-timeout and --wait-delay must be positive, --desired-count not negative")
    subnets, groups = _csv(ns.subnets), _csv(ns.security_groups)
    return Config(
        region=ns.region,
        cluster=ns.cluster,
        service=ns.service,
        subnets=subnets,
        security_groups=groups,
        runner_subnets=_csv(ns.runner_subnets) or subnets,
        runner_security_groups=_csv(ns.runner_security_groups) or groups,
        assign_public_ip=ns.assign_public_ip,
        execution_role_arn=ns.execution_role_arn,
        task_role_arn=ns.task_role_arn,
        runner_task_role_arn=ns.runner_task_role_arn or "",
        log_group=ns.log_group,
        bucket=ns.bucket,
        secrets_prefix=ns.secrets_prefix,
        registry=ns.registry,
        tag=ns.tag or _git_tag(),
        api_image=ns.api_image,
        runner_image=ns.runner_image,
        build=ns.build,
        desired_count=ns.desired_count,
        api_cpu=ns.api_cpu,
        api_memory=ns.api_memory,
        runner_cpu=ns.runner_cpu,
        runner_memory=ns.runner_memory,
        api_runner=ns.api_runner,
        public_url=ns.public_url,
        wait_timeout_s=ns.wait_timeout,
        wait_delay_s=ns.wait_delay,
        dry_run=ns.dry_run,
    )


# -- task definitions ---------------------------------------------------------------------------------
def render(template: Path, values: dict[str, str]) -> dict[str, Any]:
    """Fill a ${NAME} template; every value is JSON-escaped, a missing name is an error."""
    escaped = {k: json.dumps(v)[1:-1] for k, v in values.items()}
    try:
        text = string.Template(template.read_text()).substitute(escaped)
    except KeyError as exc:
        raise DeployError(f"{template.name}: no value for ${{{exc.args[0]}}}", EXIT_CONFIG) from None
    doc: dict[str, Any] = json.loads(text)
    return doc


def task_definitions(cfg: Config, api_image: str, runner_image: str) -> tuple[dict[str, Any], dict[str, Any]]:
    common = {
        "EXECUTION_ROLE_ARN": cfg.execution_role_arn,
        "LOG_GROUP": cfg.log_group,
        "REGION": cfg.region,
        "BUCKET": cfg.bucket,
    }
    secrets = {
        f"SECRET_{name}": cfg.secret_arns.get(name, f"<arn of {cfg.secrets_prefix}{name}>")
        for name in SECRETS
    }
    api = render(
        TEMPLATES / "api-task-definition.json.tmpl",
        {
            **common,
            **secrets,
            "FAMILY": cfg.api_family,
            "IMAGE": api_image,
            "TASK_ROLE_ARN": cfg.task_role_arn,
            "CPU": cfg.api_cpu,
            "MEMORY": cfg.api_memory,
            "API_RUNNER": cfg.api_runner,
            "RUNNER_IMAGE": runner_image,
            "CLUSTER": cfg.cluster,
            "RUNNER_FAMILY": cfg.runner_family,
            "RUNNER_SUBNETS": ",".join(cfg.runner_subnets),
            "RUNNER_SECURITY_GROUPS": ",".join(cfg.runner_security_groups),
            "PUBLIC_URL": cfg.public_url,
        },
    )
    runner = render(
        TEMPLATES / "runner-task-definition.json.tmpl",
        {
            **common,
            "FAMILY": cfg.runner_family,
            "IMAGE": runner_image,
            "TASK_ROLE_ARN": cfg.runner_task_role_arn,
            "CPU": cfg.runner_cpu,
            "MEMORY": cfg.runner_memory,
        },
    )
    if not cfg.runner_task_role_arn:  # the usual case: the task holds no AWS credentials at all
        del runner["taskRoleArn"]
    return api, runner


# -- the plan -----------------------------------------------------------------------------------------
def dry_run(cfg: Config) -> int:
    registry = cfg.registry or f"<account>.dkr.ecr.{cfg.region}.amazonaws.com"
    say("dry run: nothing is created, built, pushed or changed")
    steps = [
        f"check IAM roles: {cfg.execution_role_arn} (execution), {cfg.task_role_arn} (API task), "
        f"{cfg.runner_task_role_arn or 'none'} (runner task)",
        "check secrets: " + ", ".join(cfg.secrets_prefix + s for s in SECRETS),
        f"ensure ECR repositories {API_REPO}, {RUNNER_REPO} in {cfg.region}",
        f"ensure log group {cfg.log_group} and S3 bucket {cfg.bucket}",
        (
            f"build or reuse {cfg.api_image} (deploy/build-api-image.sh) and {cfg.runner_image} "
            "(deploy/build-runner-image.sh)"
        )
        if cfg.build
        else f"use local {cfg.api_image} and {cfg.runner_image}",
        f"log the Docker client in to {registry} with an ECR authorization token",
        f"push {registry}/{API_REPO}:{cfg.tag} and {registry}/{RUNNER_REPO}:{cfg.tag}",
        f"register task definitions {cfg.api_family} and {cfg.runner_family} with the pushed digests",
        f"ensure cluster {cfg.cluster}; update or create service {cfg.service} (desired {cfg.desired_count}, "
        f"subnets {','.join(cfg.subnets)}, security groups {','.join(cfg.security_groups)}); "
        f"wait until stable (at most {cfg.wait_timeout_s} s)",
    ]
    for i, step in enumerate(steps, 1):
        say(f"[{i}/{len(steps)}] would {step}")
    api, runner = task_definitions(
        cfg, f"{registry}/{API_REPO}@<digest>", f"{registry}/{RUNNER_REPO}@<digest>"
    )
    print(json.dumps({"apiTaskDefinition": api, "runnerTaskDefinition": runner}, indent=2))  # noqa: T201
    return EXIT_OK


# -- the deployment -----------------------------------------------------------------------------------
class Deployer:
    def __init__(self, cfg: Config) -> None:
        import boto3

        self.cfg = cfg
        session = boto3.session.Session(region_name=cfg.region)
        self.iam = session.client("iam")
        self.secrets = session.client("secretsmanager")
        self.ecr = session.client("ecr")
        self.logs = session.client("logs")
        self.s3 = session.client("s3")
        self.ecs = session.client("ecs")
        self.step_no = 0

    def step(self, message: str) -> None:
        self.step_no += 1
        say(f"[{self.step_no}/9] {message}")

    def run(self) -> int:
        cfg = self.cfg
        self.step("checking IAM roles")
        self.check_roles()
        self.step("checking secrets")
        self.check_secrets()
        self.step("ensuring ECR repositories")
        uris = {name: self.ensure_repository(name) for name in (API_REPO, RUNNER_REPO)}
        self.step("ensuring the log group and the S3 bucket")
        self.ensure_log_group()
        self.ensure_bucket()
        self.step("building images" if cfg.build else "using the local images")
        if cfg.build:
            build_images(cfg)
        self.step("logging in to the registry")
        registry, auth = self.registry_login(uris)
        self.step("pushing images")
        pushed = {
            API_REPO: push(cfg.api_image, f"{registry}/{API_REPO}", cfg.tag, auth),
            RUNNER_REPO: push(cfg.runner_image, f"{registry}/{RUNNER_REPO}", cfg.tag, auth),
        }
        self.step("registering task definitions")
        api_td, runner_td = task_definitions(cfg, pushed[API_REPO], pushed[RUNNER_REPO])
        runner_arn = self.ecs.register_task_definition(**runner_td)["taskDefinition"]["taskDefinitionArn"]
        say(f"  registered {runner_arn} ({pushed[RUNNER_REPO]})")
        api_arn = self.ecs.register_task_definition(**api_td)["taskDefinition"]["taskDefinitionArn"]
        say(f"  registered {api_arn} ({pushed[API_REPO]})")
        self.step(f"updating service {cfg.service} in cluster {cfg.cluster}")
        self.ensure_cluster()
        self.update_service(api_arn)
        self.wait_stable()
        say(f"deployed {pushed[API_REPO]} as {api_arn}")
        return EXIT_OK

    def check_roles(self) -> None:
        from botocore.exceptions import ClientError

        for arn in dict.fromkeys(
            [self.cfg.execution_role_arn, self.cfg.task_role_arn, self.cfg.runner_task_role_arn]
        ):
            if not arn:
                continue
            name = arn.rsplit("/", 1)[-1]
            try:
                self.iam.get_role(RoleName=name)
            except ClientError as exc:
                if exc.response["Error"]["Code"] in ("NoSuchEntity", "NoSuchEntityException"):
                    raise DeployError(
                        f"IAM role {arn} does not exist (see deploy/README.md, IAM roles)", EXIT_MISSING
                    ) from None
                raise
            say(f"  role {name}: ok")

    def check_secrets(self) -> None:
        from botocore.exceptions import ClientError

        missing = []
        for name in SECRETS:
            secret_id = self.cfg.secrets_prefix + name
            try:
                self.cfg.secret_arns[name] = self.secrets.describe_secret(SecretId=secret_id)["ARN"]
                say(f"  secret {secret_id}: ok")
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "ResourceNotFoundException":
                    raise
                missing.append(secret_id)
        if missing:
            raise DeployError(
                "missing Secrets Manager secrets: "
                + ", ".join(missing)
                + f" (region {self.cfg.region}). Create "
                "them first, e.g. aws secretsmanager create-secret --name <name> --secret-string <value>",
                EXIT_MISSING,
            )

    def ensure_repository(self, name: str) -> str:
        from botocore.exceptions import ClientError

        try:
            repo = self.ecr.describe_repositories(repositoryNames=[name])["repositories"][0]
            say(f"  repository {name}: exists")
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "RepositoryNotFoundException":
                raise
            repo = self.ecr.create_repository(
                repositoryName=name,
                imageTagMutability="IMMUTABLE",
                imageScanningConfiguration={"scanOnPush": True},
                encryptionConfiguration={"encryptionType": "AES256"},
            )["repository"]
            say(f"  repository {name}: created")
        uri: str = repo["repositoryUri"]
        return uri

    def ensure_log_group(self) -> None:
        found = self.logs.describe_log_groups(logGroupNamePrefix=self.cfg.log_group)["logGroups"]
        if any(g["logGroupName"] == self.cfg.log_group for g in found):
            say(f"  log group {self.cfg.log_group}: exists")
            return
        self.logs.create_log_group(logGroupName=self.cfg.log_group, tags={"app": "fmu-gateway"})
        self.logs.put_retention_policy(logGroupName=self.cfg.log_group, retentionInDays=30)
        say(f"  log group {self.cfg.log_group}: created (30 days retention)")

    def ensure_bucket(self) -> None:
        from botocore.exceptions import ClientError

        bucket = self.cfg.bucket
        try:
            self.s3.head_bucket(Bucket=bucket)
            say(f"  bucket {bucket}: exists")
            return
        except ClientError as exc:
            if exc.response["Error"]["Code"] not in ("404", "NoSuchBucket", "NotFound"):
                raise DeployError(
                    f"bucket {bucket} exists but is not ours or not reachable: {exc}", EXIT_MISSING
                ) from None
        kwargs: dict[str, Any] = {"Bucket": bucket}
        if self.cfg.region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": self.cfg.region}
        self.s3.create_bucket(**kwargs)
        self.s3.put_public_access_block(
            Bucket=bucket,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
        self.s3.put_bucket_encryption(
            Bucket=bucket,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
        )
        say(f"  bucket {bucket}: created (private, encrypted)")

    def registry_login(self, uris: dict[str, str]) -> tuple[str, dict[str, str]]:
        data = self.ecr.get_authorization_token()["authorizationData"][0]
        user, _, password = base64.b64decode(data["authorizationToken"]).decode().partition(":")
        registry = self.cfg.registry or uris[API_REPO].split("/", 1)[0]
        auth = {"username": user, "password": password}
        client = docker_client()
        try:
            client.login(username=user, password=password, registry=registry, reauth=True)
        except Exception as exc:
            raise DeployError(f"docker login to {registry} failed: {exc}", EXIT_IMAGE) from None
        say(f"  logged in to {registry} as {user}")
        return registry, auth

    def ensure_cluster(self) -> None:
        clusters = self.ecs.describe_clusters(clusters=[self.cfg.cluster])["clusters"]
        if any(c["status"] == "ACTIVE" for c in clusters):
            say(f"  cluster {self.cfg.cluster}: exists")
            return
        self.ecs.create_cluster(
            clusterName=self.cfg.cluster, settings=[{"name": "containerInsights", "value": "enabled"}]
        )
        say(f"  cluster {self.cfg.cluster}: created")

    def update_service(self, task_definition: str) -> None:
        cfg = self.cfg
        services = self.ecs.describe_services(cluster=cfg.cluster, services=[cfg.service])["services"]
        network = {
            "awsvpcConfiguration": {
                "subnets": cfg.subnets,
                "securityGroups": cfg.security_groups,
                "assignPublicIp": "ENABLED" if cfg.assign_public_ip else "DISABLED",
            }
        }
        if any(s["status"] == "ACTIVE" for s in services):
            self.ecs.update_service(
                cluster=cfg.cluster,
                service=cfg.service,
                taskDefinition=task_definition,
                desiredCount=cfg.desired_count,
                networkConfiguration=network,
                forceNewDeployment=True,
            )
            say(f"  service {cfg.service}: updated to {task_definition}")
            return
        self.ecs.create_service(
            cluster=cfg.cluster,
            serviceName=cfg.service,
            taskDefinition=task_definition,
            desiredCount=cfg.desired_count,
            launchType="FARGATE",
            networkConfiguration=network,
            deploymentConfiguration={
                "minimumHealthyPercent": 100,
                "maximumPercent": 200,
                "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            },
            propagateTags="SERVICE",
            enableExecuteCommand=False,
            tags=[{"key": "app", "value": "fmu-gateway"}],
        )
        say(f"  service {cfg.service}: created with {task_definition}")

    def wait_stable(self) -> None:
        from botocore.exceptions import WaiterError

        cfg = self.cfg
        attempts = max(1, -(-cfg.wait_timeout_s // cfg.wait_delay_s))
        say(f"  waiting until {cfg.service} is stable (at most {cfg.wait_timeout_s} s)")
        t0 = time.monotonic()
        try:
            self.ecs.get_waiter("services_stable").wait(
                cluster=cfg.cluster,
                services=[cfg.service],
                WaiterConfig={"Delay": cfg.wait_delay_s, "MaxAttempts": attempts},
            )
        except WaiterError as exc:
            raise DeployError(
                f"service {cfg.service} did not become stable within {cfg.wait_timeout_s} s: "
                f"{exc.last_response.get('services', [{}])[0].get('events', [{}])[:1] or exc}",
                EXIT_UNSTABLE,
            ) from None
        say(f"  stable after {time.monotonic() - t0:.1f} s")


def docker_client() -> Any:
    import docker

    try:
        client = docker.from_env(timeout=600)
        client.ping()
    except Exception as exc:
        raise DeployError(f"the Docker engine does not answer: {exc}", EXIT_IMAGE) from None
    return client


def build_images(cfg: Config) -> None:
    for script, env_name, image in (
        ("build-runner-image.sh", "FMU_GATEWAY_RUNNER_IMAGE", cfg.runner_image),
        ("build-api-image.sh", "FMU_GATEWAY_API_IMAGE", cfg.api_image),
    ):
        t0 = time.monotonic()
        proc = subprocess.run(
            ["bash", str(ROOT / "deploy" / script)], env={**os.environ, env_name: image}, check=False
        )
        if proc.returncode != 0:
            raise DeployError(f"deploy/{script} failed (exit {proc.returncode})", EXIT_IMAGE)
        say(f"  {image}: ready ({time.monotonic() - t0:.1f} s)")


def push(local: str, repository: str, tag: str, auth: dict[str, str]) -> str:
    """Tag `local` as repository:tag, push it and return repository@<digest the registry answered>."""
    client = docker_client()
    try:
        image = client.images.get(local)
    except Exception as exc:
        raise DeployError(f"no local image {local}: {exc}", EXIT_IMAGE) from None
    image.tag(repository, tag)
    digest = None
    t0 = time.monotonic()
    for event in client.images.push(repository, tag, stream=True, decode=True, auth_config=auth):
        if "error" in event:
            raise DeployError(f"pushing {repository}:{tag} failed: {event['error']}", EXIT_IMAGE)
        digest = (event.get("aux") or {}).get("Digest", digest)
    if not digest:
        raise DeployError(f"pushing {repository}:{tag} reported no digest", EXIT_IMAGE)
    say(f"  pushed {repository}:{tag} -> {digest} ({time.monotonic() - t0:.1f} s)")
    return f"{repository}@{digest}"


def main(argv: list[str] | None = None) -> int:
    cfg = parse_args(argv)
    try:
        if cfg.dry_run:
            return dry_run(cfg)
        return Deployer(cfg).run()
    except DeployError as exc:
        say(f"error: {exc}")
        return exc.code
    except Exception as exc:  # botocore errors, connection failures: report, do not dump a traceback
        from botocore.exceptions import BotoCoreError, ClientError

        if isinstance(exc, ClientError | BotoCoreError):
            say(f"error: AWS: {exc}")
            return EXIT_AWS
        raise


if __name__ == "__main__":
    sys.exit(main())
