"""Picks the runner backend named by the `runner` setting."""

from __future__ import annotations

from fmu_gateway_api.runners.base import Runner
from fmu_gateway_api.settings import Settings


def make_runner(settings: Settings) -> Runner:
    if settings.runner == "docker":
        from fmu_gateway_api.runners.docker import DockerRunner

        return DockerRunner(settings)
    if settings.runner == "ecs":
        from fmu_gateway_api.runners.ecs import EcsRunner  # type: ignore[import-not-found]

        return EcsRunner(settings)  # type: ignore[no-any-return]
    from fmu_gateway_api.runners.local import LocalRunner

    return LocalRunner(settings)
