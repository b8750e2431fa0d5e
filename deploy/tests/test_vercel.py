"""vercel.json routes everything to api/index.py on the Python runtime, and that module builds the app."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT


def test_vercel_json_routes_everything_to_the_python_entry_point() -> None:
    config = json.loads((ROOT / "vercel.json").read_text())
    (build,) = config["builds"]
    assert build["src"] == "api/index.py"
    assert build["use"] == "@vercel/python"
    assert build["config"]["runtime"].startswith("python3.")
    assert config["routes"] == [{"src": "/(.*)", "dest": "api/index.py"}]
    assert (ROOT / build["src"]).is_file()


def _names(requirements: list[str]) -> set[str]:
    return {
        re.split(r"[\[<>=!~; ]", r.strip(), maxsplit=1)[0].lower().replace("_", "-") for r in requirements
    }


def test_function_requirements_cover_the_service_dependencies() -> None:
    declared = tomllib.loads((ROOT / "private-api" / "pyproject.toml").read_text())["project"]["dependencies"]
    lines = (ROOT / "api" / "requirements.txt").read_text().splitlines()
    listed = _names([line for line in lines if line.strip() and not line.startswith("#")])
    assert _names(declared) <= listed


def test_entry_point_builds_the_asgi_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    monkeypatch.setenv("VERCEL", "1")
    monkeypatch.setenv("FMU_GATEWAY_DATA_DIR", str(tmp_path / "data"))
    for name in ("DATABASE_URL", "FMU_GATEWAY_DATABASE_URL", "FMU_GATEWAY_ENVIRONMENT", "STRIPE_ENABLED"):
        monkeypatch.delenv(name, raising=False)
    spec = importlib.util.spec_from_file_location("vercel_entry", ROOT / "api" / "index.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "vercel_entry", module)
    spec.loader.exec_module(module)

    assert isinstance(module.app, FastAPI)
    assert module.build_app() is not module.app  # a function that builds a fresh app
    with TestClient(module.app) as client:
        response = client.get("/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
