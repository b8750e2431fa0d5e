"""deploy/deploy.py (`make deploy`).

- Before any AWS or Docker call: parameters and Fargate sizes, the commit tag; `--dry-run` synthesizes.
- Against moto in server mode and the in-process registry, with real image builds: secrets, repositories,
  the push path, and a re-run of the same commit (the registry's tags are immutable, as ECR's).
- The ECS part (migration, rollout by deployment id) replays recorded answers (recordings/) through
  botocore's Stubber on real clients, with a clock that advances when the code sleeps: exit codes and
  messages of a completed rollout, a circuit-breaker rollback, a stuck rollout, a failed migration, and the
  order of it all (the migration before any service update; SERVICE=api alone; a first deployment).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, INFRA, REGION, ROOT, Moto
from oci_registry import LocalRegistry

DEPLOY = ROOT / "deploy" / "deploy.py"
RECORDINGS = Path(__file__).resolve().parent / "recordings"
OPERATOR_SECRETS = ("FMU_GATEWAY_JWT_KEYS", "STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET")
EXAMPLE = ("--env", "example", "--region", REGION)
PREFIX = "fmu-gateway-example"

sys.path[:0] = [str(ROOT / "deploy"), str(INFRA)]
import deploy as deploy_module  # noqa: E402, I001  (deploy/ on the path first)
from deploylib.errors import DeployError  # noqa: E402
from deploylib.images import image_tag  # noqa: E402


def _deploy(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(DEPLOY), *args],
        capture_output=True,
        text=True,
        env=env or os.environ,
        timeout=1200,
        check=False,
    )


# -- before any AWS call --------------------------------------------------------------------------------
def test_dry_run_checks_synthesizes_and_touches_nothing(
    moto: Moto, registry: LocalRegistry, cdk_env: dict[str, str]
) -> None:
    proc = _deploy("--dry-run", *EXAMPLE, "--registry", registry.host, env={**os.environ, **cdk_env})

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (
        "deploy: [1/10] parameters of FmuGateway-example: ok (https://api.fmu-gateway.example" in proc.stdout
    )
    assert f"deploy: [9/10] would run the migration task {PREFIX}-migrate" in proc.stdout
    template = ROOT / "build" / "deploy" / "example" / "cdk.out" / "FmuGateway-example.template.json"
    assert f"deploy: synthesized {template}" in proc.stdout
    images = {
        c["Image"]
        for r in json.loads(template.read_text())["Resources"].values()
        if r["Type"] == "AWS::ECS::TaskDefinition"
        for c in r["Properties"]["ContainerDefinitions"]
    }
    assert images == {f"{registry.host}/fmu-gateway-{n}@sha256:{'0' * 64}" for n in ("api", "runner")}
    assert moto.requests == []  # not one AWS call
    assert registry.requests == []  # nothing pushed, not even a login


def test_an_invalid_fargate_size_fails_before_any_aws_call(
    moto: Moto, registry: LocalRegistry, tmp_path: Path
) -> None:
    params = json.loads((INFRA / "environments" / "example.json").read_text())
    (tmp_path / "bad.json").write_text(json.dumps({**params, "workerMemory": 3000}))

    proc = _deploy(
        *EXAMPLE, "--params", str(tmp_path / "bad.json"), "--tag", "t1", "--registry", registry.host
    )

    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == (
        "deploy: error: worker: memory 3000 MiB does not go with cpu 2048 on Fargate "
        "(4096..16384 MiB in steps of 1024)\n"
    )
    assert (moto.requests, registry.requests) == ([], [])


def test_missing_secrets_fail_before_anything_is_created(moto: Moto, registry: LocalRegistry) -> None:
    moto.client("secretsmanager").create_secret(Name="fmu-gateway/STRIPE_API_KEY", SecretString="x")

    proc = _deploy(*EXAMPLE, "--tag", "t1", "--registry", registry.host, "--no-build")

    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert (
        "deploy: error: missing Secrets Manager secrets: fmu-gateway/FMU_GATEWAY_JWT_KEYS, "
        f"fmu-gateway/STRIPE_WEBHOOK_SECRET (region {REGION}); create them first" in proc.stdout
    )
    assert moto.client("ecr").describe_repositories()["repositories"] == []
    assert registry.requests == []


def test_the_image_tag_is_a_clean_commit(tmp_path: Path) -> None:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t", *args],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    git("init", "-q")
    (tmp_path / "a").write_text("1")
    git("add", "a")
    git("commit", "-qm", "one")
    assert image_tag(tmp_path) == git("rev-parse", "--short=12", "HEAD")
    (tmp_path / "a").write_text("2")
    with pytest.raises(
        DeployError,
        match="the work tree has uncommitted changes: images tagged [0-9a-f]{12} "
        "would not be commit [0-9a-f]{12}. Commit them, or pass --tag",
    ) as raised:
        image_tag(tmp_path)
    assert raised.value.code == 2


# -- the push path ------------------------------------------------------------------------------------
def _pushed_digest(registry: LocalRegistry, repo: str, tag: str) -> str:
    found = registry.manifest(repo, tag)
    assert found is not None, f"{repo}:{tag} was not pushed"
    return "sha256:" + hashlib.sha256(found[1]).hexdigest()


def test_images_are_pushed_once_per_commit_and_a_rerun_reuses_them(
    moto: Moto, registry: LocalRegistry, api_image: str, runner_image: str, docker_client: Any
) -> None:
    first = _deploy(*EXAMPLE, "--images-only", "--tag", "c0ffee", "--registry", registry.host)

    assert first.returncode == 0, first.stdout + first.stderr
    api, runner = (_pushed_digest(registry, f"fmu-gateway-{n}", "c0ffee") for n in ("api", "runner"))
    images = (
        f"deploy: images: {registry.host}/fmu-gateway-api@{api} {registry.host}/fmu-gateway-runner@{runner}\n"
    )
    assert first.stdout.endswith(images)
    assert "AWS" in registry.logins  # with the credentials of moto's ECR token
    assert registry.layers_present("fmu-gateway-api", "c0ffee")
    assert registry.layers_present("fmu-gateway-runner", "c0ffee")
    assert (
        f"{registry.host}/fmu-gateway-api@{api}" in docker_client.images.get(api_image).attrs["RepoDigests"]
    )
    repos = {r["repositoryName"]: r for r in moto.client("ecr").describe_repositories()["repositories"]}
    assert {n: r["imageTagMutability"] for n, r in repos.items()} == {
        "fmu-gateway-api": "IMMUTABLE",
        "fmu-gateway-runner": "IMMUTABLE",
    }

    # The same commit again: the registry has both tags, nothing is pushed, the same digests come back.
    seen = len(registry.requests)
    again = _deploy(*EXAMPLE, "--images-only", "--tag", "c0ffee", "--registry", registry.host, "--no-build")

    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.endswith(images)
    assert (
        f"deploy:   fmu-gateway-api:c0ffee is in the registry already ({api}): not pushed again"
        in again.stdout
    )
    assert {method for method, _ in registry.requests[seen:]} <= {"GET", "HEAD"}
    # Without that check the push itself fails: the registry does not move an immutable tag.
    events = list(
        docker_client.images.push(
            f"{registry.host}/fmu-gateway-runner",
            "c0ffee",
            stream=True,
            decode=True,
            auth_config={"username": "AWS", "password": f"{ACCOUNT}-auth-token"},
        )
    )
    assert "cannot be overwritten because the repository is immutable" in events[-1]["error"]


# -- the ECS part, replayed ---------------------------------------------------------------------------
class FakeClock:
    """Time moves only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _recording(name: str) -> dict[str, Any]:
    return json.loads((RECORDINGS / f"{name}.json").read_text())


def _as_worker(answer: Any) -> Any:
    return json.loads(json.dumps(answer).replace(f"{PREFIX}-api", f"{PREFIX}-worker"))


def _both(api: dict[str, Any], worker: dict[str, Any]) -> dict[str, Any]:
    return {"services": [*api["services"], *worker["services"]], "failures": []}


OUTPUTS = {
    "ClusterName": PREFIX,
    "ApiServiceName": f"{PREFIX}-api",
    "WorkerServiceName": f"{PREFIX}-worker",
    "ApiTaskDefinitionArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{PREFIX}-api:8",
    "WorkerTaskDefinitionArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{PREFIX}-worker:8",
    "MigrateTaskDefinitionArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{PREFIX}-migrate:4",
    "MigrateSubnets": "subnet-0a1b2c3d4e5f60718,subnet-0b2c3d4e5f6071829",
    "MigrateSecurityGroup": "sg-0d4e5f60718293a4b",
    "MigrateLogGroup": f"/ecs/{PREFIX}/migrate",
}
SECRET_ARNS = {
    n: f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:fmu-gateway/{n}-AbCdEf" for n in OPERATOR_SECRETS
}
IMAGES = (
    f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/fmu-gateway-api@sha256:{'a' * 64}",
    f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/fmu-gateway-runner@sha256:{'b' * 64}",
)


class Harness:
    """A Deployer whose ECS and Logs clients are real boto3 clients behind Stubbers; secrets, images and the
    stack (tested above and in test_stack.py) are replaced by what they return."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *args: str) -> None:
        import boto3
        from botocore.stub import Stubber

        for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
        self.clock = FakeClock()
        self.stacks: list[Any] = []
        self.args = [*EXAMPLE, "--tag", "c0ffee", "--poll", "15", *args]
        self.ecs = boto3.client("ecs", region_name=REGION)
        self.logs = boto3.client("logs", region_name=REGION)
        self.ecs_stub, self.logs_stub = Stubber(self.ecs), Stubber(self.logs)
        harness = self

        def init(deployer: Any, cfg: Any, params: Any, clock: Any = None) -> None:
            deployer.cfg, deployer.params, deployer.clock, deployer.step_no = cfg, params, harness.clock, 1
            deployer.ecs, deployer.logs = harness.ecs, harness.logs

        def deploy_stack(deployer: Any, release: Any) -> dict[str, str]:
            harness.stacks.append(release)
            return OUTPUTS

        monkeypatch.setattr(deploy_module.Deployer, "__init__", init)
        monkeypatch.setattr(deploy_module.Deployer, "check_secrets", lambda d: SECRET_ARNS)
        monkeypatch.setattr(deploy_module.Deployer, "publish_images", lambda d: IMAGES)
        monkeypatch.setattr(deploy_module.Deployer, "s3_prefix_list", lambda d: "pl-6ea54007")
        monkeypatch.setattr(deploy_module.Deployer, "deploy_stack", deploy_stack)

    def current(self, api: int | None, worker: int | None) -> None:
        if api is None:
            self.ecs_stub.add_client_error(
                "describe_services", "ClusterNotFoundException", "Cluster not found."
            )
            return
        answer = _recording("rollout-success")["describe_services"][-1]
        services = [json.loads(json.dumps(answer["services"][0]).replace(":8", f":{api}"))]
        worker_answer = _as_worker(answer)["services"][0]
        services.append(json.loads(json.dumps(worker_answer).replace(":8", f":{worker}")))
        self.ecs_stub.add_response(
            "describe_services",
            {"services": services, "failures": []},
            {"cluster": PREFIX, "services": [f"{PREFIX}-api", f"{PREFIX}-worker"]},
        )

    def migration(self, name: str) -> None:
        recording = _recording(name)
        self.ecs_stub.add_response(
            "run_task",
            recording["run_task"],
            {
                "cluster": PREFIX,
                "taskDefinition": OUTPUTS["MigrateTaskDefinitionArn"],
                "launchType": "FARGATE",
                "platformVersion": "1.4.0",
                "count": 1,
                "startedBy": "make-deploy",
                "networkConfiguration": {
                    "awsvpcConfiguration": {
                        "subnets": OUTPUTS["MigrateSubnets"].split(","),
                        "securityGroups": [OUTPUTS["MigrateSecurityGroup"]],
                        "assignPublicIp": "DISABLED",
                    }
                },
            },
        )
        task = recording["run_task"]["tasks"][0]["taskArn"]
        for answer in recording["describe_tasks"]:
            self.ecs_stub.add_response("describe_tasks", answer, {"cluster": PREFIX, "tasks": [task]})
        if "get_log_events" in recording:
            self.logs_stub.add_response(
                "get_log_events",
                recording["get_log_events"],
                {
                    "logGroupName": OUTPUTS["MigrateLogGroup"],
                    "logStreamName": f"migrate/migrate/{task.rsplit('/', 1)[1]}",
                    "limit": 20,
                    "startFromHead": False,
                },
            )

    def update(self, service: str, name: str) -> None:
        answer = _recording(name)["update_service"]
        self.ecs_stub.add_response(
            "update_service",
            answer if service == "api" else _as_worker(answer),
            {
                "cluster": PREFIX,
                "service": f"{PREFIX}-{service}",
                "taskDefinition": OUTPUTS[f"{service.capitalize()}TaskDefinitionArn"],
            },
        )

    def polls(self, services: list[str], answers: list[dict[str, Any]]) -> None:
        for answer in answers:
            self.ecs_stub.add_response(
                "describe_services",
                answer,
                {"cluster": PREFIX, "services": [f"{PREFIX}-{s}" for s in services]},
            )

    def run(self) -> int:
        with self.ecs_stub, self.logs_stub:
            code = deploy_module.main(self.args, clock=self.clock)  # type: ignore[arg-type]
            self.ecs_stub.assert_no_pending_responses()
            self.logs_stub.assert_no_pending_responses()
        return code


@pytest.fixture
def harness(monkeypatch: pytest.MonkeyPatch) -> Any:
    return lambda *args: Harness(monkeypatch, *args)


def test_a_deployment_migrates_then_rolls_out_both_services_by_deployment_id(
    harness: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    h = harness()
    h.current(api=7, worker=3)
    h.migration("migration-success")
    h.update("api", "rollout-success")
    h.update("worker", "rollout-success")
    answers = _recording("rollout-success")["describe_services"]
    h.polls(["api", "worker"], [_both(a, _as_worker(a)) for a in answers])

    assert h.run() == 0
    out = capsys.readouterr().out
    (release,) = h.stacks
    assert (release.api_revision, release.worker_revision, release.with_services) == (7, 3, True)
    assert (release.api_image, release.runner_image, release.s3_prefix_list_id) == (*IMAGES, "pl-6ea54007")
    assert h.clock.sleeps == [15] * 4  # the migration: PENDING, RUNNING; the rollout: two polls in progress
    assert "deploy:   migration task 4b1d6f2e8c3a4e5f9a0b1c2d3e4f5a6b: done (exit 0)" in out
    completed = "deployment ecs-svc/5283519218914553727 completed: 2 of 2 tasks running"
    assert f"deploy:   {PREFIX}-api: {completed} {PREFIX}-api:8" in out
    assert out.endswith(
        f"deploy: deployed c0ffee to FmuGateway-example: {PREFIX}-api {PREFIX}-api:8, "
        f"{PREFIX}-worker {PREFIX}-worker:8\n"
    )
    assert (
        out.index("migration task") < out.index("rolling out api, worker") < out.index("deployment ecs-svc/")
    )


def test_service_api_rolls_out_the_api_alone(harness: Any) -> None:
    h = harness("--service", "api")
    h.current(api=7, worker=3)
    h.migration("migration-success")
    h.update("api", "rollout-success")
    h.polls(["api"], _recording("rollout-success")["describe_services"])

    assert h.run() == 0  # the Stubber saw no UpdateService of the worker
    assert [(r.api_revision, r.worker_revision) for r in h.stacks] == [(7, 3)]


def test_a_first_deployment_creates_the_services_after_the_migration(harness: Any) -> None:
    h = harness("--service", "api")
    h.current(api=None, worker=None)
    h.migration("migration-success")
    done = _recording("rollout-success")["describe_services"][-1]
    for service in ("api", "worker"):  # created by the stack on these revisions: nothing new to start
        h.ecs_stub.add_response(
            "update_service",
            {"service": (done if service == "api" else _as_worker(done))["services"][0]},
            {
                "cluster": PREFIX,
                "service": f"{PREFIX}-{service}",
                "taskDefinition": OUTPUTS[f"{service.capitalize()}TaskDefinitionArn"],
            },
        )
    h.polls(["api", "worker"], [_both(done, _as_worker(done))])

    assert h.run() == 0
    assert [(r.with_services, r.api_revision, r.worker_revision) for r in h.stacks] == [
        (False, None, None),
        (True, None, None),
    ]


def test_a_circuit_breaker_rollback_exits_6_with_the_reason(
    harness: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    h = harness("--service", "api")
    h.current(api=7, worker=3)
    h.migration("migration-success")
    h.update("api", "rollout-circuit-breaker")
    h.polls(["api"], _recording("rollout-circuit-breaker")["describe_services"])

    assert h.run() == 6
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"deploy: error: {PREFIX}-api: deployment ecs-svc/5283519218914553727 failed: ECS deployment circuit "
        f"breaker: tasks failed to start.; ECS rolls back to {PREFIX}-api:7 "
        "(deployment ecs-svc/1187340266950284491)"
    )


def test_a_stuck_rollout_times_out_with_exit_5(harness: Any, capsys: pytest.CaptureFixture[str]) -> None:
    h = harness("--service", "api", "--rollout-timeout", "60")
    h.current(api=7, worker=3)
    h.migration("migration-success")
    h.update("api", "rollout-stuck")
    stuck = _recording("rollout-stuck")["describe_services"][0]
    h.polls(["api"], [stuck] * 5)  # at 0, 15, 30, 45 and 60 s

    assert h.run() == 5
    assert h.clock.now == 30 + 60  # the migration's two polls, then the watch
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"deploy: error: {PREFIX}-api: deployment ecs-svc/5283519218914553727 still in progress after 60 s "
        "(1 of 2 running, 1 pending, 0 failed); ECS carries on with it: watch the service, or run make "
        f"deploy again once it settled. Last event: (service {PREFIX}-api) is unable to consistently start "
        "tasks successfully."
    )


def test_a_failed_migration_exits_7_with_its_log_and_touches_no_service(
    harness: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    h = harness()
    h.current(api=7, worker=3)
    h.migration("migration-failure")

    assert h.run() == 7  # and no UpdateService: the Stubber had none to answer
    out = capsys.readouterr().out
    assert out[out.index("deploy: error:") :] == (
        "deploy: error: the migration task 4b1d6f2e8c3a4e5f9a0b1c2d3e4f5a6b failed: exit code 1; Essential "
        f"container in task exited. Log /ecs/{PREFIX}/migrate "
        "migrate/migrate/4b1d6f2e8c3a4e5f9a0b1c2d3e4f5a6b:\n"
        "    INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.\n"
        "    INFO  [alembic.runtime.migration] Running upgrade 0007 -> 0008, job leases\n"
        "    sqlalchemy.exc.ProgrammingError: (psycopg.errors.DuplicateColumn) column "
        '"lease_until" of relation "jobs" already exists\n'
    )


def test_exit_codes_are_documented() -> None:
    readme = (ROOT / "deploy" / "README.md").read_text()
    from deploylib import errors

    codes = {v: k for k, v in vars(errors).items() if k.startswith("EXIT_")}
    for code in codes:
        assert re.search(rf"^\| {code} \|", readme, re.M), (
            f"exit code {code} ({codes[code]}) not in the README"
        )
