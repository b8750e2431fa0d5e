"""The API image: how it is configured, that it serves and is ready on PostgreSQL in production mode, and
that it builds an FMU that ships only sources in its own ingest sandbox."""

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


def _exited_report(container: Any) -> str:
    """Why an API container that should serve has exited: what it said about its sandbox (the first
    words on it), then the tail of its log."""
    logs = container.logs().decode(errors="replace").splitlines()
    said = [line for line in logs if "sandbox" in line.lower()][:20]
    return "the API container exited:\n" + "\n".join([*said, "...", *logs[-15:]])


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


def test_the_image_carries_every_optional_backend(docker_client: Any, api_image: str) -> None:
    """The extras docker, ecs, redis and sentry: a deployment picks its backends by settings alone."""
    out = docker_client.containers.run(
        api_image, ["/opt/venv/bin/python", "-c", "import boto3, docker, redis, sentry_sdk; print('ok')"],
        remove=True, network_mode="none",
    )
    assert out.decode().strip() == "ok"


def test_api_container_is_healthy_and_ready_on_postgres(
    docker_client: Any, api_image: str, database: str
) -> None:
    port = _free_port()
    env = {
        "FMU_GATEWAY_ENVIRONMENT": "production",
        "DATABASE_URL": database,
        "FMU_GATEWAY_JWT_KEYS": _jwt_keys(),
        "FMU_GATEWAY_PORT": str(port),
    }
    serve = ["fmu-gateway-api", "serve", "--host", "127.0.0.1"]
    # In production a service refuses a database that is behind: migrating is one step of its own.
    refused = docker_client.containers.run(api_image, command=serve, network_mode="host", environment=env,
                                           detach=True)
    try:
        assert refused.wait(timeout=120)["StatusCode"] != 0
        assert "run `fmu-gateway-api migrate` before starting" in refused.logs().decode(errors="replace")
    finally:
        refused.remove(force=True)
    docker_client.containers.run(api_image, command=["fmu-gateway-api", "migrate"], network_mode="host",
                                 environment=env, remove=True)
    container = docker_client.containers.run(
        api_image,
        # Host networking reaches PostgreSQL on 127.0.0.1; the port is free, the health check follows it.
        command=serve,
        network_mode="host",
        environment=env,
        read_only=True,
        tmpfs={"/var/lib/fmu-gateway": "size=256m,uid=10001,gid=10001,mode=0700", "/tmp": "size=256m",
               "/var/cache/fmu-gateway": "size=256m,uid=10001,gid=10001,mode=0711,exec"},
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
                pytest.fail(_exited_report(container))
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


def _stripped_bouncing_ball(docker_client: Any, api_image: str) -> bytes:
    """The library's BouncingBall (FMI 2) from the image, without its binaries: sources only."""
    import io
    import tarfile
    import zipfile

    # Copied out of a container that never starts (the engine's archive API: no log driver in between).
    container = docker_client.containers.create(api_image, ["true"], network_disabled=True)
    try:
        stream, _ = container.get_archive("/opt/fmu-gateway/models/fmi2/BouncingBall.fmu")
        with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
            member = tar.extractfile("BouncingBall.fmu")
            assert member is not None
            raw = member.read()
    finally:
        container.remove(force=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if not info.filename.startswith("binaries/"):
                zout.writestr(info, zin.read(info))
    return buf.getvalue()


def test_the_api_container_builds_a_source_only_fmu_in_its_sandbox(
    docker_client: Any, api_image: str
) -> None:
    """As its unprivileged user, read-only, no capabilities: the upload is unpacked and compiled (CMake, gcc)
    in the ingest sandbox under strict Landlock and seccomp, and the built model runs."""
    port = _free_port()
    container = docker_client.containers.run(
        api_image, command=["fmu-gateway-api", "serve", "--host", "127.0.0.1"], network_mode="host",
        environment={"FMU_GATEWAY_PORT": str(port), "FMU_GATEWAY_SANDBOX_REQUIRE": "strict"},
        read_only=True, cap_drop=["ALL"], security_opt=["no-new-privileges"], detach=True,
        tmpfs={"/var/lib/fmu-gateway": "size=256m,uid=10001,gid=10001,mode=0700", "/tmp": "size=256m",
               "/var/cache/fmu-gateway": "size=256m,uid=10001,gid=10001,mode=0711,exec"})
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            container.reload()
            if container.status == "exited":
                pytest.fail(_exited_report(container))
            try:
                if _get(f"{base}/v1/ready")[0] == 200:
                    break
            except (OSError, ValueError):
                pass
            time.sleep(0.5)
        key = _post(f"{base}/v1/keys", {"name": "image"})[1]["api_key"]
        status, fmu = _upload(f"{base}/v1/fmus", key, _stripped_bouncing_ball(docker_client, api_image))
        assert status == 201, fmu
        assert fmu["model"]["built_from_sources"] is True
        status, sim = _post(f"{base}/v1/simulations", {"fmu_id": fmu["id"], "stop_time": 1.0}, key)
        assert (status, sim["status"]) == (200, "succeeded"), sim
        isolation = sim["provenance"]["isolation"]
        assert isolation["landlock"] is True
        assert isolation["seccomp"] is True
    finally:
        container.remove(force=True)


def _post(url: str, body: dict[str, Any], key: str | None = None) -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {key}"} if key else {})}
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=120) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def _upload(url: str, key: str, data: bytes) -> tuple[int, dict[str, Any]]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bb.fmu\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data \
        + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Authorization": f"Bearer {key}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=300) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


NO_LANDLOCK = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
    {"names": ["landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self"],
     "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}  # ENOSYS: a kernel without Landlock


@pytest.mark.parametrize("require", ["strict", "best-effort"])
def test_strict_mode_refuses_a_machine_without_landlock(
    docker_client: Any, api_image: str, require: str
) -> None:
    """On a kernel without Landlock (simulated by a seccomp profile), strict refuses to start; best-effort
    starts and says so in every run's provenance."""
    script = (
        "import json\n"
        "from fmu_gateway_api.settings import Settings\n"
        "from fmu_gateway_api.runners.local import SandboxHost, SandboxRefused\n"
        f"host = SandboxHost(Settings(sandbox_require={require!r}))\n"
        "try:\n"
        "    print(json.dumps({'layers': host.start()}))\n"
        "except SandboxRefused as exc:\n"
        "    print(json.dumps({'refused': str(exc)}))\n"
        "host.close()\n"
    )
    out = docker_client.containers.run(
        api_image, ["python", "-c", script], remove=True, network_disabled=True, read_only=True,
        security_opt=["no-new-privileges", "seccomp=" + json.dumps(NO_LANDLOCK)], cap_drop=["ALL"],
        tmpfs={"/var/lib/fmu-gateway": "size=64m,uid=10001,gid=10001,mode=0700", "/tmp": "size=64m",
               "/var/cache/fmu-gateway": "size=64m,uid=10001,gid=10001,mode=0711"})
    answer = json.loads(out.decode().strip().splitlines()[-1])
    if require == "strict":
        assert answer == {"refused": "strict sandboxing: Landlock is not available on this kernel"}
    else:
        assert answer["layers"]["landlock"] is False, answer
        assert answer["layers"]["seccomp"] is True, answer


def test_rootless_with_user_namespaces_gets_every_layer(docker_client: Any, api_image: str) -> None:
    """Unprivileged where user namespaces are allowed (no Docker seccomp profile here): the template makes
    the namespaces inside a user namespace of its own; Landlock and seccomp as everywhere."""
    script = (
        "import json\n"
        "from fmu_gateway_api.settings import Settings\n"
        "from fmu_gateway_api.runners.local import SandboxHost\n"
        "host = SandboxHost(Settings(sandbox_require='strict'))\n"
        "print(json.dumps(host.start()))\n"
        "host.close()\n"
    )
    out = docker_client.containers.run(
        api_image, ["python", "-c", script], remove=True, network_disabled=True, read_only=True,
        security_opt=["no-new-privileges", "seccomp=unconfined"], cap_drop=["ALL"],
        tmpfs={"/var/lib/fmu-gateway": "size=64m,uid=10001,gid=10001,mode=0700", "/tmp": "size=64m",
               "/var/cache/fmu-gateway": "size=64m,uid=10001,gid=10001,mode=0711"})
    layers = json.loads(out.decode().strip().splitlines()[-1])
    assert layers["user_namespace"] is True
    assert layers["namespaces"] == ["ipc", "mount", "network", "pid", "uts"]
    assert (layers["landlock"], layers["seccomp"], layers["no_new_privs"]) == (True, True, True)
    assert (layers["own_uid"], layers["tree_kill"]) == (False, "pid-namespace")
