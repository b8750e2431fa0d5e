"""The committed client is exactly what the pinned generator makes from the current contract."""

from __future__ import annotations

import filecmp
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from conftest import SDK


def _generate_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sdk_generate", SDK / "scripts" / "generate.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["sdk_generate"] = module
    spec.loader.exec_module(module)
    return module


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


def test_generated_client_matches_the_contract(tmp_path: Path) -> None:
    generate = _generate_module()
    fresh = tmp_path / "_generated"
    generate.generate(fresh)
    committed, regenerated = _files(generate.TARGET), _files(fresh)
    assert sorted(committed) == sorted(regenerated), "files differ: run `make sdk`"
    changed = [name for name in committed if committed[name] != regenerated[name]]
    assert changed == [], f"generated code is stale ({changed[:5]}...): run `make sdk`"
    assert not filecmp.dircmp(generate.TARGET, fresh).diff_files


def test_generated_from_names_the_current_spec_and_generator() -> None:
    generate = _generate_module()
    assert (SDK / "GENERATED_FROM").read_text() == generate.stamp_text(), "run `make sdk`"
