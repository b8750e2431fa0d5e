"""Test support shared by every suite (private-api, open-sdk, deploy, bench): one way to start a real
gateway process, the local Stripe server, a PostgreSQL database of a test's own, the model library's
FMUs, and the checks that say why a Docker or PostgreSQL test cannot run here."""

from fmu_gateway_testkit.databases import (
           POSTGRES_SKIP,
           fresh_postgres,
           own_database,
           postgres_url,
)
from fmu_gateway_testkit.docker import docker_missing
from fmu_gateway_testkit.gateway import GatewayProcess, free_port, serve_gateway
from fmu_gateway_testkit.models import LIBRARY_DIR, REPO, hostile_fmu, library_fmu
from fmu_gateway_testkit.stripe import FakeStripe

__all__ = [
    "LIBRARY_DIR",
    "POSTGRES_SKIP",
    "REPO",
    "FakeStripe",
    "GatewayProcess",
    "docker_missing",
    "free_port",
    "fresh_postgres",
    "hostile_fmu",
    "library_fmu",
    "own_database",
    "postgres_url",
    "serve_gateway",
]
