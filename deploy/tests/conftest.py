"""Fixtures of the deployment tests: the Docker engine, the images, moto in server mode, a local registry.

Docker tests skip with a reason starting "needs Docker:" when no engine answers; CI fails on such skips.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from oci_registry import LocalRegistry  # noqa: E402

REGION = "eu-central-1"
ACCOUNT = "123456789012"  # moto's default account
BUILD_TIMES: dict[str, float] = {}


def _docker() -> Any:
    try:
        import docker

        client = docker.from_env(timeout=300)
        client.ping()
    except Exception as exc:  # no SDK, no socket, no engine
        pytest.skip(f"needs Docker: no engine answers ({type(exc).__name__}: {exc})")
    return client


@pytest.fixture(scope="session")
def docker_client() -> Any:
    return _docker()


def _build(script: str, tag_env: str, tag: str) -> float:
    t0 = time.monotonic()
    proc = subprocess.run(
        ["bash", str(ROOT / "deploy" / script)],
        env={**os.environ, tag_env: tag},
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.monotonic() - t0
    assert proc.returncode == 0, f"{script} failed:\n{proc.stdout}\n{proc.stderr}"
    sys.stderr.write(proc.stdout)
    return elapsed


@pytest.fixture(scope="session")
def runner_image(docker_client: Any) -> str:
    BUILD_TIMES["runner"] = _build(
        "build-runner-image.sh", "FMU_GATEWAY_RUNNER_IMAGE", "fmu-gateway-runner:latest"
    )
    return "fmu-gateway-runner:latest"


@pytest.fixture(scope="session")
def api_image(docker_client: Any, runner_image: str) -> str:
    """Built by the same script `make api-image` runs; a second call shows the cached path is quick."""
    BUILD_TIMES["api"] = _build("build-api-image.sh", "FMU_GATEWAY_API_IMAGE", "fmu-gateway-api:latest")
    BUILD_TIMES["api (cached)"] = _build(
        "build-api-image.sh", "FMU_GATEWAY_API_IMAGE", "fmu-gateway-api:latest"
    )
    return "fmu-gateway-api:latest"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if BUILD_TIMES:
        terminalreporter.write_line(
            "image builds: " + ", ".join(f"{k} {v:.1f} s" for k, v in BUILD_TIMES.items())
        )


# -- moto, in server mode, with a log of every request --------------------------------------------------
@dataclass
class Moto:
    url: str
    requests: list[str] = field(default_factory=list)

    def client(self, service: str) -> Any:
        import boto3

        return boto3.client(
            service,
            region_name=REGION,
            endpoint_url=self.url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )  # noqa: S106  (moto's dummy credentials)

    def reset(self) -> None:
        import urllib.request

        urllib.request.urlopen(
            urllib.request.Request(f"{self.url}/moto-api/reset", method="POST"), timeout=10
        )
        self.requests.clear()


@pytest.fixture(scope="session")
def moto_server() -> Iterator[Moto]:
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    app = DomainDispatcherApplication(create_backend_app)
    log: list[str] = []

    def counting(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if not environ.get("PATH_INFO", "").startswith("/moto-api"):
            action = environ.get("HTTP_X_AMZ_TARGET", "")
            # the query protocol names its action in the body (Action=...)
            if not action and environ.get("REQUEST_METHOD") == "POST":
                size = int(environ.get("CONTENT_LENGTH") or 0)
                body = environ["wsgi.input"].read(size) if size else b""
                environ["wsgi.input"] = io.BytesIO(body)
                form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
                action = form.get("Action", [""])[0]
            log.append(f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')} {action}".strip())
        return app(environ, start_response)

    server = make_server("127.0.0.1", 0, counting, threaded=True, request_handler=MotoRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    moto = Moto(url=f"http://127.0.0.1:{server.server_address[1]}", requests=log)
    yield moto
    server.shutdown()


@pytest.fixture
def moto(moto_server: Moto, monkeypatch: pytest.MonkeyPatch) -> Moto:
    """A clean moto, and the environment boto3 (here and in a deploy.py subprocess) uses to reach it."""
    moto_server.reset()
    for name, value in {
        "AWS_ENDPOINT_URL": moto_server.url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "MOTO_ECS_SERVICE_RUNNING": "2",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "FMU_GATEWAY_REGISTRY"):
        monkeypatch.delenv(name, raising=False)
    return moto_server


@pytest.fixture
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRegistry]:
    """The push target: the credentials are the ones moto's ECR authorization token carries, and tags are
    immutable as in the repositories deploy.py creates."""
    with LocalRegistry(
        tmp_path_factory.mktemp("registry"),
        username="AWS",
        password=f"{ACCOUNT}-auth-token",
        immutable_tags=True,
    ) as reg:
        yield reg
    # The pushes tagged local images <registry>/<repo>:<tag>; the registry is gone, so are the tags.
    try:
        import docker

        client = docker.from_env(timeout=30)
        for image in client.images.list():
            for tag in image.tags:
                if tag.startswith(reg.host + "/"):
                    client.images.remove(tag, noprune=True)
    except Exception:  # noqa: S110  (no engine, nothing tagged)
        pass


# -- the CDK stack, synthesized once per session -------------------------------------------------------
INFRA = ROOT / "deploy" / "infra"
CDK = INFRA / "node_modules" / ".bin" / "cdk"
FAKE_DIGEST = "sha256:" + "1" * 64
FAKE_RELEASE = {
    "apiImage": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/fmu-gateway-api@sha256:{'1' * 64}",
    "runnerImage": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/fmu-gateway-runner@sha256:{'2' * 64}",
    "secretArns": {
        name: f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:fmu-gateway/{name}-{suffix}"
        for name, suffix in (
            ("FMU_GATEWAY_JWT_KEYS", "AbCdEf"),
            ("STRIPE_API_KEY", "GhIjKl"),
            ("STRIPE_WEBHOOK_SECRET", "MnOpQr"),
        )
    },
    "s3PrefixListId": "pl-6ea54007",
    "withServices": True,
    "apiRevision": 7,
    "workerRevision": 3,
}


def node_env() -> dict[str, str]:
    """The environment of the CDK CLI and the jsii runtime: Node's version check silenced (Node 20 is what
    Debian ships here; jsii prints a banner on every start otherwise)."""
    import shutil

    node = shutil.which("node")
    if node is None:
        pytest.skip("needs Node: the CDK CLI and the jsii runtime of aws-cdk-lib run on Node.js")
    major = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout
    return {
        **os.environ,
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": major.strip().lstrip("v").split(".")[0],
    }


@dataclass
class Synth:
    """A synthesized template: the JSON, and aws_cdk.assertions' view of it."""

    template: dict[str, Any]
    path: Path

    @property
    def assertions(self) -> Any:
        from aws_cdk.assertions import Template

        return Template.from_json(self.template)


@pytest.fixture(scope="session")
def cdk_env() -> dict[str, str]:
    env = node_env()
    os.environ.update({k: v for k, v in env.items() if k.startswith("JSII_")})  # in-process jsii too
    return env


@pytest.fixture(scope="session")
def synth(cdk_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Synth:
    """`cdk synth` with the pinned CLI, the example environment and a release as deploy.py writes it."""
    import json

    assert CDK.exists(), f"{CDK} is missing: `make test` installs it (npm ci in deploy/infra)"
    out = tmp_path_factory.mktemp("cdk")
    release = out / "release.json"
    release.write_text(json.dumps(FAKE_RELEASE))
    proc = subprocess.run(
        [
            str(CDK),
            "synth",
            "--quiet",
            "-c",
            "env=example",
            "-c",
            f"release={release}",
            "-o",
            str(out / "out"),
        ],
        cwd=INFRA,
        env={**cdk_env, "AWS_REGION": REGION},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    path = out / "out" / "FmuGateway-example.template.json"
    return Synth(json.loads(path.read_text()), path)


def synth_in_process(tmp: Path, params: dict[str, Any], release: dict[str, Any]) -> Synth:
    """A variant of the stack, synthesized in this process with cdk.json's feature flags."""
    import json

    import aws_cdk as cdk

    sys.path.insert(0, str(INFRA))
    from fmu_gateway_infra.config import Parameters, Release
    from fmu_gateway_infra.stack import FmuGatewayStack

    flags = json.loads((INFRA / "cdk.json").read_text())["context"]
    app = cdk.App(context=flags, outdir=str(tmp))
    FmuGatewayStack(
        app,
        params=Parameters.from_mapping("example", params),
        release=Release.from_json(json.dumps(release)),
    )
    assembly = app.synth()
    path = Path(assembly.get_stack_by_name("FmuGateway-example").template_full_path)
    return Synth(json.loads(path.read_text()), path)


@pytest.fixture(scope="session")
def variants(synth: Synth, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Synth]:
    """The first pass of a first deployment (no services yet) behind the optional API Gateway, and the
    second pass (services created on this release's revisions)."""
    import json

    example = json.loads((INFRA / "environments" / "example.json").read_text())
    gateway = {**example, "apiGateway": True, "multiAz": False}
    return {
        "first pass": synth_in_process(
            tmp_path_factory.mktemp("first"), gateway, {**FAKE_RELEASE, "withServices": False}
        ),
        "create services": synth_in_process(
            tmp_path_factory.mktemp("create"),
            example,
            {**FAKE_RELEASE, "apiRevision": None, "workerRevision": None},
        ),
    }
