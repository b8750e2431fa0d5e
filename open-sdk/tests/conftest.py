"""Fixtures: an isolated key store, mock transports, and one real gateway process per test session."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from fmu_gateway_sdk import Gateway

SDK = Path(__file__).resolve().parents[1]
REPO = SDK.parent
LIBRARY_DIR = Path(os.environ.get("FMU_GATEWAY_LIBRARY_DIR", REPO / "build" / "models"))
Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture(autouse=True)
def config_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the user's real key, or picks up their gateway settings."""
    config = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("FMU_GATEWAY_CONFIG_DIR", str(config))
    monkeypatch.delenv("FMU_GATEWAY_API_KEY", raising=False)
    monkeypatch.delenv("FMU_GATEWAY_URL", raising=False)
    monkeypatch.setattr("fmu_gateway_sdk._http._sleep", lambda s: None)
    return config


def problem(status: int, slug: str, detail: str, **extra: Any) -> httpx.Response:
    body = {"type": f"https://fmu-gateway.dev/problems/{slug}", "title": slug, "status": status,
            "detail": detail, **extra}
    return httpx.Response(status, content=json.dumps(body).encode(),
                          headers={"content-type": "application/problem+json"})


def mock_gateway(handler: Handler, **kwargs: Any) -> Gateway:
    kwargs.setdefault("api_key", "fgw_test")
    kwargs.setdefault("base_url", "https://gateway.example")
    return Gateway(transport=httpx.MockTransport(handler), **kwargs)


class CountingTransport(httpx.BaseTransport):
    """The real network transport, recording every request (method, path, body bytes)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.requests: list[tuple[str, str, int]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        self.requests.append((request.method, request.url.path, len(body)))
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_gateway(**extra_env: str) -> Iterator[str]:
    """A real FMU Gateway process (SQLite, local runner, the project's model library) on a free port."""
    if not (LIBRARY_DIR / "library.json").is_file():
        pytest.fail(f"{LIBRARY_DIR}/library.json is missing: run `make models`")
    port = _free_port()
    data = Path(tempfile.mkdtemp(prefix="fmugw-sdk-data-"))
    scratch = Path(tempfile.mkdtemp(prefix="fmugw-sdk-scratch-", dir="/var/tmp"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FMU_GATEWAY_", "STRIPE_"))}
    env.pop("DATABASE_URL", None)
    env.update({"FMU_GATEWAY_DATA_DIR": str(data), "FMU_GATEWAY_SCRATCH_DIR": str(scratch),
                "FMU_GATEWAY_LIBRARY_DIR": str(LIBRARY_DIR), "FMU_GATEWAY_ENVIRONMENT": "test",
                "FMU_GATEWAY_LOG_LEVEL": "WARNING", **extra_env})
    log = (data / "gateway.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "fmu_gateway_api.cli", "serve", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"gateway exited ({proc.returncode}):\n{(data / 'gateway.log').read_text()}")
            try:
                if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("gateway did not become healthy within 60 s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture(scope="session")
def gateway_url() -> Iterator[str]:
    """A gateway as `make run` serves it: Stripe off."""
    with serve_gateway() as url:
        yield url


@pytest.fixture
def gw(gateway_url: str) -> Iterator[Gateway]:
    """A client of the live gateway with a key it created itself (zero configuration)."""
    with Gateway(base_url=gateway_url, progress=False) as client:
        yield client


def library_fmu(name: str, fmi: int = 3) -> Path:
    path = LIBRARY_DIR / f"fmi{fmi}" / f"{name}.fmu"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make models`")
    return path
