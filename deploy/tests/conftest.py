"""Fixtures of the deployment tests: the Docker engine, the images, moto in server mode, a local registry.

Docker tests skip with a reason starting "needs Docker:" when no engine answers; CI fails on such skips.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
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
            log.append(
                f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')} "
                f"{environ.get('HTTP_X_AMZ_TARGET', '')}".strip()
            )
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
    """The push target: the credentials are the ones moto's ECR authorization token carries."""
    with LocalRegistry(
        tmp_path_factory.mktemp("registry"), username="AWS", password=f"{ACCOUNT}-auth-token"
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
