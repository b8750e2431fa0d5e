"""deploy/deploy.py end to end: moto (ECR, ECS, IAM, CloudWatch Logs, Secrets Manager, S3) in server mode,
real image builds on the local Docker engine, pushes to an in-process registry."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import REGION, ROOT, Moto
from oci_registry import LocalRegistry

DEPLOY = ROOT / "deploy" / "deploy.py"
SECRETS = ("DATABASE_URL", "FMU_GATEWAY_JWT_KEYS", "STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET")


def _args(**extra: str) -> list[str]:
    base = {
        "--cluster": "fmu-test",
        "--service": "fmu-gateway-api",
        "--subnets": "subnet-aaa,subnet-bbb",
        "--security-groups": "sg-api",
        "--runner-subnets": "subnet-private",
        "--runner-security-groups": "sg-runner-no-egress",
        "--execution-role-arn": "arn:aws:iam::123456789012:role/fmu-gateway-execution",
        "--task-role-arn": "arn:aws:iam::123456789012:role/fmu-gateway-api",
        "--bucket": "fmu-gateway-blobs-test",
        "--tag": "t1",
        "--wait-delay": "1",
        "--wait-timeout": "30",
        "--desired-count": "2",
        **extra,
    }
    return [x for pair in base.items() for x in pair]


def _deploy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(DEPLOY), *args],
        capture_output=True,
        text=True,
        env=os.environ,
        timeout=1200,
        check=False,
    )


def _network(moto: Moto) -> dict[str, str]:
    """A VPC with two subnets for the API, a private one for runs, and their security groups (the
    runners' has no egress rule at all)."""
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24")["Subnet"]["SubnetId"] for i in range(3)
    ]
    api_sg = ec2.create_security_group(GroupName="fmu-api", Description="api", VpcId=vpc)["GroupId"]
    runner_sg = ec2.create_security_group(GroupName="fmu-runner", Description="runner", VpcId=vpc)["GroupId"]
    ec2.revoke_security_group_egress(
        GroupId=runner_sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    return {
        "--subnets": f"{subnets[0]},{subnets[1]}",
        "--security-groups": api_sg,
        "--runner-subnets": subnets[2],
        "--runner-security-groups": runner_sg,
    }


def _prerequisites(moto: Moto, *, secrets: tuple[str, ...] = SECRETS) -> dict[str, str]:
    iam = moto.client("iam")
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sts:AssumeRole",
                    "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                }
            ],
        }
    )
    for name in ("fmu-gateway-execution", "fmu-gateway-api", "fmu-gateway-runner"):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)
    sm = moto.client("secretsmanager")
    return {name: sm.create_secret(Name=f"fmu-gateway/{name}", SecretString="x")["ARN"] for name in secrets}


def test_dry_run_prints_the_plan_and_touches_nothing(moto: Moto, registry: LocalRegistry) -> None:
    proc = _deploy("--dry-run", *_args(), "--registry", registry.host)

    assert proc.returncode == 0, proc.stderr
    assert "dry run" in proc.stdout
    for step in (
        "check IAM roles",
        "check secrets",
        "ensure ECR repositories",
        "push",
        "register task definitions",
        "wait until stable",
    ):
        assert step in proc.stdout
    plan = json.loads(proc.stdout[proc.stdout.index("{") :])
    assert (
        plan["apiTaskDefinition"]["containerDefinitions"][0]["image"]
        == f"{registry.host}/fmu-gateway-api@<digest>"
    )
    assert moto.requests == []  # not one AWS call
    assert registry.requests == []  # nothing pushed, not even a login


def test_missing_secrets_fail_before_anything_is_created(moto: Moto, registry: LocalRegistry) -> None:
    _prerequisites(moto, secrets=("DATABASE_URL", "STRIPE_API_KEY"))

    proc = _deploy(*_args(), "--registry", registry.host, "--no-build")

    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert (
        "missing Secrets Manager secrets: fmu-gateway/FMU_GATEWAY_JWT_KEYS, fmu-gateway/STRIPE_WEBHOOK_SECRET"
        in proc.stdout
    )
    assert moto.client("ecr").describe_repositories()["repositories"] == []
    assert registry.requests == []


def test_missing_role_fails_with_exit_3(moto: Moto) -> None:
    proc = _deploy(*_args(), "--no-build")

    assert proc.returncode == 3
    assert "IAM role arn:aws:iam::123456789012:role/fmu-gateway-execution does not exist" in proc.stdout


def test_missing_configuration_is_a_usage_error(moto: Moto) -> None:
    proc = _deploy("--dry-run", "--bucket", "b")

    assert proc.returncode == 2
    assert "--subnets/FMU_GATEWAY_SUBNETS" in proc.stderr


def _container(task_definition: dict[str, Any]) -> dict[str, Any]:
    (container,) = task_definition["containerDefinitions"]
    return container


def _pushed_digest(registry: LocalRegistry, repo: str, tag: str) -> str:
    found = registry.manifest(repo, tag)
    assert found is not None, f"{repo}:{tag} was not pushed"
    return "sha256:" + hashlib.sha256(found[1]).hexdigest()


def test_deploy_end_to_end(
    moto: Moto, registry: LocalRegistry, api_image: str, runner_image: str, docker_client: Any
) -> None:
    secret_arns = _prerequisites(moto)
    net = _network(moto)

    proc = _deploy(*_args(**net), "--registry", registry.host)

    assert proc.returncode == 0, proc.stdout + proc.stderr
    for n in range(1, 10):
        assert f"[{n}/9]" in proc.stdout
    # The images went to the registry, with the credentials of moto's ECR token, every layer present.
    assert "AWS" in registry.logins
    api_digest = _pushed_digest(registry, "fmu-gateway-api", "t1")
    runner_digest = _pushed_digest(registry, "fmu-gateway-runner", "t1")
    assert registry.layers_present("fmu-gateway-api", "t1")
    assert registry.layers_present("fmu-gateway-runner", "t1")
    assert (
        f"{registry.host}/fmu-gateway-api@{api_digest}"
        in docker_client.images.get(api_image).attrs["RepoDigests"]
    )

    # ECR repositories, log group, bucket.
    repos = {r["repositoryName"]: r for r in moto.client("ecr").describe_repositories()["repositories"]}
    assert set(repos) == {"fmu-gateway-api", "fmu-gateway-runner"}
    assert repos["fmu-gateway-api"]["imageTagMutability"] == "IMMUTABLE"
    groups = moto.client("logs").describe_log_groups()["logGroups"]
    assert [g["logGroupName"] for g in groups] == ["/ecs/fmu-gateway"]
    assert groups[0]["retentionInDays"] == 30
    assert moto.client("s3").head_bucket(Bucket="fmu-gateway-blobs-test")

    # Task definitions carry the pushed digests.
    ecs = moto.client("ecs")
    api_td = ecs.describe_task_definition(taskDefinition="fmu-gateway-api")["taskDefinition"]
    runner_td = ecs.describe_task_definition(taskDefinition="fmu-gateway-runner")["taskDefinition"]
    api, runner = _container(api_td), _container(runner_td)
    assert api["image"] == f"{registry.host}/fmu-gateway-api@{api_digest}"
    assert runner["image"] == f"{registry.host}/fmu-gateway-runner@{runner_digest}"
    env = {e["name"]: e["value"] for e in api["environment"]}
    assert env["FMU_GATEWAY_RUNNER_IMAGE"] == runner["image"]
    assert env["FMU_GATEWAY_S3_BUCKET"] == "fmu-gateway-blobs-test"
    assert env["FMU_GATEWAY_ECS_SUBNETS"] == net["--runner-subnets"]
    assert env["FMU_GATEWAY_ECS_SECURITY_GROUPS"] == net["--runner-security-groups"]
    assert {s["name"]: s["valueFrom"] for s in api["secrets"]} == secret_arns
    assert api_td["requiresCompatibilities"] == ["FARGATE"]
    assert api_td["networkMode"] == "awsvpc"
    assert api_td["taskRoleArn"].endswith("role/fmu-gateway-api")
    assert "taskRoleArn" not in runner_td  # the runner reaches S3 only through a job's presigned URLs
    assert api["logConfiguration"]["options"] == {
        "awslogs-group": "/ecs/fmu-gateway",
        "awslogs-region": REGION,
        "awslogs-stream-prefix": "api",
    }
    # The runner: untrusted code, so read-only root, non-root, no privileges and no secrets at all.
    assert runner["readonlyRootFilesystem"] is True
    assert runner["user"] == "10001:10001"
    assert runner["privileged"] is False
    assert "secrets" not in runner or runner["secrets"] == []
    assert runner["linuxParameters"]["capabilities"]["drop"] == ["ALL"]

    # The service runs the new API task definition.
    (service,) = ecs.describe_services(cluster="fmu-test", services=["fmu-gateway-api"])["services"]
    assert service["taskDefinition"] == api_td["taskDefinitionArn"]
    assert service["launchType"] == "FARGATE"
    assert service["desiredCount"] == 2
    vpc = service["networkConfiguration"]["awsvpcConfiguration"]
    assert vpc["subnets"] == net["--subnets"].split(",")
    assert vpc["securityGroups"] == [net["--security-groups"]]

    # A second deployment reuses the images, registers revision 2 and updates the existing service.
    again = _deploy(*_args(**net, **{"--tag": "t2"}), "--registry", registry.host)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "service fmu-gateway-api: updated" in again.stdout
    assert _pushed_digest(registry, "fmu-gateway-api", "t2") == api_digest
    (service,) = ecs.describe_services(cluster="fmu-test", services=["fmu-gateway-api"])["services"]
    assert service["taskDefinition"].endswith("task-definition/fmu-gateway-api:2")


def test_a_service_that_never_stabilizes_fails_with_exit_5(
    moto: Moto, registry: LocalRegistry, api_image: str, runner_image: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOTO_ECS_SERVICE_RUNNING", "0")  # moto then reports no task running, ever
    _prerequisites(moto)

    proc = _deploy(
        *_args(**_network(moto), **{"--wait-timeout": "2"}), "--registry", registry.host, "--no-build"
    )

    assert proc.returncode == 5, proc.stdout + proc.stderr
    assert "did not become stable within 2 s" in proc.stdout


def test_task_definition_templates_render_to_valid_json() -> None:
    sys.path.insert(0, str(Path(DEPLOY).parent))
    import deploy as deploy_module

    cfg = deploy_module.parse_args(["--region", "us-east-1", *_args()])
    api, runner = deploy_module.task_definitions(cfg, 'r/api@sha256:"quoted"', "r/runner@sha256:1")
    assert _container(api)["image"] == 'r/api@sha256:"quoted"'  # values are JSON-escaped
    assert "${" not in json.dumps(api) + json.dumps(runner)
