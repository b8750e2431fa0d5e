#!/usr/bin/env python3
"""Deploy FMU Gateway to AWS: `make deploy`, `make deploy SERVICE=api` (or worker).

    python deploy/deploy.py [--env production] [--service all|api|worker] [--dry-run] [--images-only] ...

Steps, each printed as it runs:
   1. check the environment's parameters (deploy/infra/environments/<env>.json): Fargate CPU/memory pairs,
      URLs, the certificate; the image tag is the commit (a work tree with changes needs --tag).
      Nothing reaches AWS or Docker before this step passed.
   2. check the operator's secrets in Secrets Manager and take their ARNs
   3. ensure the ECR repositories (immutable tags, scan on push)
   4. build (or reuse) both images
   5. log in to the registry with an ECR authorization token
   6. push both images, unless the registry holds the tag already (a re-run of the same commit)
   7. read the services' current task definition revisions and the S3 prefix list
   8. cdk deploy the stack: infrastructure and new task definition revisions, the services left on theirs
      (first deployment: the stack without services, the migration, then the stack with them)
   9. run the migration task (it must exit 0) before any service changes
  10. update the service(s) and watch each rollout by deployment id until COMPLETED

`--dry-run` checks the parameters and synthesizes the stack with placeholder images and ARNs: no AWS or
Docker call. `--images-only` stops after step 6.

Exit codes (deploylib/errors.py): 0 done, 1 another AWS error, 2 bad arguments or parameters, 3 a missing
prerequisite, 4 build/login/push failed, 5 a rollout still in progress at the timeout, 6 a rollout failed
(circuit breaker or alarm rollback, or replaced), 7 the migration failed, 8 cdk synth/deploy failed.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "deploy"), str(ROOT / "deploy" / "infra")]

from deploylib import images, rollout  # noqa: E402
from deploylib.errors import (  # noqa: E402
    EXIT_AWS,
    EXIT_CONFIG,
    EXIT_MISSING,
    EXIT_OK,
    DeployError,
    say,
)
from deploylib.stack import cdk  # noqa: E402
from fmu_gateway_infra.config import OPERATOR_SECRETS, ConfigError, Parameters, Release  # noqa: E402

STEPS = 10
SERVICES = ("api", "worker")


@dataclass(frozen=True)
class Config:
    environment: str
    params_file: Path | None
    region: str
    service: str
    tag: str
    registry: str | None
    api_image: str
    runner_image: str
    build: bool
    dry_run: bool
    images_only: bool
    rollout_timeout_s: int
    migration_timeout_s: int
    poll_s: int

    @property
    def workdir(self) -> Path:
        return ROOT / "build" / "deploy" / self.environment

    @property
    def services(self) -> tuple[str, ...]:
        return SERVICES if self.service == "all" else (self.service,)


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def parse_args(argv: list[str] | None) -> tuple[Config, Parameters]:
    """Step 1: arguments and parameters, checked without any AWS or Docker call (exit 2)."""
    p = argparse.ArgumentParser(prog="deploy.py", description=__doc__.split("\n\n")[0])
    a = p.add_argument
    a(
        "--env",
        default=_env("FMU_GATEWAY_DEPLOY_ENV", "production"),
        help="environment: environments/<env>.json",
    )
    a("--params", type=Path, help="the parameters file (default deploy/infra/environments/<env>.json)")
    a("--region", default=_env("AWS_REGION", _env("AWS_DEFAULT_REGION")), help="default: AWS_REGION")
    a("--service", default="all", choices=["all", *SERVICES], help="which service(s) to roll out")
    a("--tag", default=_env("FMU_GATEWAY_IMAGE_TAG"), help="image tag (default: the commit, clean tree only)")
    a("--registry", default=_env("FMU_GATEWAY_REGISTRY"), help="push here instead of the account's ECR")
    a("--api-image", default=_env("FMU_GATEWAY_API_IMAGE", "fmu-gateway-api:latest"), help="local API image")
    a("--runner-image", default=_env("FMU_GATEWAY_RUNNER_IMAGE", "fmu-gateway-runner:latest"))
    a("--no-build", dest="build", action="store_false", help="push the local images as they are")
    a("--dry-run", action="store_true", help="check and synthesize; no AWS or Docker call")
    a("--images-only", action="store_true", help="build and push the images, then stop")
    a("--rollout-timeout", type=int, default=1800, help="seconds to watch a rollout (exit 5 after)")
    a("--migration-timeout", type=int, default=900, help="seconds to wait for the migration (exit 7 after)")
    a("--poll", type=int, default=15, help="seconds between two DescribeServices/DescribeTasks")
    ns = p.parse_args(argv)
    if not ns.region:
        p.error("missing the region: --region or AWS_REGION")
    if min(ns.rollout_timeout, ns.migration_timeout, ns.poll) < 1:
        p.error("--rollout-timeout, --migration-timeout and --poll must be positive")
    try:
        params = Parameters.load(ns.env, ns.params)
    except ConfigError as exc:
        raise DeployError(str(exc), EXIT_CONFIG) from None
    tag = ns.tag or ("" if ns.dry_run else images.image_tag(ROOT))
    config = Config(
        environment=ns.env,
        params_file=ns.params,
        region=ns.region,
        service=ns.service,
        tag=tag,
        registry=ns.registry,
        api_image=ns.api_image,
        runner_image=ns.runner_image,
        build=ns.build,
        dry_run=ns.dry_run,
        images_only=ns.images_only,
        rollout_timeout_s=ns.rollout_timeout,
        migration_timeout_s=ns.migration_timeout,
        poll_s=ns.poll,
    )
    return config, params


def placeholder_release(cfg: Config, params: Parameters) -> Release:
    account = "0" * 12
    registry = cfg.registry or f"{account}.dkr.ecr.{cfg.region}.amazonaws.com"
    return Release(
        api_image=f"{registry}/{images.API_REPO}@sha256:{'0' * 64}",
        runner_image=f"{registry}/{images.RUNNER_REPO}@sha256:{'0' * 64}",
        secret_arns={
            name: f"arn:aws:secretsmanager:{cfg.region}:{account}:secret:{params.secrets_prefix}{name}-000000"
            for name in OPERATOR_SECRETS
        },
        s3_prefix_list_id="pl-00000000",
    ).check()


def write_release(cfg: Config, release: Release, name: str = "release.json") -> Path:
    cfg.workdir.mkdir(parents=True, exist_ok=True)
    path = cfg.workdir / name
    path.write_text(release.to_json() + "\n")
    return path


def dry_run(cfg: Config, params: Parameters) -> int:
    say("dry run: nothing is built, pushed or deployed; no AWS or Docker call")
    tag = cfg.tag
    if not tag:
        try:
            tag = images.image_tag(ROOT)
        except DeployError as exc:  # still a plan, and it says where the deployment would stop
            say(f"note: make deploy would stop here: {exc}")
            tag = "<commit>"
    say(
        f"[1/{STEPS}] parameters of {params.stack_name}: ok ({params.url}, Multi-AZ {params.multi_az}, "
        f"api {params.api_cpu}/{params.api_memory}, worker {params.worker_cpu}/{params.worker_memory}, "
        f"runner {params.runner_cpu}/{params.runner_memory})"
    )
    plan = [
        "check secrets " + ", ".join(params.secrets_prefix + s for s in OPERATOR_SECRETS),
        f"ensure ECR repositories {images.API_REPO}, {images.RUNNER_REPO} in {cfg.region}",
        f"build or reuse {cfg.api_image} and {cfg.runner_image}" if cfg.build else "use the local images",
        "log in to the registry with an ECR authorization token",
        f"push {images.API_REPO}:{tag} and {images.RUNNER_REPO}:{tag} unless the registry has them",
        "read the current revisions of " + ", ".join(f"{params.prefix}-{s}" for s in SERVICES),
        f"cdk deploy {params.stack_name}",
        f"run the migration task {params.prefix}-migrate",
        "update and watch "
        + ", ".join(f"{params.prefix}-{s}" for s in cfg.services)
        + f" (at most {cfg.rollout_timeout_s} s)",
    ]
    for i, step in enumerate(plan, 2):
        say(f"[{i}/{STEPS}] would {step}")
    release = write_release(cfg, placeholder_release(cfg, params), "release-dry-run.json")
    cdk(
        "synth",
        stack_name=params.stack_name,
        environment=cfg.environment,
        release=release,
        workdir=cfg.workdir,
        params=cfg.params_file,
        region=cfg.region,
    )
    say(f"synthesized {cfg.workdir / 'cdk.out' / (params.stack_name + '.template.json')}")
    return EXIT_OK


class Deployer:
    def __init__(self, cfg: Config, params: Parameters, clock: rollout.Clock | None = None) -> None:
        import boto3

        self.cfg, self.params = cfg, params
        session = boto3.session.Session(region_name=cfg.region)
        self.secrets = session.client("secretsmanager")
        self.ecr = session.client("ecr")
        self.ec2 = session.client("ec2")
        self.ecs = session.client("ecs")
        self.logs = session.client("logs")
        self.clock = clock or rollout.Clock()
        self.step_no = 1

    def step(self, message: str) -> None:
        self.step_no += 1
        say(f"[{self.step_no}/{STEPS}] {message}")

    def run(self) -> int:
        cfg, params = self.cfg, self.params
        say(f"[1/{STEPS}] parameters of {params.stack_name}: ok; image tag {cfg.tag}")
        self.step("checking secrets")
        secret_arns = {} if cfg.images_only else self.check_secrets()
        api_image, runner_image = self.publish_images()
        if cfg.images_only:
            say(f"images: {api_image} {runner_image}")
            return EXIT_OK
        self.step("reading the services' revisions and the S3 prefix list")
        revisions = self.current_revisions()
        release = Release(
            api_image=api_image,
            runner_image=runner_image,
            secret_arns=secret_arns,
            s3_prefix_list_id=self.s3_prefix_list(),
            api_revision=revisions.get("api"),
            worker_revision=revisions.get("worker"),
        ).check()
        self.step(f"deploying the stack {params.stack_name}")
        first = not revisions
        if first:
            say("  first deployment: the stack without services, the migration, then the services")
            outputs = self.deploy_stack(replace(release, with_services=False))
        else:
            outputs = self.deploy_stack(release)
        self.step("running the migration")
        rollout.run_migration(
            self.ecs,
            self.logs,
            rollout.Migration(
                cluster=outputs["ClusterName"],
                task_definition=outputs["MigrateTaskDefinitionArn"],
                subnets=outputs["MigrateSubnets"].split(","),
                security_groups=[outputs["MigrateSecurityGroup"]],
                log_group=outputs["MigrateLogGroup"],
            ),
            timeout_s=cfg.migration_timeout_s,
            poll_s=cfg.poll_s,
            clock=self.clock,
        )
        if first:
            say("  creating the services on the migrated database")
            outputs = self.deploy_stack(release)
        services = SERVICES if first else cfg.services
        self.step("rolling out " + ", ".join(services))
        started = [
            rollout.start_rollout(
                self.ecs,
                outputs["ClusterName"],
                outputs[f"{name.capitalize()}ServiceName"],
                outputs[f"{name.capitalize()}TaskDefinitionArn"],
            )
            for name in services
        ]
        rollout.watch(
            self.ecs,
            outputs["ClusterName"],
            started,
            timeout_s=cfg.rollout_timeout_s,
            poll_s=cfg.poll_s,
            clock=self.clock,
        )
        say(
            f"deployed {cfg.tag} to {params.stack_name}: "
            + ", ".join(f"{r.service} {rollout.revision_name(r.task_definition)}" for r in started)
        )
        return EXIT_OK

    def check_secrets(self) -> dict[str, str]:
        from botocore.exceptions import ClientError

        found, missing = {}, []
        for name in OPERATOR_SECRETS:
            secret_id = self.params.secrets_prefix + name
            try:
                found[name] = self.secrets.describe_secret(SecretId=secret_id)["ARN"]
                say(f"  secret {secret_id}: ok")
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "ResourceNotFoundException":
                    raise
                missing.append(secret_id)
        if missing:
            raise DeployError(
                f"missing Secrets Manager secrets: {', '.join(missing)} (region {self.cfg.region}); "
                "create them first: aws secretsmanager create-secret --name <name> --secret-string <value>",
                EXIT_MISSING,
            )
        return found

    def publish_images(self) -> tuple[str, str]:
        cfg = self.cfg
        self.step("ensuring ECR repositories")
        uris = {name: self.ensure_repository(name) for name in (images.API_REPO, images.RUNNER_REPO)}
        self.step("building images" if cfg.build else "using the local images")
        if cfg.build:
            images.build_images(ROOT, cfg.api_image, cfg.runner_image)
        self.step("logging in to the registry")
        registry = images.login(self.ecr, cfg.registry, uris[images.API_REPO])
        self.step("pushing images")
        return (
            images.publish(cfg.api_image, registry, images.API_REPO, cfg.tag),
            images.publish(cfg.runner_image, registry, images.RUNNER_REPO, cfg.tag),
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
            say(f"  repository {name}: created (immutable tags, scan on push)")
        uri: str = repo["repositoryUri"]
        return uri

    def current_revisions(self) -> dict[str, int]:
        """{service: revision} of the services that exist; {} before the first deployment."""
        from botocore.exceptions import ClientError

        prefix = self.params.prefix
        try:
            described = self.ecs.describe_services(
                cluster=prefix, services=[f"{prefix}-{s}" for s in SERVICES]
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ClusterNotFoundException":
                raise
            described = {"services": []}
        active = {
            s["serviceName"]: s["taskDefinition"] for s in described["services"] if s["status"] == "ACTIVE"
        }
        revisions = {
            s: int(active[f"{prefix}-{s}"].rsplit(":", 1)[1]) for s in SERVICES if f"{prefix}-{s}" in active
        }
        if revisions and len(revisions) != len(SERVICES):
            raise DeployError(
                f"only {', '.join(revisions)} of {', '.join(SERVICES)} exists in cluster {prefix}: "
                "the stack owns both; repair the stack before deploying",
                EXIT_MISSING,
            )
        for name, revision in revisions.items():
            say(f"  {prefix}-{name}: revision {revision}")
        return revisions

    def s3_prefix_list(self) -> str:
        name = f"com.amazonaws.{self.cfg.region}.s3"
        lists = self.ec2.describe_managed_prefix_lists(
            Filters=[{"Name": "prefix-list-name", "Values": [name]}]
        )["PrefixLists"]
        if not lists:
            raise DeployError(f"no managed prefix list {name} in {self.cfg.region}", EXIT_MISSING)
        prefix_list: str = lists[0]["PrefixListId"]
        say(f"  S3 prefix list {name}: {prefix_list}")
        return prefix_list

    def deploy_stack(self, release: Release) -> dict[str, str]:
        path = write_release(self.cfg, release)
        return cdk(
            "deploy",
            stack_name=self.params.stack_name,
            environment=self.cfg.environment,
            release=path,
            workdir=self.cfg.workdir,
            params=self.cfg.params_file,
            region=self.cfg.region,
        )


def main(argv: list[str] | None = None, clock: rollout.Clock | None = None) -> int:
    try:
        cfg, params = parse_args(argv)
        if cfg.dry_run:
            return dry_run(cfg, params)
        return Deployer(cfg, params, clock).run()
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
