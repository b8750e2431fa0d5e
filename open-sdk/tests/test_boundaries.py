"""open-sdk never imports the server, and the server never imports the SDK (outside its tests)."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO, SDK


def imported_modules(root: Path) -> dict[Path, set[str]]:
    found: dict[Path, set[str]] = {}
    for path in root.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[path] = names
    return found


def _offenders(root: Path, package: str) -> list[str]:
    return [f"{p.relative_to(REPO)} imports {n}" for p, names in imported_modules(root).items()
            for n in names if n == package or n.startswith(package + ".")]


def test_sdk_never_imports_the_server() -> None:
    # Tests start the server as a process (python -m fmu_gateway_api.cli), never import it.
    assert _offenders(SDK, "fmu_gateway_api") == []
    assert _offenders(REPO / "examples", "fmu_gateway_api") == []


def test_server_never_imports_the_sdk() -> None:
    assert _offenders(REPO / "private-api" / "src", "fmu_gateway_sdk") == []


def test_sdk_source_has_no_hidden_server_reference() -> None:
    for path in (SDK / "src").rglob("*.py"):
        assert "fmu_gateway_api" not in path.read_text(), path
