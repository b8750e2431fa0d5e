"""Picks the runner backend named by the `runner` setting."""

from __future__ import annotations

from fmu_gateway_api.kit.extras import require
from fmu_gateway_api.runners.base import Runner
from fmu_gateway_api.runners.local import LocalRunner, SandboxHost
from fmu_gateway_api.settings import Settings


def make_runner(settings: Settings, host: SandboxHost) -> Runner:
    if settings.runner == "docker":
        require("docker", "docker", "FMU_GATEWAY_RUNNER=docker")
        from fmu_gateway_api.runners.docker import DockerRunner

        return DockerRunner(settings, host)
    if settings.runner == "ecs":
        require("boto3", "ecs", "FMU_GATEWAY_RUNNER=ecs")
        from fmu_gateway_api.runners.ecs import EcsRunner

        return EcsRunner(settings)
    return LocalRunner(settings, host)


def make_heavy_runner(settings: Settings) -> Runner | None:
    """The heavy tier's backend (settings.heavy_runner): one ECS task per long run; None without one."""
    if settings.heavy_tier:  # "ecs" is the only heavy backend
        require("boto3", "ecs", "FMU_GATEWAY_HEAVY_RUNNER=ecs")
        from fmu_gateway_api.runners.ecs import EcsRunner

        return EcsRunner(settings)
    return None
