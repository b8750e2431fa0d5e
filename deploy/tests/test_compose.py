"""docker-compose.yml, as Docker Compose itself reads it (`docker compose config`, or Debian's v1)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT


def _compose_command() -> list[str]:
    v2 = (
        subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
        if shutil.which("docker")
        else None
    )
    if v2 is not None and v2.returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    pytest.skip("needs Docker: Docker Compose (the compose plugin, or `apt-get install docker-compose`)")


@pytest.fixture(scope="module")
def compose_config(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    # Compose v1 checks that build contexts exist; the real ones are assembled by the build scripts.
    contexts = tmp_path_factory.mktemp("contexts")
    env = {
        **os.environ,
        "FMU_GATEWAY_API_CONTEXT": str(contexts),
        "FMU_GATEWAY_RUNNER_CONTEXT": str(contexts),
        "BASE_IMAGE": "fmu-gateway-base:bookworm",
    }
    proc = subprocess.run(
        [*_compose_command(), "-f", str(ROOT / "docker-compose.yml"), "config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    config: dict[str, Any] = yaml.safe_load(proc.stdout)
    return config


def test_services(compose_config: dict[str, Any]) -> None:
    assert set(compose_config["services"]) == {"postgres", "migrate", "api", "worker", "runner"}


def test_the_api_is_the_edge_and_two_workers_run_the_jobs_on_a_shared_blob_store(
    compose_config: dict[str, Any],
) -> None:
    services = compose_config["services"]
    assert services["api"]["command"][:4] == ["fmu-gateway-api", "serve", "--role", "api"]
    assert services["worker"]["command"][:2] == ["fmu-gateway-api", "worker"]
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["worker"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    for name in ("api", "worker"):
        (volume,) = services[name]["volumes"]
        source = volume["source"] if isinstance(volume, dict) else volume.split(":")[0]
        target = volume["target"] if isinstance(volume, dict) else volume.split(":")[1]
        assert (source.rsplit("_", 1)[-1], target) == ("gateway-data", "/var/lib/fmu-gateway")
        migrate_env = services["migrate"]["environment"]
        assert services[name]["environment"]["DATABASE_URL"] == migrate_env["DATABASE_URL"]


def test_postgres_has_a_health_check(compose_config: dict[str, Any]) -> None:
    check = compose_config["services"]["postgres"]["healthcheck"]
    assert "pg_isready" in " ".join(check["test"])


def test_api_starts_after_a_successful_migration(compose_config: dict[str, Any]) -> None:
    services = compose_config["services"]
    assert services["migrate"]["command"] == ["fmu-gateway-api", "migrate"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    depends = services["api"]["depends_on"]
    assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert depends["postgres"]["condition"] == "service_healthy"
    assert (
        services["api"]["environment"]["DATABASE_URL"] == services["migrate"]["environment"]["DATABASE_URL"]
    )


def test_api_is_built_from_the_api_dockerfile_with_the_base_image_argument(
    compose_config: dict[str, Any],
) -> None:
    build = compose_config["services"]["api"]["build"]
    assert build["args"]["BASE_IMAGE"] == "fmu-gateway-base:bookworm"
    assert build["dockerfile"] == "Dockerfile"
    assert "/v1/ready" in " ".join(compose_config["services"]["api"]["healthcheck"]["test"])
    assert "gateway-data" in compose_config["volumes"]
    assert "postgres-data" in compose_config["volumes"]


def test_runner_is_built_only(compose_config: dict[str, Any]) -> None:
    runner = compose_config["services"]["runner"]
    assert runner["profiles"] == ["runner"]
    assert runner["image"] == "fmu-gateway-runner:latest"


def test_the_api_build_context_is_the_one_the_build_script_writes(tmp_path: Path) -> None:
    """`build-api-image.sh --context DIR` writes what deploy/api.Dockerfile copies from (no Docker needed
    beyond the base image check, so it runs where the other compose tests run)."""
    _compose_command()
    out = tmp_path / "ctx"
    proc = subprocess.run(
        ["bash", str(ROOT / "deploy" / "build-api-image.sh"), "--context", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (out / "Dockerfile").read_text() == (ROOT / "deploy" / "api.Dockerfile").read_text()
    assert list((out / "wheels" / "app").glob("fmu_gateway_api-*.whl"))
    assert list((out / "wheels" / "deps").glob("fastapi-*.whl"))
    assert (out / "models" / "build.py").is_file()
    assert (out / "shared-specs" / "openapi.yaml").is_file()
