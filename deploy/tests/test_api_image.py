"""The API image: how it is configured, that it serves and is ready on PostgreSQL in production mode, and
that it can compile an FMU that ships only sources."""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

PG_URL = os.environ.get("TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def database() -> Iterator[str]:
    """A database of its own on the PostgreSQL server of the suite (others use `test` concurrently)."""
    try:
        import psycopg

        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=5)
    except Exception as exc:
        pytest.skip(f"needs PostgreSQL at {PG_URL}: {exc}")
    name = f"fmu_gateway_image_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _jwt_keys() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return json.dumps([{"kid": "image-test", "private_key_pem": pem.decode()}])


def _get(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_image_configuration(docker_client: Any, api_image: str) -> None:
    config = docker_client.images.get(api_image).attrs["Config"]

    assert config["User"] == "10001:10001"
    assert config["Cmd"] == ["fmu-gateway-api", "serve", "--host", "0.0.0.0", "--port", "8000"]
    assert "/v1/health" in " ".join(config["Healthcheck"]["Test"])
    env = dict(e.split("=", 1) for e in config["Env"])
    assert env["FMU_GATEWAY_LIBRARY_DIR"] == "/opt/fmu-gateway/models"
    assert env["FMU_GATEWAY_CONTRACT"].endswith("openapi.yaml")


def test_api_container_is_healthy_and_ready_on_postgres(
    docker_client: Any, api_image: str, database: str
) -> None:
    port = _free_port()
    container = docker_client.containers.run(
        api_image,
        # Host networking reaches PostgreSQL on 127.0.0.1; the port is free, the health check follows it.
        command=["fmu-gateway-api", "serve", "--host", "127.0.0.1"],
        network_mode="host",
        environment={
            "FMU_GATEWAY_ENVIRONMENT": "production",
            "DATABASE_URL": database,
            "FMU_GATEWAY_JWT_KEYS": _jwt_keys(),
            "FMU_GATEWAY_PORT": str(port),
        },
        read_only=True,
        tmpfs={"/var/lib/fmu-gateway": "size=256m,uid=10001,gid=10001,mode=0700", "/tmp": "size=256m"},
        cap_drop=["ALL"],
        security_opt=["no-new-privileges"],
        detach=True,
    )
    try:
        status, body = 0, {}
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            container.reload()
            if container.status == "exited":
                pytest.fail("the API container exited:\n" + container.logs().decode(errors="replace")[-3000:])
            try:
                status, body = _get(f"http://127.0.0.1:{port}/v1/ready")
            except (OSError, ValueError):
                status = 0
            if status == 200:
                break
            time.sleep(0.5)
        logs = container.logs().decode(errors="replace")[-3000:]
        assert status == 200, f"/v1/ready answered {status} {body}\n{logs}"
        assert body["checks"]["database"] == "ok"
        assert body["checks"]["blob_store"] == "ok"
        assert body["checks"]["runner"] == "ok"
        assert body["checks"]["library"].startswith("ok (")
        assert _get(f"http://127.0.0.1:{port}/v1/health")[0] == 200

        exit_code, out = container.exec_run(["id", "-u"])
        assert (exit_code, out.strip()) == (0, b"10001")

        # The image's own HEALTHCHECK: healthy once it has run once (interval 10 s).
        deadline = time.monotonic() + 60
        health = ""
        while time.monotonic() < deadline:
            container.reload()
            health = container.attrs["State"].get("Health", {}).get("Status", "")
            if health == "healthy":
                break
            time.sleep(1)
        assert health == "healthy", container.attrs["State"].get("Health")
    finally:
        container.remove(force=True)


def test_api_image_compiles_an_fmu_from_its_sources(docker_client: Any, api_image: str) -> None:
    """Uploads that ship only sources are built by the API (FMPy: cmake, make, gcc) before acceptance."""
    script = (
        "import glob, shutil, tempfile, zipfile\n"
        "from fmpy.build import build_platform_binary\n"
        "d = tempfile.mkdtemp()\n"
        "zipfile.ZipFile('/opt/fmu-gateway/models/fmi2/BouncingBall.fmu').extractall(d)\n"
        "shutil.rmtree(d + '/binaries')\n"
        "build_platform_binary(d, build_dir=tempfile.mkdtemp())\n"
        "print(glob.glob(d + '/binaries/*/*.so'))\n"
    )
    out = docker_client.containers.run(
        api_image, ["python", "-c", script], network_disabled=True, remove=True, stderr=True
    )
    assert b"/binaries/linux64/BouncingBall.so" in out, out.decode(errors="replace")[-2000:]
