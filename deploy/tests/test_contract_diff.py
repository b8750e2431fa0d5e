"""tools/contract_diff.py: the gate between shared-specs/released/openapi.yaml and the current contract."""

from __future__ import annotations

import copy
import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT

_spec = importlib.util.spec_from_file_location("contract_diff", ROOT / "tools" / "contract_diff.py")
assert _spec is not None
assert _spec.loader is not None
contract_diff = importlib.util.module_from_spec(_spec)
sys.modules["contract_diff"] = contract_diff
_spec.loader.exec_module(contract_diff)

RELEASED = ROOT / "shared-specs" / "released" / "openapi.yaml"
CURRENT = ROOT / "shared-specs" / "openapi.yaml"


def _load(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(path.read_text())
    return doc


def _json_body_op(doc: dict[str, Any]) -> tuple[str, str, str]:
    """(path, method, component schema name) of the first operation with a JSON body by $ref."""
    for path, item in doc["paths"].items():
        for method, op in item.items():
            ref = (
                (op.get("requestBody", {}) if isinstance(op, dict) else {})
                .get("content", {})
                .get("application/json", {})
                .get("schema", {})
                .get("$ref", "")
            )
            if ref.startswith("#/components/schemas/"):
                return path, method, ref.rsplit("/", 1)[-1]
    raise AssertionError("no operation with a JSON request body by $ref")


def _break(doc: dict[str, Any]) -> dict[str, Any]:
    """Remove an operation and add a required field to a request body."""
    broken = copy.deepcopy(doc)
    path, method, schema = _json_body_op(broken)
    target = broken["components"]["schemas"][schema]
    target.setdefault("properties", {})["tenant"] = {"type": "string"}
    target["required"] = [*target.get("required", []), "tenant"]
    victim = next(p for p in broken["paths"] if p != path and "get" in broken["paths"][p])
    del broken["paths"][victim]["get"]
    return broken


def test_current_contract_passes_against_the_released_one() -> None:
    assert contract_diff.main(["--released", str(RELEASED), "--current", str(CURRENT)]) == 0


def test_released_contract_is_valid_semver_and_not_newer() -> None:
    released = contract_diff.parse_version(_load(RELEASED)["info"]["version"])
    current = contract_diff.parse_version(_load(CURRENT)["info"]["version"])
    assert released <= current


def test_a_crafted_break_fails_without_a_version_bump(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    released = _load(RELEASED)
    broken = _break(released)
    (tmp_path / "current.yaml").write_text(yaml.safe_dump(broken))

    code = contract_diff.main(["--released", str(RELEASED), "--current", str(tmp_path / "current.yaml")])

    out = capsys.readouterr().out
    assert code == 1
    assert "operation removed" in out
    assert "required request property added" in out
    assert ".tenant" in out
    assert "FAIL: breaking changes need info.version >= 0.3.0 (or 1.0.0)" in out


def test_the_same_break_passes_with_a_minor_bump_before_1_0() -> None:
    released = _load(RELEASED)
    broken = _break(released)
    major, minor, _ = contract_diff.parse_version(released["info"]["version"])
    assert major == 0  # the 0.x rule is the one in force
    broken["info"]["version"] = f"0.{minor + 1}.0"

    ok, lines = contract_diff.check(released, broken)

    assert ok, lines
    assert lines[-1] == "OK: the version announces the breaking changes"


def test_after_1_0_a_break_needs_a_major_bump() -> None:
    released = copy.deepcopy(_load(RELEASED))
    released["info"]["version"] = "1.4.2"
    broken = _break(released)
    broken["info"]["version"] = "1.5.0"
    assert not contract_diff.check(released, broken)[0]
    broken["info"]["version"] = "2.0.0"
    assert contract_diff.check(released, broken)[0]


def test_the_version_may_not_go_down() -> None:
    released = _load(RELEASED)
    current = copy.deepcopy(released)
    current["info"]["version"] = "0.0.1"
    ok, lines = contract_diff.check(released, current)
    assert not ok
    assert "went down" in lines[-1]


def _doc(op: dict[str, Any], schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"version": "1.0.0"},
        "paths": {"/v1/things/{id}": {"post": op}},
        "components": {"schemas": schemas or {}},
    }


def _op(body: dict[str, Any], response: dict[str, Any], params: list[Any] | None = None) -> dict[str, Any]:
    return {
        "parameters": params or [],
        "requestBody": {"content": {"application/json": {"schema": body}}},
        "responses": {
            "200": {"description": "ok", "content": {"application/json": {"schema": response}}},
            "404": {"description": "missing"},
        },
    }


BODY = {
    "type": "object",
    "required": ["mode"],
    "properties": {"mode": {"type": "string", "enum": ["fast", "exact"]}, "n": {"type": "number"}},
}
RESP = {
    "type": "object",
    "required": ["id", "state"],
    "properties": {"id": {"type": "string"}, "state": {"type": "string"}, "note": {"type": "string"}},
}


def _breaks(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [b.what for b in contract_diff.diff(old, new)]


def _variant(mutate: Any) -> list[str]:
    old = _doc(_op(copy.deepcopy(BODY), copy.deepcopy(RESP)))
    new = copy.deepcopy(old)
    mutate(new["paths"]["/v1/things/{id}"]["post"])
    return _breaks(old, new)


def _schema(op: dict[str, Any], kind: str) -> dict[str, Any]:
    if kind == "body":
        schema: dict[str, Any] = op["requestBody"]["content"]["application/json"]["schema"]
    else:
        schema = op["responses"]["200"]["content"]["application/json"]["schema"]
    return schema


def test_unchanged_is_clean() -> None:
    assert _variant(lambda op: None) == []


def test_response_property_removed() -> None:
    assert _variant(lambda op: _schema(op, "resp")["properties"].pop("note")) == ["response property removed"]


def test_response_property_made_optional() -> None:
    assert _variant(lambda op: _schema(op, "resp")["required"].remove("state")) == [
        "response property made optional (was required)"
    ]


def test_response_status_removed() -> None:
    assert _variant(lambda op: op["responses"].pop("404")) == ["response status removed"]


def test_enum_value_removed_from_a_request() -> None:
    assert _variant(lambda op: _schema(op, "body")["properties"]["mode"]["enum"].remove("exact")) == [
        "enum values removed: ['exact']"
    ]


def test_request_type_narrowed() -> None:
    def narrow(op: dict[str, Any]) -> None:
        _schema(op, "body")["properties"]["n"]["type"] = "integer"

    assert _variant(narrow) == ["type narrowed from ['number'] to ['integer']"]


def test_required_parameter_added() -> None:
    def add(op: dict[str, Any]) -> None:
        op["parameters"] = [{"name": "x", "in": "query", "required": True, "schema": {"type": "string"}}]

    assert _variant(add) == ["required parameter added"]


def test_additions_that_do_not_break() -> None:
    def grow(op: dict[str, Any]) -> None:
        _schema(op, "body")["properties"]["extra"] = {"type": "string"}  # optional request field
        _schema(op, "body")["properties"]["mode"]["enum"].append("rough")  # new request enum value
        _schema(op, "body")["properties"]["n"]["type"] = ["number", "null"]  # widened request type
        _schema(op, "resp")["properties"]["more"] = {"type": "string"}  # new response field
        op["responses"]["409"] = {"description": "conflict"}
        op["parameters"] = [{"name": "y", "in": "query", "schema": {"type": "string"}}]

    assert _variant(grow) == []


def test_refs_and_all_of_are_followed() -> None:
    schemas = {
        "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
        "Thing": {
            "allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"type": "object", "properties": {"size": {"type": "integer"}}},
            ]
        },
    }
    old = _doc(_op(BODY, {"$ref": "#/components/schemas/Thing"}), copy.deepcopy(schemas))
    new = copy.deepcopy(old)
    del new["components"]["schemas"]["Base"]["properties"]["id"]
    new["components"]["schemas"]["Base"]["required"] = []
    assert _breaks(old, new) == ["response property removed"]


def test_unreadable_input_exits_2(tmp_path: Path) -> None:
    assert contract_diff.main(["--released", str(tmp_path / "missing.yaml"), "--current", str(CURRENT)]) == 2
