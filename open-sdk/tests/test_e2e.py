"""End to end against a real gateway process: key, upload, variables, quote, simulate, sweep, results."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from conftest import CountingTransport, library_fmu

from fmu_gateway_sdk import Gateway, NotFoundError, SimulationResult, UnprocessableEntityError

pytestmark = pytest.mark.e2e


def test_zero_configuration_creates_and_keeps_a_key(gateway_url: str, config_dir: Path) -> None:
    with Gateway(base_url=gateway_url) as gw:
        assert gw.fmus() == []
        stored = next(config_dir.glob("key*"))
        assert stored.read_text().strip() == gw.api_key
        assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    with Gateway(base_url=gateway_url) as again:
        assert again.api_key == gw.api_key


def test_upload_variables_and_model_info(gateway_url: str) -> None:
    transport = CountingTransport()
    with Gateway(base_url=gateway_url, transport=transport) as gw:
        path = library_fmu("VanDerPol", fmi=2)
        first = gw.upload(path)
        assert first.model.model_name == "VanDerPol"
        assert first.source == "upload"
        posted = [r for r in transport.requests if r[0] == "POST" and r[1] == "/v1/fmus"]
        assert len(posted) == 1
        assert posted[0][2] > 1000

        transport.requests.clear()
        second = gw.upload(path)
        assert second.id == first.id
        assert [(m, p) for m, p, _ in transport.requests] == [("GET", f"/v1/fmus/{first.id}")]
        assert sum(size for _, _, size in transport.requests) == 0  # no FMU bytes the second time

        names = {v.name: v for v in gw.variables(first)}
        assert names["mu"].causality == "parameter"
        assert "x0" in names
        assert [v.name for v in gw.variables(first, causality="output")] == ["x0", "x1"]
        info = gw.model_info("lib:ScavengePump")
        assert "pump_speed" in info.parameters
        assert info.fmi_version == "3.0"
        assert {m.id for m in gw.library("scavenge")} == {"lib:ScavengePump", "lib:ScavengePump@fmi2"}
        assert gw.fmus()[0].id == first.id


def test_quote_prices_a_run_without_running_it(gw: Gateway) -> None:
    quote = gw.quote("lib:BouncingBall", stop_time=2.0)
    assert quote.price_credits >= 0
    assert quote.balance_credits >= 0
    assert isinstance(quote.sufficient, bool)
    pricing = gw.pricing()
    assert pricing.currency
    assert pricing.default_tier
    assert gw.account().balance_credits == quote.balance_credits


def test_simulate_to_dataframe_csv_and_png(gw: Gateway, tmp_path: Path) -> None:
    result = gw.simulate("lib:BouncingBall", stop_time=3.0, start_values={"e": 0.7},
                         kpis=["max(h)", "final(bounces)"])
    assert isinstance(result, SimulationResult)
    assert result.status == "succeeded"
    assert result.kpis["max(h)"] == pytest.approx(1.0)
    assert (result.kpis["final(bounces)"] or 0) >= 3
    assert result.provenance["fmu_sha256"]
    assert result.provenance["fmpy_version"]

    frame = result.to_pandas()
    assert frame["time"].iloc[-1] == pytest.approx(3.0)
    assert frame["h"].min() >= -1e-6
    assert result.to_numpy()["h"].shape == (len(frame),)
    csv = result.to_csv(tmp_path / "ball.csv").read_text().splitlines()
    assert csv[0].startswith("time,h")
    assert len(csv) == len(frame) + 1
    result.plot(tmp_path / "ball.png")
    assert (tmp_path / "ball.png").stat().st_size > 10_000

    again = gw.simulate("lib:BouncingBall", stop_time=3.0, start_values={"e": 0.7},
                        kpis=["max(h)", "final(bounces)"])
    assert again.cached
    assert again.kpis == result.kpis


def test_inputs_from_a_dataframe_and_follow_a_submitted_job(gw: Gateway) -> None:
    import pandas as pd

    inputs = pd.DataFrame({"time": [0.0, 1.0, 1.0, 10.0], "u": [0.0, 0.0, 2.0, 2.0]})
    submitted = gw.simulate("lib:FirstOrderLag", stop_time=10.0, inputs=inputs,
                            start_values={"T": 1.0, "K": 1.5}, kpis=["final(y)"], wait=False, cache=False)
    assert submitted.id.startswith("sim_")
    result = gw.wait(submitted.id)
    assert result.kpis["final(y)"] == pytest.approx(3.0, rel=1e-3)
    assert "time,y" in gw.result_csv(result.id).splitlines()[0].replace('"', "")


def test_errors_are_typed(gw: Gateway) -> None:
    with pytest.raises(UnprocessableEntityError) as info:
        gw.simulate("lib:BouncingBall", start_values={"no_such_variable": 1.0})
    assert info.value.variable == "no_such_variable"
    assert info.value.status == 422
    with pytest.raises(NotFoundError):
        gw.get_fmu("0" * 64)


def test_a_sweep_of_twenty_points(gw: Gateway) -> None:
    frame = gw.sweep("lib:BouncingBall", {"e": [0.5, 0.6, 0.7, 0.8, 0.9], "g": [3.0, 6.0, 9.81, 12.0]},
                     kpis=["max(h)", "mean(h)"], stop_time=2.0, max_workers=4)
    assert len(frame) == 20
    assert set(frame["status"]) == {"succeeded"}
    assert list(frame.columns[:3]) == ["run", "e", "g"]
    assert frame["max(h)"].to_numpy() == pytest.approx([1.0] * 20, rel=1e-6)
    # a bouncier ball spends more time high up: mean height grows with the restitution coefficient
    earth = frame[frame["g"] == 9.81].sort_values("e")
    assert earth["mean(h)"].is_monotonic_increasing
    # the same runs again, as time series: served from the cache (a free account has 20 credits)
    long = gw.sweep("lib:BouncingBall", [{"e": 0.5, "g": 3.0}, {"e": 0.9, "g": 12.0}],
                    kpis=["max(h)", "mean(h)"], stop_time=2.0, long=True)
    assert list(long.columns[:4]) == ["run", "e", "g", "time"]
    assert set(long["run"]) == {0, 1}
    assert long[long["run"] == 1]["time"].iloc[-1] == pytest.approx(2.0)
