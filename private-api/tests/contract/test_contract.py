"""The published contract and the running server describe the same API."""

from __future__ import annotations

import re
from typing import Any

import yaml
from fastapi.routing import APIRoute
from openapi_spec_validator import validate

from fmu_gateway_api.app import create_app
from fmu_gateway_api.contract import contract_json, contract_path
from tests.contract_client import ContractClient

METHODS = ("get", "post", "put", "patch", "delete")


def contract_operations() -> set[tuple[str, str, str]]:
    ops = set()
    for path, item in contract_json()["paths"].items():
        for method in METHODS:
            if method in item:
                ops.add((method.upper(), path, item[method]["operationId"]))
    return ops


def _api_routes(routes: list[Any]) -> list[APIRoute]:
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):  # an included router (no prefixes in this app)
            found.extend(_api_routes(route.original_router.routes))
    return found


def route_operations() -> set[tuple[str, str, str]]:
    ops = set()
    for route in _api_routes(create_app().routes):
        for method in route.methods:
            ops.add((method, route.path_format, str(route.operation_id)))
    return ops


def test_contract_is_valid_openapi_31() -> None:
    spec = contract_json()
    assert spec["openapi"].startswith("3.1")
    assert re.fullmatch(r"0\.\d+\.\d+", spec["info"]["version"])
    validate(spec)


def test_routes_and_contract_have_the_same_operations_both_ways() -> None:
    in_contract, in_routes = contract_operations(), route_operations()
    assert in_routes - in_contract == set(), "routes the contract does not describe"
    assert in_contract - in_routes == set(), "contract operations the server does not serve"


def test_every_operation_has_an_id_one_tag_and_problem_errors() -> None:
    spec = contract_json()
    ids = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            ids.append(op["operationId"])
            assert len(op.get("tags", [])) == 1, f"{method} {path} needs exactly one tag"
            has_input = bool(op.get("parameters") or item.get("parameters") or op.get("requestBody"))
            if has_input:
                assert "422" in op["responses"], f"{op['operationId']} takes input but declares no 422"
            for status, response in op["responses"].items():
                if int(status) >= 400:
                    resolved = _resolve(spec, response)
                    assert list(resolved["content"]) == ["application/problem+json"], (op["operationId"], status)
    assert len(ids) == len(set(ids))


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def test_the_server_serves_the_contract_file(client: ContractClient) -> None:
    as_yaml = client.get("/v1/openapi.yaml")
    assert as_yaml.status_code == 200
    assert as_yaml.content == contract_path().read_bytes()
    as_json = client.get("/v1/openapi.json")
    assert as_json.json() == yaml.safe_load(contract_path().read_bytes())


def test_unknown_routes_are_problems(client: ContractClient) -> None:
    response = client._client.get("/v1/nope")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/not-found")
