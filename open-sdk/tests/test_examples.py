"""The two engineering examples run against a live gateway and reach physically meaningful conclusions."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest
from conftest import REPO

pytestmark = pytest.mark.e2e


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", REPO / "examples" / f"{name}.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def outputs(out: Path, stem: str) -> dict[str, object]:
    assert (out / f"{stem}.png").read_bytes()[:4] == b"\x89PNG"
    assert (out / f"{stem}.png").stat().st_size > 30_000
    brief = (out / f"{stem}.md").read_text()
    assert brief.startswith("# ")
    assert "## Conclusions" in brief
    return json.loads((out / f"{stem}.json").read_text())


def test_fuel_rail(gateway_url: str, tmp_path: Path) -> None:
    load("fuel_rail").main(["--out", str(tmp_path), "--url", gateway_url])
    summary = outputs(tmp_path, "fuel_rail")
    cases = summary["cases"]
    assert isinstance(cases, list)
    assert len(cases) == 10
    for engine in (1500.0, 3000.0):
        rows = [c for c in cases if c["engine_speed_rpm"] == engine]
        settled = [c["p_steady_mean_bar"] for c in rows]
        assert settled == sorted(settled), "more pump speed, more rail pressure"
        assert all(c["p_min_bar"] == pytest.approx(5.0) for c in rows)  # the build-up starts at 5 bar
    by_key = {(c["engine_speed_rpm"], c["pump_speed_rpm"]): c for c in cases}
    # more injections per second drain the rail harder: lower pressure at the same pump speed
    assert by_key[(3000.0, 1500.0)]["p_steady_mean_bar"] < by_key[(1500.0, 1500.0)]["p_steady_mean_bar"]
    # the relief valve caps the pressure: it opens at low engine speed and the rail never runs far above it
    assert by_key[(1500.0, 2000.0)]["relief_valve_opened"]
    assert not by_key[(3000.0, 1000.0)]["relief_valve_opened"]
    assert max(c["p_max_bar"] for c in cases) < 1850.0
    assert all(0 < c["ripple_pp_bar"] < 150 for c in cases)


def test_scavenge_pump(gateway_url: str, tmp_path: Path) -> None:
    load("scavenge_pump").main(["--out", str(tmp_path), "--url", gateway_url])
    summary = outputs(tmp_path, "scavenge_pump")
    assert summary["critical_speed_rpm"] == pytest.approx(4444.4, abs=1)
    assert summary["flooding_speeds_rpm"] == [2000.0, 3000.0, 4000.0]
    assert summary["settling_speeds_rpm"] == [5000.0, 6000.0, 7000.0, 8000.0]
    cases = summary["cases"]
    assert isinstance(cases, list)
    for case in cases:
        if case["verdict"] == "floods":
            assert case["final_level_m"] > summary["initial_level_m"]
        else:  # settled in the starvation band, where the delivery equals the inflow
            assert 0.05 <= case["final_level_m"] <= 0.061
            assert case["final_delivery_l_min"] == pytest.approx(20.0, rel=0.02)
