"""405 names every method the path supports (Allow), for every path of the contract, whatever method was
tried: a path served by several routes (one per method) is one resource."""

from __future__ import annotations

import re

import pytest
import yaml
from fastapi.testclient import TestClient

from tests.conftest import REPO

SPEC = yaml.safe_load((REPO / "shared-specs" / "openapi.yaml").read_text())
METHODS = ("get", "put", "post", "delete", "patch")


def concrete(path: str) -> str:
    """A path of the contract with a plausible value for each parameter (405 comes before any lookup)."""
    values = {"fmu_id": "a" * 64, "simulation_id": "sim_" + "0" * 32, "key_id": "key_" + "0" * 32,
              "session_id": "cs_test_0", "job_id": "job_0", "sweep_id": "swp_" + "0" * 32}
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "x"), path)


CASES = [(path, method) for path, item in SPEC["paths"].items()
         for method in ("options", *METHODS) if method not in item]


@pytest.mark.parametrize(("path", "method"), CASES)
def test_an_unsupported_method_is_405_with_every_supported_method(raw_client: TestClient, path: str,
                                                                  method: str) -> None:
    documented = {m.upper() for m in SPEC["paths"][path] if m in METHODS}
    response = raw_client.request(method.upper(), concrete(path))
    assert response.status_code == 405, (path, method, response.text)
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    assert allowed - {"HEAD"} == documented, (path, allowed)
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "https://fmu-gateway.dev/problems/method-not-allowed"
