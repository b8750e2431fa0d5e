"""The ECS backend end to end, on moto's server on loopback (S3, ECS, EC2, IAM): RunTask with the runner task
definition of deploy/ecs, and a fake Fargate that plays each task's part with the real ecs_task.py logic (the
same sandbox.py as a subprocess, S3 only through the job's presigned URLs over HTTP, no AWS credentials)
and calls back through the gateway's own HTTP API."""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
import string
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from fastapi.testclient import TestClient

from fmu_gateway_api.app import create_app
from fmu_gateway_api.auth.tokens import AUDIENCE_RUNNER
from fmu_gateway_api.internal.endpoints import router as internal_router
from fmu_gateway_api.runners import ecs_task
from fmu_gateway_api.settings import Settings
from fmu_gateway_api.simulations.repository import SimulationRepository
from tests.conftest import REPO, docker_missing, hostile_fmu, make_settings, new_account, own_database
from tests.contract_client import ContractClient

boto3 = pytest.importorskip("boto3")
moto = pytest.importorskip("moto")

REGION, CLUSTER, BUCKET, FAMILY = "us-east-1", "fmu-test", "fmu-gateway-jobs-test", "fmu-gateway-runner"
CALLBACK = "/internal/v1/jobs/{job_id}/complete"
RUNNER_IMAGE = Settings().runner_image


class _Relay(ThreadingHTTPServer):
    """The gateway's callback route on a real loopback port, for a task running in a container."""

    daemon_threads = True

    def __init__(self, poster: ecs_task.Poster) -> None:
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                status = relay.poster(f"http://relay{self.path}", token, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.poster = poster
        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class FakeFargate:
    """Watches the cluster for tasks RunTask started and runs each one's job as the task would."""

    def __init__(self, poster: ecs_task.Poster, scratch: Path) -> None:
        self.ecs = boto3.client("ecs", region_name=REGION)
        self.poster, self.scratch = poster, scratch
        self.manifests: dict[str, dict[str, Any]] = {}
        self.logs: dict[str, str] = {}
        self.relay: _Relay | None = None
        # "run": do the job in-process; "container": do it in a container of the runner image (host network,
        # to reach moto and the relay on loopback); "silent": never report; "crash": stop without a report.
        self.mode = "run"
        self.started: dict[str, dict[str, str]] = {}
        self.modes: dict[str, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="fake-fargate", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        if self.relay is not None:
            self.relay.shutdown()
            self.relay.server_close()

    def _in_container(self, env: dict[str, str]) -> str:
        """The task as Fargate runs it: the runner image's own ecs_task.py, as the runner task definition
        starts it (read-only root, uid 10001, no capabilities), with RunTask's environment and nothing else."""
        import docker

        if self.relay is None:
            self.relay = _Relay(self.poster)
        callback = self.relay.url + urlsplit(env["FMU_GATEWAY_CALLBACK_URL"]).path
        engine = docker.from_env(timeout=120)
        # The task definition's volumes "job" and "tmp": like Fargate's bind mounts, a Docker volume starts
        # with the image's directory, its owner and mode included.
        volumes = [engine.volumes.create(labels={"fmu-gateway.role": "test-ecs-task"}) for _ in range(2)]
        container = engine.containers.run(
            RUNNER_IMAGE, ["/opt/venv/bin/python", "-I", "-B", "/opt/fmu-gateway/ecs_task.py"],
            environment={**env, "FMU_GATEWAY_CALLBACK_URL": callback}, network_mode="host", read_only=True,
            user="10001:10001", cap_drop=["ALL"], security_opt=["no-new-privileges"], working_dir="/job",
            volumes={volumes[0].name: {"bind": "/job", "mode": "rw"}, volumes[1].name: {"bind": "/tmp", "mode": "rw"}},
            labels={"fmu-gateway.role": "test-ecs-task"}, detach=True)
        try:
            status = container.wait(timeout=120)
            return f"exit {status.get('StatusCode')}\n" + container.logs().decode("utf-8", "replace")
        finally:
            container.remove(force=True)
            for volume in volumes:
                volume.remove(force=True)
            engine.close()

    def _loop(self) -> None:
        while not self._stop.wait(0.05):
            try:
                self._discover()
            except Exception as exc:  # moto under threads now and then; look again
                print(f"fake fargate: {exc!r}")  # noqa: T201

    def _discover(self) -> None:
        for arn in self.ecs.list_tasks(cluster=CLUSTER, desiredStatus="RUNNING")["taskArns"]:
            if arn in self.started:
                continue
            (task,) = self.ecs.describe_tasks(cluster=CLUSTER, tasks=[arn])["tasks"]
            (override,) = task["overrides"]["containerOverrides"]
            env = {e["name"]: e["value"] for e in override["environment"]}
            with urllib.request.urlopen(env["FMU_GATEWAY_JOB_MANIFEST_URL"], timeout=10) as response:
                self.manifests[arn] = json.loads(response.read())
            self.started[arn] = env
            threading.Thread(target=self._task, args=(arn, env, self.mode), daemon=True).start()

    def status(self, arn: str) -> str:
        (task,) = self.ecs.describe_tasks(cluster=CLUSTER, tasks=[arn])["tasks"]
        return str(task["lastStatus"])

    def _task(self, arn: str, env: dict[str, str], mode: str) -> None:
        self.modes[arn] = mode
        if mode == "silent":
            return
        if mode == "crash":
            self.ecs.stop_task(cluster=CLUSTER, task=arn, reason="Essential container in task exited")
            return
        if mode == "container":
            try:
                self.logs[arn] = self._in_container(env)
            finally:
                self.ecs.stop_task(cluster=CLUSTER, task=arn, reason="Essential container in task exited")
            return
        stop = threading.Event()

        def watch() -> None:  # StopTask reaches the container as SIGTERM: here, the stop event
            while not stop.wait(0.2):
                if self._stop.is_set() or self.status(arn) == "STOPPED":
                    stop.set()

        threading.Thread(target=watch, daemon=True).start()
        try:
            # The task's whole environment is what RunTask's overrides gave it: no AWS credentials.
            ecs_task.run_job(env, post=self.poster, scratch=self.scratch, stop=stop)
        finally:
            if not stop.is_set():
                stop.set()
                self.ecs.stop_task(cluster=CLUSTER, task=arn, reason="Essential container in task exited")


def _aws_world() -> tuple[str, str]:
    """Bucket, cluster, network and the runner task definition filled from deploy/ecs."""
    boto3.client("s3", region_name=REGION).create_bucket(Bucket=BUCKET)
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})  # moto's task ENIs need it
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="fmu-runner", Description="runner: no rules",
                                   VpcId=vpc)["GroupId"]
    iam = boto3.client("iam", region_name=REGION)
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    roles = {name: iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
             for name in ("fmu-runner-exec", "fmu-runner-task")}
    ecs = boto3.client("ecs", region_name=REGION)
    ecs.create_cluster(clusterName=CLUSTER)
    template = (REPO / "deploy" / "ecs" / "runner-task-definition.json.tmpl").read_text()
    td = json.loads(string.Template(template).substitute(
        FAMILY=FAMILY, CPU="1024", MEMORY="2048", EXECUTION_ROLE_ARN=roles["fmu-runner-exec"],
        TASK_ROLE_ARN=roles["fmu-runner-task"],
        IMAGE="123456789012.dkr.ecr.us-east-1.amazonaws.com/runner@sha256:" + "0" * 64, BUCKET=BUCKET,
        REGION=REGION, LOG_GROUP="/ecs/fmu-gateway"))
    # moto (5.2) sums the containers' memory to place a task and fails on none: Fargate needs only the
    # task's; give moto the same number.
    td["containerDefinitions"][0].setdefault("memoryReservation", int(td["memory"]))
    ecs.register_task_definition(**td)
    return subnet, sg


@pytest.fixture(scope="module")
def ecs_app(tmp_path_factory: pytest.TempPathFactory, database_url: str | None,
            client: ContractClient) -> Iterator[tuple[ContractClient, TestClient, FakeFargate]]:
    """A gateway on the ECS backend (after the shared local one exists: `client`), AWS being moto's server on
    loopback, so that the task's presigned URLs are real HTTP."""
    from moto.moto_api import state_manager
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer("127.0.0.1", 0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(logging.getLogger("botocore"), "level", logging.INFO)  # its DEBUG is every request body
        for name, value in {"AWS_ENDPOINT_URL": f"http://{host}:{port}", "AWS_ACCESS_KEY_ID": "testing",
                            "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION}.items():
            mp.setenv(name, value)
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "HTTP_PROXY", "http_proxy"):
            mp.delenv(name, raising=False)
        mp.setenv("NO_PROXY", host)
        # moto moves a task on towards STOPPED each time it is described: keep it RUNNING until stopped.
        state_manager.set_transition("ecs::task", {"progression": "manual", "times": 10**9})
        subnet, sg = _aws_world()
        for name, value in {"FMU_GATEWAY_ECS_CLUSTER": CLUSTER,
                            "FMU_GATEWAY_ECS_RUNNER_TASK_DEFINITION": FAMILY,
                            "FMU_GATEWAY_ECS_SUBNETS": subnet, "FMU_GATEWAY_ECS_SECURITY_GROUPS": sg,
                            "FMU_GATEWAY_S3_BUCKET": BUCKET, "AWS_REGION": REGION,
                            "FMU_GATEWAY_AWS_ENDPOINT_URL": f"http://{host}:{port}",
                            "FMU_GATEWAY_ECS_COMPLETION_MARGIN_S": "2"}.items():
            mp.setenv(name, value)
        try:
            with own_database(database_url) as db:
                settings = make_settings(tmp_path_factory.mktemp("ecs-gw"), db, runner="ecs",
                                         public_url="http://testserver")
                app = create_app(settings)
                if not any(getattr(r, "path", "") == CALLBACK for r in app.routes):
                    app.include_router(internal_router)
                with TestClient(app, raise_server_exceptions=True) as raw:
                    def poster(url: str, token: str, report: dict[str, Any]) -> int:
                        response = raw.post(urlsplit(url).path, json=report,
                                            headers={"Authorization": f"Bearer {token}"})
                        # The task's own report is what the contract takes (the run waits, or left).
                        assert response.status_code in (204, 404), response.text
                        return response.status_code

                    # The task's ephemeral volume; not under /tmp, which the sandbox makes private.
                    scratch = Path(tempfile.mkdtemp(prefix="fmu-gw-fargate-", dir="/var/tmp"))
                    fargate = FakeFargate(poster, scratch)
                    try:
                        yield ContractClient(raw), raw, fargate
                    finally:
                        fargate.close()
                        shutil.rmtree(scratch, ignore_errors=True)
        finally:
            state_manager.unset_transition("ecs::task")
            server.stop()


@pytest.fixture
def eclient(ecs_app: tuple[ContractClient, TestClient, FakeFargate]) -> ContractClient:
    return ecs_app[0]


@pytest.fixture
def fargate(ecs_app: tuple[ContractClient, TestClient, FakeFargate]) -> Iterator[FakeFargate]:
    yield ecs_app[2]
    ecs_app[2].mode = "run"


@pytest.fixture
def eauth(eclient: ContractClient) -> dict[str, str]:
    return new_account(eclient, "ecs")


def simulate(client: ContractClient, auth: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post("/v1/simulations", headers=auth, json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def balance(client: ContractClient, auth: dict[str, str]) -> int:
    return int(client.get("/v1/account", headers=auth).json()["balance_credits"])


def _wait_status(client: ContractClient, auth: dict[str, str], sim_id: str, done: tuple[str, ...],
                 timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        sim = dict(client.get(f"/v1/simulations/{sim_id}", headers=auth).json())
        if sim["status"] in done or time.monotonic() > deadline:
            return sim
        time.sleep(0.5)


def _task_of(fargate: FakeFargate, job_id: str, timeout: float = 15) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for arn, env in list(fargate.started.items()):
            if env.get("FMU_GATEWAY_JOB_ID") == job_id:
                return arn
        time.sleep(0.1)
    raise AssertionError(f"no task was started for {job_id}")


def test_ready_reports_the_ecs_runner(eclient: ContractClient) -> None:
    response = eclient.get("/v1/ready")
    assert response.status_code == 200, response.text
    assert response.json()["checks"]["runner"] == "ok"


@pytest.mark.parametrize(("model", "interface"), [("BouncingBall", "ModelExchange"),
                                                  ("VanDerPol", "CoSimulation")])
def test_ecs_equals_local(client: ContractClient, auth: dict[str, str], eclient: ContractClient,
                          eauth: dict[str, str], fargate: FakeFargate, model: str, interface: str) -> None:
    body = {"fmu_id": f"lib:{model}", "interface": interface}
    local = simulate(client, auth, **body)
    remote = simulate(eclient, eauth, **body)
    assert local["status"] == "succeeded", local["error"]
    assert remote["status"] == "succeeded", (remote["error"], remote.get("log"))
    assert remote["provenance"]["runner"] == "ecs"
    arn = remote["provenance"]["task_arn"]
    assert arn.startswith("arn:aws:ecs:us-east-1:")
    assert arn in fargate.started
    env = fargate.started[arn]
    assert env["FMU_GATEWAY_CALLBACK_URL"] == f"http://testserver/internal/v1/jobs/{remote['id']}/complete"
    assert "FMU_GATEWAY_S3_BUCKET" not in env
    assert remote["result"]["columns"] == local["result"]["columns"]
    for name in local["result"]["columns"]:
        assert np.array_equal(np.asarray(remote["result"]["data"][name], dtype=float),
                              np.asarray(local["result"]["data"][name], dtype=float)), name
    assert len(local["result"]["data"]["time"]) > 10
    s3 = boto3.client("s3", region_name=REGION)
    assert s3.list_objects_v2(Bucket=BUCKET, Prefix=f"jobs/{remote['id']}/").get("KeyCount", 0) == 0


def test_the_task_runs_on_fargate_without_public_ip(eclient: ContractClient, eauth: dict[str, str],
                                                    fargate: FakeFargate) -> None:
    sim = simulate(eclient, eauth, fmu_id="lib:BouncingBall", stop_time=0.55)
    assert sim["status"] == "succeeded"
    ecs = boto3.client("ecs", region_name=REGION)
    (task,) = ecs.describe_tasks(cluster=CLUSTER, tasks=[sim["provenance"]["task_arn"]])["tasks"]
    assert task["launchType"] == "FARGATE"
    assert task["taskDefinitionArn"].split("/")[-1].startswith(f"{FAMILY}:")
    (override,) = task["overrides"]["containerOverrides"]
    assert override["name"] == "runner"
    assert override["command"][-1] == "/opt/fmu-gateway/ecs_task.py"


def test_the_callback_takes_only_the_job_token(ecs_app: tuple[ContractClient, TestClient, FakeFargate],
                                               eauth: dict[str, str]) -> None:
    _, raw, _ = ecs_app
    tokens = raw.app.state.ctx.tokens  # type: ignore[attr-defined]
    job = f"sim_{'a' * 32}"
    url = CALLBACK.format(job_id=job)
    body = {"started": True, "exit_code": 0}
    api_token = tokens.mint(subject="acc_x", key_id="key_x", scopes=["api"])
    other_job = tokens.mint(subject=f"sim_{'b' * 32}", key_id="", scopes=[f"job:sim_{'b' * 32}"],
                            audience=AUDIENCE_RUNNER)
    wrong_scope = tokens.mint(subject=job, key_id="", scopes=[f"job:sim_{'b' * 32}"],
                              audience=AUDIENCE_RUNNER)
    for headers in ({}, eauth, {"Authorization": f"Bearer {api_token}"},
                    {"Authorization": f"Bearer {other_job}"}, {"Authorization": f"Bearer {wrong_scope}"}):
        response = raw.post(url, json=body, headers=headers)
        assert response.status_code == 401, (headers, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    right = tokens.mint(subject=job, key_id="", scopes=[f"job:{job}"], audience=AUDIENCE_RUNNER)
    response = raw.post(url, json=body, headers={"Authorization": f"Bearer {right}"})
    assert response.status_code == 404, response.text  # accepted, but no run of that job waits here


def test_cancel_stops_the_task(eclient: ContractClient, eauth: dict[str, str], fargate: FakeFargate) -> None:
    with hostile_fmu("Hang").open("rb") as fh:
        response = eclient.post("/v1/fmus", headers=eauth,
                                files={"file": ("Hang.fmu", fh, "application/octet-stream")})
    assert response.status_code in (200, 201), response.text
    before = balance(eclient, eauth)
    response = eclient.post("/v1/simulations", headers=eauth, json={
        "fmu_id": response.json()["id"], "interface": "CoSimulation", "stop_time": 1.0, "timeout_s": 30.0,
        "wait_s": 0})
    assert response.status_code in (200, 202), response.text
    sim_id = response.json()["id"]
    arn = _task_of(fargate, sim_id)
    assert fargate.status(arn) == "RUNNING"
    t0 = time.monotonic()
    response = eclient.delete(f"/v1/simulations/{sim_id}", headers=eauth)
    assert response.status_code == 202, response.text
    sim = _wait_status(eclient, eauth, sim_id, ("cancelled", "failed", "succeeded"))
    assert sim["status"] == "cancelled", sim
    assert time.monotonic() - t0 < 10
    assert fargate.status(arn) == "STOPPED"
    assert balance(eclient, eauth) <= before


@pytest.mark.parametrize(("mode", "words"), [("silent", "did not report"),
                                             ("crash", "stopped without a result")])
def test_a_task_without_a_report_fails_and_is_refunded(eclient: ContractClient, eauth: dict[str, str],
                                                       fargate: FakeFargate, mode: str, words: str) -> None:
    before = balance(eclient, eauth)
    fargate.mode = mode
    # A stop time no other test asks for: an identical earlier request would be answered from its result.
    stop_time = {"silent": 0.31, "crash": 0.32}[mode]
    sim = simulate(eclient, eauth, fmu_id="lib:BouncingBall", stop_time=stop_time, timeout_s=1.0, cache=False)
    assert sim["status"] == "failed", (sim["provenance"], fargate.modes)
    assert words in sim["error"]["detail"], sim["error"]
    assert fargate.status(sim["provenance"]["task_arn"]) == "STOPPED"
    assert balance(eclient, eauth) == before


def test_the_task_can_reach_its_own_job_and_nothing_else(eclient: ContractClient, eauth: dict[str, str],
                                                         fargate: FakeFargate) -> None:
    sim = simulate(eclient, eauth, fmu_id="lib:VanDerPol", stop_time=0.77)
    assert sim["status"] == "succeeded", sim["error"]
    arn = sim["provenance"]["task_arn"]
    env = fargate.started[arn]
    # No AWS credentials, bucket or role: a job token and presigned URLs are all the task holds.
    assert set(env) == {"FMU_GATEWAY_JOB_ID", "FMU_GATEWAY_JOB_TOKEN", "FMU_GATEWAY_JOB_MANIFEST_URL",
                        "FMU_GATEWAY_CALLBACK_URL", "FMU_GATEWAY_JOB_TIMEOUT_S", "FMU_GATEWAY_MAX_OUTPUT_BYTES"}
    manifest = fargate.manifests[arn]
    urls = [env["FMU_GATEWAY_JOB_MANIFEST_URL"], manifest["job"], manifest["model"], manifest["done"],
            *manifest["out"].values()]
    assert set(manifest["out"]) == {*ecs_task.OUT_NAMES, "progress"}
    for url in urls:
        parts = urlsplit(url)
        assert parts.path.startswith(f"/{BUCKET}/jobs/{sim['id']}/"), url
        query = parse_qs(parts.query)
        assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
        # They expire with the job: its timeout, the start timeout and the completion margin, and a minute.
        assert 0 < int(query["X-Amz-Expires"][0]) <= float(env["FMU_GATEWAY_JOB_TIMEOUT_S"]) + 120 + 2 + 60, url
    # The run is over: its objects are gone, so its URLs reach nothing any more.
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(manifest["model"], timeout=10)
    err.value.close()
    assert err.value.code == 404


@pytest.mark.skipif(docker_missing(RUNNER_IMAGE) is not None, reason=docker_missing(RUNNER_IMAGE) or "")
def test_the_runner_image_does_an_ecs_job(client: ContractClient, auth: dict[str, str], eclient: ContractClient,
                                          eauth: dict[str, str], fargate: FakeFargate) -> None:
    fargate.mode = "container"
    body = {"fmu_id": "lib:FuelRail", "interface": "CoSimulation", "stop_time": 0.5}
    remote = simulate(eclient, eauth, **body)
    arn = remote["provenance"]["task_arn"]
    assert remote["status"] == "succeeded", (remote["error"], fargate.logs.get(arn))
    deadline = time.monotonic() + 60  # the task reports before its container has exited
    while arn not in fargate.logs and time.monotonic() < deadline:
        time.sleep(0.1)
    assert fargate.logs[arn].startswith("exit 0"), fargate.logs[arn]
    local = simulate(client, auth, **body)
    assert remote["result"]["columns"] == local["result"]["columns"]
    for name in local["result"]["columns"]:
        assert np.array_equal(np.asarray(remote["result"]["data"][name], dtype=float),
                              np.asarray(local["result"]["data"][name], dtype=float)), name


def test_a_long_ecs_run_shows_progress_and_can_be_cancelled(eclient: ContractClient, eauth: dict[str, str],
                                                           fargate: FakeFargate) -> None:
    response = eclient.post("/v1/simulations", headers=eauth, json={
        "fmu_id": "lib:VanDerPol", "interface": "CoSimulation", "stop_time": 8000.0, "output_interval": 0.01,
        "cache": False, "wait_s": 0})
    assert response.status_code == 202, response.text
    sim_id = response.json()["id"]
    arn = _task_of(fargate, sim_id)
    deadline = time.monotonic() + 30
    progress = None
    while time.monotonic() < deadline and not progress:
        time.sleep(0.5)
        progress = eclient.get(f"/v1/simulations/{sim_id}", headers=eauth).json()["progress"]
    assert progress is not None  # relayed by the task through its presigned URL
    assert 0 < progress < 1
    assert eclient.delete(f"/v1/simulations/{sim_id}", headers=eauth).status_code == 202
    assert _wait_status(eclient, eauth, sim_id, ("cancelled", "failed", "succeeded"))["status"] == "cancelled"
    assert fargate.status(arn) == "STOPPED"


class _ThrottledRunTask:
    """RunTask as a busy account sees it: throttled for the first `times` calls, then through to moto."""

    def __init__(self, ecs: Any, times: int) -> None:
        self.ecs, self.left, self.calls = ecs, times, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ecs, name)

    def run_task(self, **kwargs: Any) -> Any:
        from botocore.exceptions import ClientError

        self.calls += 1
        if self.left > 0:
            self.left -= 1
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "RunTask")
        return self.ecs.run_task(**kwargs)


@pytest.fixture
def throttled(ecs_app: tuple[ContractClient, TestClient, FakeFargate]) -> Iterator[Any]:
    runner = ecs_app[1].app.state.ctx.dispatcher.runner  # type: ignore[attr-defined]
    original, config, sleep = runner.ecs, runner.config, runner._sleep
    runner._sleep = lambda _s: None  # the backoff's waits: not this test's time

    def throttle(times: int, budget_s: float) -> _ThrottledRunTask:
        runner.config = dataclasses.replace(config, throttle_budget_s=budget_s)
        runner.ecs = _ThrottledRunTask(original, times)
        return runner.ecs

    yield throttle
    runner.ecs, runner.config, runner._sleep = original, config, sleep


def test_a_throttled_runtask_is_retried_and_the_run_succeeds(eclient: ContractClient, eauth: dict[str, str],
                                                             fargate: FakeFargate, throttled: Any) -> None:
    stub = throttled(times=3, budget_s=3600)
    before = balance(eclient, eauth)
    sim = simulate(eclient, eauth, fmu_id="lib:BouncingBall", stop_time=0.5, cache=False)
    assert sim["status"] == "succeeded", sim["error"]
    assert stub.calls == 4
    assert balance(eclient, eauth) == before - 1
    from fmu_gateway_api.observability import cloudwatch_data

    published = {d["MetricName"]: d["Value"] for d in cloudwatch_data()}
    assert published["RunTaskThrottles"] >= 3  # what the stack's RunTask-throttles alarm watches
    assert {d["MetricName"] for d in cloudwatch_data()} >= {"QueueDepth", "BacklogPerWorker", "OutboxLagSeconds"}


def test_throttling_past_the_budget_puts_the_run_back_in_the_queue_never_fails_it(
        ecs_app: tuple[ContractClient, TestClient, FakeFargate], eclient: ContractClient, eauth: dict[str, str],
        fargate: FakeFargate, throttled: Any) -> None:
    stub = throttled(times=2, budget_s=0)  # no retries in the runner: the job goes back to the queue, twice
    before = balance(eclient, eauth)
    response = eclient.post("/v1/simulations", headers=eauth,
                            json={"fmu_id": "lib:BouncingBall", "stop_time": 0.5, "cache": False, "wait_s": 0})
    assert response.status_code == 202, response.text
    sim = _wait_status(eclient, eauth, response.json()["id"], ("succeeded", "failed"), timeout=120)
    assert sim["status"] == "succeeded", sim["error"]
    assert stub.calls == 3
    ctx = ecs_app[1].app.state.ctx  # type: ignore[attr-defined]
    with ctx.sessions() as session:
        row = SimulationRepository(session).get(sim["id"])
        assert row is not None and row.attempts == 1  # the throttled starts used no attempt
    assert balance(eclient, eauth) == before - 1  # charged once


def test_task_states_are_read_in_batches_of_100() -> None:
    class Ecs:
        def __init__(self) -> None:
            self.batches: list[int] = []

        def describe_tasks(self, cluster: str, tasks: list[str]) -> dict[str, Any]:
            self.batches.append(len(tasks))
            return {"tasks": [{"taskArn": arn, "lastStatus": "RUNNING"} for arn in tasks], "failures": []}

    from fmu_gateway_api.runners.ecs import DESCRIBE_BATCH, EcsRunner

    ecs = Ecs()
    settings = Settings(ecs_cluster="c", ecs_runner_task_definition="runner:3", ecs_subnets="s",
                        s3_bucket="b", jwt_keys=None)
    runner = EcsRunner(settings, tokens=object(), ecs_client=ecs, s3_client=object())  # type: ignore[arg-type]
    arns = [f"arn:aws:ecs:us-east-1:123456789012:task/c/{i:032x}" for i in range(250)]
    for start in range(0, len(arns), DESCRIBE_BATCH):
        runner.describe_batch(arns[start:start + DESCRIBE_BATCH])
    assert ecs.batches == [100, 100, 50]
    assert all(state is not None and state["lastStatus"] == "RUNNING" for state in runner._states.values())


@pytest.mark.parametrize("definition", ["fmu-gateway-runner", "arn:aws:ecs:us-east-1:123456789012:task-definition/x"])
def test_production_refuses_a_task_definition_without_its_revision(definition: str) -> None:
    from fmu_gateway_api.runners.ecs import EcsConfig

    settings = Settings(ecs_cluster="c", ecs_runner_task_definition=definition, ecs_subnets="s", s3_bucket="b")
    settings.environment = "production"
    with pytest.raises(ValueError, match="must name a revision"):
        EcsConfig.from_settings(settings)
    settings.ecs_runner_task_definition = definition.rstrip("x") + ("fmu-gateway-runner:7" if definition.endswith("x")
                                                                   else ":7")
    assert EcsConfig.from_settings(settings).task_definition == settings.ecs_runner_task_definition


def test_long_runs_go_to_the_heavy_tier_and_short_ones_stay_on_the_worker(
        tmp_path: Path, database_url: str | None, fargate: FakeFargate) -> None:
    """A worker with the local runner and the ECS heavy tier: a run whose timeout reaches heavy_min_timeout_s
    starts an ECS task (its report reaches this gateway's callback); a shorter one runs in a local sandbox."""
    with own_database(database_url) as db:
        settings = make_settings(tmp_path / "heavy-gw", db, runner="local", heavy_runner="ecs",
                                 heavy_min_timeout_s=45.0, public_url="http://testserver")
        app = create_app(settings)
        if not any(getattr(r, "path", "") == CALLBACK for r in app.routes):
            app.include_router(internal_router)
        original = fargate.poster
        with TestClient(app, raise_server_exceptions=True) as raw:
            def poster(url: str, token: str, report: dict[str, Any]) -> int:
                return raw.post(urlsplit(url).path, json=report, headers={"Authorization": f"Bearer {token}"}
                                ).status_code

            fargate.poster = poster
            try:
                client = ContractClient(raw)
                auth = new_account(client, "heavy")
                short = simulate(client, auth, fmu_id="lib:BouncingBall", stop_time=0.5, timeout_s=10.0)
                long = simulate(client, auth, fmu_id="lib:BouncingBall", stop_time=0.5, timeout_s=50.0,
                                cache=False)
            finally:
                fargate.poster = original
    assert (short["status"], short["provenance"]["runner"]) == ("succeeded", "local")
    assert (long["status"], long["provenance"]["runner"]) == ("succeeded", "ecs"), long["error"]
    assert long["provenance"]["task_arn"] in fargate.started
    assert long["result"]["data"] == short["result"]["data"]
