"""The Gateway's behaviour, through httpx.MockTransport (no network)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import library_fmu, mock_gateway, problem

from fmu_gateway_sdk import (
    AuthenticationError,
    ConflictError,
    Gateway,
    PaymentRequired,
    SimulationFailed,
    _config,
    input_series,
    kpi_spec,
)

SIM_ID = "sim_" + "0" * 32


def simulation(status: str = "succeeded", *, result: bool = True, **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": SIM_ID, "status": status, "fmu_id": "lib:BouncingBall", "fmu_sha256": "a" * 64,
        "cached": False, "request": {}, "kpis": {"max(h)": 1.0},
        "provenance": {"runner": "local", "interface": "CoSimulation", "fmpy_version": "0.3.32",
                       "wall_time_s": 0.25},
        "error": None, "created_at": "2026-01-01T00:00:00Z", "started_at": None, "finished_at": None,
        "result_url": None, "result": None,
    }
    if result and status == "succeeded":
        doc["result"] = {"columns": ["time", "h", "bounces", "flying"], "units": {"h": "m"},
                         "data": {"time": [0.0, 0.5, 1.0], "h": [1.0, None, 0.0], "bounces": [0, 0, 1],
                                  "flying": [True, True, False]}}
    doc.update(extra)
    return doc


def summary(status: str = "succeeded") -> dict[str, Any]:
    """A listing's item (SimulationSummary): no request, provenance or result; a link to the whole."""
    full = simulation(status, result=False)
    doc = {k: v for k, v in full.items() if k not in ("request", "provenance", "result")}
    return {**doc, "url": f"/v1/simulations/{SIM_ID}"}


def test_simulate_sends_the_request_and_returns_the_result(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=simulation())

    gw = mock_gateway(handler)
    result = gw.simulate("lib:BouncingBall", stop_time=1, start_values={"e": 0.7},
                         kpis=["max(h)", ("min", "h"), {"variable": "h", "kind": "final", "name": "h_end"}],
                         outputs=["h"], payment_token="pt_once")
    body = json.loads(seen[0].content)
    assert body["fmu_id"] == "lib:BouncingBall"
    assert body["stop_time"] == 1
    assert body["start_values"] == {"e": 0.7}
    assert body["outputs"] == ["h"]
    assert body["kpis"] == [{"variable": "h", "kind": "max"}, {"variable": "h", "kind": "min"},
                            {"variable": "h", "kind": "final", "name": "h_end"}]
    assert seen[0].headers["Authorization"] == "Bearer fgw_test"
    assert seen[0].headers["Payment-Token"] == "pt_once"
    assert len(seen[0].headers["Idempotency-Key"]) == 36
    assert result.kpis == {"max(h)": 1.0}
    assert result.provenance["runner"] == "local"
    assert result.columns == ["time", "h", "bounces", "flying"]
    assert result["h"] == [1.0, None, 0.0]

    array = result.to_numpy()
    assert array.dtype.names == ("time", "h", "bounces", "flying")
    assert str(array.dtype["bounces"]) == "int64"
    assert str(array.dtype["flying"]) == "bool"
    frame = result.to_pandas()
    assert list(frame.columns) == result.columns
    assert frame.attrs["units"] == {"h": "m"}
    csv = result.to_csv(tmp_path / "r.csv").read_text().splitlines()
    assert csv == ["time,h,bounces,flying", "0.0,1.0,0,1", "0.5,,0,1", "1.0,0.0,1,0"]
    result.plot(tmp_path / "r.png")
    assert (tmp_path / "r.png").read_bytes()[:4] == b"\x89PNG"


def test_a_retried_simulate_reuses_its_idempotency_key() -> None:
    keys: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers["Idempotency-Key"])
        if len(keys) < 3:
            return problem(503, "unavailable", "busy") if len(keys) == 1 else httpx.Response(504)
        return httpx.Response(200, json=simulation())

    gw = mock_gateway(handler)
    gw.simulate("lib:BouncingBall")
    gw.simulate("lib:BouncingBall")
    assert len(keys) == 4
    assert keys[0] == keys[1] == keys[2] != keys[3]


def test_a_202_is_followed_until_the_result() -> None:
    polls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST":
            return httpx.Response(202, json=simulation("queued", result=False))
        if path.endswith("/result"):
            return httpx.Response(200, json={"simulation_id": SIM_ID, **simulation()["result"]})
        polls.append(path)
        status = "running" if len(polls) < 3 else "succeeded"
        return httpx.Response(200, json=simulation(status, result=False))

    result = mock_gateway(handler).simulate("lib:BouncingBall")
    assert len(polls) == 3
    assert result.status == "succeeded"
    assert result.time == [0.0, 0.5, 1.0]


def test_a_failed_model_raises_simulation_failed() -> None:
    failed = simulation("failed", error={"type": "model-crashed", "detail": "segfault in fmi3DoStep"})
    gw = mock_gateway(lambda r: httpx.Response(200, json=failed))
    with pytest.raises(SimulationFailed, match="segfault") as info:
        gw.simulate("lib:BouncingBall")
    assert info.value.slug == "model-crashed"
    assert info.value.simulation["status"] == "failed"


def test_upload_of_a_known_fmu_sends_no_bytes() -> None:
    seen: list[tuple[str, str]] = []
    fmu_doc = {"id": "x", "sha256": "x", "source": "upload", "filename": "VanDerPol.fmu", "size": 1,
               "created_at": None, "model": model_info(), "warnings": []}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path))
        return httpx.Response(200, json=fmu_doc)

    fmu = mock_gateway(handler).upload(library_fmu("VanDerPol"))
    assert fmu.filename == "VanDerPol.fmu"
    assert [m for m, _ in seen] == ["GET"]
    assert len(seen[0][1]) == len("/v1/fmus/") + 64


def test_upload_of_a_new_fmu_posts_it() -> None:
    seen: list[httpx.Request] = []
    fmu_doc = {"id": "x", "sha256": "x", "source": "upload", "filename": "VanDerPol.fmu", "size": 1,
               "created_at": None, "model": model_info(), "warnings": []}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "GET":
            return problem(404, "not-found", "no such FMU")
        return httpx.Response(201, json=fmu_doc)

    mock_gateway(handler).upload(library_fmu("VanDerPol"))
    assert [r.method for r in seen] == ["GET", "POST"]
    assert seen[1].headers["content-type"].startswith("multipart/form-data")
    assert b'name="file"; filename="VanDerPol.fmu"' in seen[1].read()


def model_info(interfaces: list[str] | None = None) -> dict[str, Any]:
    name = "BouncingBall" if interfaces else "VanDerPol"
    return {"fmi_version": "3.0", "model_name": name, "instantiation_token": "t", "description": None,
            "generation_tool": None, "interfaces": interfaces or ["CoSimulation"], "model_identifiers": {},
            "platforms": [], "has_sources": False, "built_from_sources": False, "default_experiment": None,
            "variable_count": 1, "inputs": [], "outputs": [], "parameters": [], "states": []}


def _key_server(created: list[str]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/keys":
            assert "Authorization" not in request.headers
            key = f"fgw_new_{len(created)}"
            created.append(key)
            return httpx.Response(201, json={"account_id": "acc", "key_id": "key", "api_key": key,
                                             "prefix": key[:8], "name": None,
                                             "created_at": "2026-01-01T00:00:00Z"})
        if not created or request.headers.get("Authorization") != f"Bearer {created[-1]}":
            return problem(401, "unauthorized", "unknown key")
        return httpx.Response(200, json={"items": []})
    return httpx.MockTransport(handler)


def test_a_local_gateway_without_key_creates_and_keeps_one(config_dir: Path) -> None:
    created: list[str] = []
    gw = Gateway(transport=_key_server(created))
    assert gw.base_url == "http://127.0.0.1:8000"
    assert gw.fmus() == []
    key_file = config_dir / "key"
    assert key_file.read_text().strip() == created[0] == "fgw_new_0"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    again = Gateway(transport=_key_server(created))  # reads the stored key: no new account
    created_before = list(created)
    assert again.api_key == "fgw_new_0"
    assert created == created_before


def test_a_refused_stored_key_is_an_error_with_instructions(config_dir: Path) -> None:
    """A key from the key file that the gateway refuses: no new account, the file untouched, and the
    error says where the file is and which command makes a new key."""
    key_file = config_dir / "key"
    key_file.write_text("fgw_forgotten\n")
    created: list[str] = []
    gw = Gateway(transport=_key_server(created))
    with pytest.raises(AuthenticationError) as info:
        gw.fmus()
    assert created == []
    assert key_file.read_text() == "fgw_forgotten\n"
    assert sorted(p.name for p in config_dir.iterdir()) == ["key"]
    assert info.value.hint == (
        f"the key stored in {key_file} is not accepted by http://127.0.0.1:8000 (revoked, or the gateway "
        "lost its data); the file was left as it is. Make a new key (a new account) with "
        "`fmu-gateway keys create --new-account --save`, which stores it there (keeping the old file next "
        "to it), or set FMU_GATEWAY_API_KEY to a key that works.")
    assert str(info.value).endswith(info.value.hint)


def test_a_refused_environment_key_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FMU_GATEWAY_API_KEY", "fgw_revoked")
    created: list[str] = []
    gw = Gateway(base_url="http://127.0.0.1:8123", transport=_key_server(created))
    with pytest.raises(AuthenticationError) as info:
        gw.fmus()
    assert created == []
    assert info.value.hint == (
        "FMU_GATEWAY_API_KEY is not accepted by http://127.0.0.1:8123 (revoked or unknown). Make a new key "
        "(a new account) with `fmu-gateway --url http://127.0.0.1:8123 keys create --new-account` and use "
        "that one.")


def test_a_key_is_created_only_when_none_is_configured_and_it_says_where(
        config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    created: list[str] = []
    gw = Gateway(transport=_key_server(created))
    assert gw.key_origin is None
    gw.fmus()
    assert gw.key_origin == _config.KeyOrigin("created", config_dir / "key")
    assert capsys.readouterr().err == (
        "fmu-gateway: created an API key for a new account (acc) on http://127.0.0.1:8000; stored in "
        f"{config_dir / 'key'} (readable only by you). It is the way into this account's FMUs and credits: "
        "keep it.\n")
    Gateway(transport=_key_server(created)).fmus()  # stored: read back, nothing created, nothing said
    assert created == ["fgw_new_0"]
    assert capsys.readouterr().err == ""


def test_a_remote_gateway_gets_a_key_only_when_asked(config_dir: Path) -> None:
    created: list[str] = []
    gw = Gateway(base_url="https://gw.example", transport=_key_server(created))
    with pytest.raises(AuthenticationError, match="no API key for https://gw.example") as info:
        gw.fmus()
    assert info.value.hint == (
        "set FMU_GATEWAY_API_KEY, pass Gateway(api_key=...), or make a key (a new account) with "
        "`fmu-gateway --url https://gw.example keys create --new-account --save`")
    auto = Gateway(base_url="https://gw.example", auto_key=True, transport=_key_server(created))
    assert auto.fmus() == []
    assert (config_dir / "key-gw.example-default").read_text() == "fgw_new_0\n"
    assert Gateway(base_url="https://gw.example", transport=_key_server(created)).api_key == "fgw_new_0"


def test_saving_a_key_keeps_the_earlier_file(config_dir: Path) -> None:
    first, kept = _config.store_key(_config.DEFAULT_URL, "fgw_one")
    assert (first, kept) == (config_dir / "key", None)
    again, kept = _config.store_key(_config.DEFAULT_URL, "fgw_two")
    assert kept is not None
    assert kept.name.startswith("key.replaced-")
    assert (again.read_text(), kept.read_text()) == ("fgw_two\n", "fgw_one\n")
    assert stat.S_IMODE(again.stat().st_mode) == 0o600


def test_the_legacy_key_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FMU_GATEWAY_CONFIG_DIR")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    (tmp_path / ".fmu_gateway_key").write_text("fgw_legacy\n")
    assert Gateway().api_key == "fgw_legacy"


def test_environment_supplies_key_and_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FMU_GATEWAY_API_KEY", "fgw_env")
    monkeypatch.setenv("FMU_GATEWAY_URL", "https://gw.example/")
    gw = Gateway()
    assert (gw.api_key, gw.base_url) == ("fgw_env", "https://gw.example")


QUOTE = {"price_credits": 1, "balance_credits": 99, "tier": "free", "billing": "prepaid", "currency": "EUR",
         "cached": False, "sufficient": True}
CHECKOUT = {"session_id": "cs_1", "kind": "pack", "pack_id": "small", "credits": 100, "amount_cents": 500,
            "currency": "eur", "status": "open", "payment_status": "unpaid",
            "checkout_url": "https://checkout.stripe.com/c/pay/cs_1", "created_at": "2026-01-01T00:00:00Z",
            "paid_at": None, "payment_token": None, "payment_token_expires_at": None,
            "payment_token_redeemed": False}


def test_quote_account_pricing_and_checkout_use_the_contract() -> None:
    seen: list[httpx.Request] = []
    answers: dict[str, Any] = {
        "/v1/quotes": QUOTE,
        "/v1/account": {"account_id": "acc", "name": None, "tier": "free", "billing": "prepaid",
                        "balance_credits": 99, "currency": "EUR", "run_price_credits": 1,
                        "created_at": "2026-01-01T00:00:00Z", "ledger": []},
        "/v1/pricing": {"version": 1, "currency": "EUR", "default_tier": "free", "tiers": {},
                        "credit_packs": [{"id": "small", "credits": 100, "price_cents": 500}],
                        "pay_per_run": {"price_cents": 10}},
        "/v1/payments/checkout": CHECKOUT, "/v1/payments/checkout/cs_1": CHECKOUT,
    }

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        status = 201 if request.url.path == "/v1/payments/checkout" else 200
        return httpx.Response(status, json=answers[request.url.path])

    gw = mock_gateway(handler)
    quote = gw.quote("lib:FuelRail", stop_time=2, kpis=["mean(p_rail)"])
    assert (quote.price_credits, quote.balance_credits, quote.sufficient) == (1, 99, True)
    assert json.loads(seen[0].content)["kpis"] == [{"variable": "p_rail", "kind": "mean"}]
    assert gw.account().balance_credits == 99
    pricing = gw.pricing()
    assert pricing.credit_packs[0].id == "small"
    assert "Authorization" not in seen[2].headers
    checkout = gw.checkout("small")
    assert checkout.checkout_url == CHECKOUT["checkout_url"]
    assert seen[3].headers["Idempotency-Key"]
    assert json.loads(seen[3].content) == {"pack_id": "small"}
    assert gw.checkout_session("cs_1").session_id == "cs_1"


def test_kpi_and_input_helpers() -> None:
    assert kpi_spec(" rms( x ) ") == {"variable": "x", "kind": "rms"}
    with pytest.raises(ValueError, match="kind"):
        kpi_spec("median(x)")
    assert input_series({"time": [0, 1], "u": [1, 2]}) == {"time": [0.0, 1.0], "signals": {"u": [1, 2]}}
    import pandas as pd

    frame = pd.DataFrame({"u": [0.0, 1.0]}, index=pd.Index([0.0, 5.0], name="t"))
    assert input_series(frame) == {"time": [0.0, 5.0], "signals": {"u": [0.0, 1.0]}}
    with pytest.raises(TypeError):
        input_series([1, 2])


SWEEP_ID = "swp_" + "1" * 32


def sweep_doc(cases: int, *, queued: int = 0, succeeded: int | None = None,
              failed: int = 0) -> dict[str, Any]:
    done = cases - queued - failed if succeeded is None else succeeded
    return {"id": SWEEP_ID, "status": "running" if queued else "completed", "fmu_id": "lib:BouncingBall",
            "fmu_sha256": "0" * 64, "case_count": cases,
            "counts": {"queued": queued, "running": 0, "succeeded": done, "failed": failed, "cancelled": 0},
            "progress": 1.0 - queued / cases, "price_credits": cases, "parameters": [], "kpis": [],
            "created_at": "2026-11-28T00:00:00Z", "finished_at": None, "results_url": "/v1/sweeps/x/results"}


def sweep_row(case: int, values: dict[str, Any], status: str = "succeeded",
              kpis: dict[str, Any] | None = None) -> dict[str, Any]:
    error = {"type": "model-error", "detail": "x"} if status == "failed" else None
    return {"case": case, "simulation_id": "sim_" + f"{case:032x}", "status": status, "cached": False,
            "start_values": values, "kpis": kpis or {}, "error": error}


def test_sweep_is_one_request_and_keeps_failures_as_rows() -> None:
    seen: list[tuple[str, str]] = []
    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path))
        if request.method == "POST":
            bodies.append(json.loads(request.content))
            assert request.headers["idempotency-key"]
            return httpx.Response(201, json=sweep_doc(6, queued=6))
        if request.url.path.endswith("/results"):
            points = [{"e": e, "h0": h} for e in (0.5, 0.7, 0.9) for h in (1.0, 2.0)]
            rows = [sweep_row(i, p, "failed" if p["e"] > 0.85 else "succeeded", {"max(h)": p["e"]})
                    for i, p in enumerate(points)]
            return httpx.Response(200, json={"sweep_id": SWEEP_ID, "status": "completed",
                                             "parameters": ["e", "h0"], "kpis": ["max(h)"], "rows": rows})
        return httpx.Response(200, json=sweep_doc(6, failed=2))

    frame = mock_gateway(handler).sweep("lib:BouncingBall", {"e": [0.5, 0.7, 0.9], "h0": [1.0, 2.0]},
                                        kpis=["max(h)"])
    assert bodies[0]["grid"] == {"e": [0.5, 0.7, 0.9], "h0": [1.0, 2.0]}
    assert bodies[0]["base"]["kpis"] == [{"variable": "h", "kind": "max"}]
    assert [m for m, _ in seen] == ["POST", "GET", "GET"]
    assert len(frame) == 6
    assert list(frame["run"]) == list(range(6))
    assert list(frame.columns[:3]) == ["run", "e", "h0"]
    assert (frame["status"] == "failed").sum() == 2
    ok = frame[frame["status"] == "succeeded"]
    assert list(ok["max(h)"]) == list(ok["e"])
    assert frame.attrs["sweep_id"] == SWEEP_ID


def test_local_fallback_runs_fmpy_when_the_gateway_is_down() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    gw = mock_gateway(handler, local_fallback=True, max_retries=0)
    result = gw.simulate(library_fmu("BouncingBall"), stop_time=1.0, kpis=["max(h)", "mean(h)"])
    assert result.provenance["runner"] == "local-fallback"
    assert result.kpis["max(h)"] == pytest.approx(1.0)
    assert 0 < (result.kpis["mean(h)"] or 0) < 1
    assert result.time[-1] == pytest.approx(1.0)

    strict = mock_gateway(handler, max_retries=0)
    with pytest.raises(Exception, match="cannot reach"):
        strict.simulate(library_fmu("BouncingBall"), stop_time=1.0)


def test_nothing_is_written_outside_the_config_dir(config_dir: Path) -> None:
    assert os.environ["FMU_GATEWAY_CONFIG_DIR"] == str(config_dir)


def test_progress_is_followed_and_cancel_uses_the_contract() -> None:
    seen: list[tuple[str, str]] = []
    states = iter([("running", 0.25), ("running", 0.75), ("succeeded", 1.0)])

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path))
        if request.method == "POST":
            return httpx.Response(202, json=simulation("queued", result=False, progress=0.0))
        if request.method == "DELETE":
            return httpx.Response(202, json=simulation("cancelled", result=False))
        if request.url.path.endswith("/result"):
            return httpx.Response(200, json={"simulation_id": SIM_ID, **simulation()["result"]})
        status, fraction = next(states)
        return httpx.Response(200, json=simulation(status, result=False, progress=fraction))

    gw = mock_gateway(handler, progress=True)
    assert gw.simulate("lib:BouncingBall").status == "succeeded"
    assert gw.cancel(SIM_ID).status == "cancelled"
    assert seen[-1] == ("DELETE", f"/v1/simulations/{SIM_ID}")


def test_sweep_retries_failed_runs_when_asked() -> None:
    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            bodies.append(json.loads(request.content))
            return httpx.Response(201, json=sweep_doc(1))
        status = "failed" if len(bodies) == 1 else "succeeded"
        return httpx.Response(200, json={"sweep_id": SWEEP_ID, "status": "completed", "parameters": ["e"],
                                         "kpis": [], "rows": [sweep_row(0, {"e": 0.5}, status)]})

    frame = mock_gateway(handler).sweep("lib:BouncingBall", [{"e": 0.5}], retry_failed=1, max_workers=1)
    assert list(frame["status"]) == ["succeeded"]
    assert [b["base"]["cache"] for b in bodies] == [True, False]
    assert [b["cases"] for b in bodies] == [[{"e": 0.5}], [{"e": 0.5}]]


def test_simulate_waits_a_second_then_follows_and_wait_false_only_submits() -> None:
    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            bodies.append(json.loads(request.content))
            return httpx.Response(202, json=simulation("queued", result=False))
        if request.url.path.endswith("/result"):
            return httpx.Response(200, json={"simulation_id": SIM_ID, **simulation()["result"]})
        return httpx.Response(200, json=simulation(result=False))

    gw = mock_gateway(handler)
    assert gw.simulate("lib:BouncingBall").status == "succeeded"
    submitted = gw.simulate("lib:BouncingBall", wait=False)
    assert submitted.status == "queued"
    assert [b["wait_s"] for b in bodies] == [1.0, 0]


def test_a_solver_selects_model_exchange_when_the_fmu_has_it() -> None:
    bodies: list[dict[str, Any]] = []
    interfaces = {"lib:BouncingBall": ["ModelExchange", "CoSimulation"], "lib:CoSimOnly": ["CoSimulation"]}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/model"):
            name = request.url.path.split("/")[3]
            return httpx.Response(200, json={**model_info(), "interfaces": interfaces[name]})
        bodies.append(json.loads(request.content))
        if request.url.path == "/v1/quotes":
            return httpx.Response(200, json=QUOTE)
        return httpx.Response(200, json=simulation())

    gw = mock_gateway(handler)
    gw.simulate("lib:BouncingBall", solver="Euler", step_size=0.01)
    gw.quote("lib:BouncingBall", solver="CVode")
    gw.simulate("lib:CoSimOnly", solver="Euler")  # the gateway says why not (solver-not-applicable)
    gw.simulate("lib:BouncingBall", solver="Euler", interface="CoSimulation")  # asked for: sent as it is
    gw.simulate("lib:BouncingBall")
    assert [(b["interface"], b.get("solver")) for b in bodies] == [
        ("ModelExchange", "Euler"), ("ModelExchange", "CVode"), ("auto", "Euler"), ("CoSimulation", "Euler"),
        ("auto", None)]
    assert bodies[0]["step_size"] == 0.01


def test_the_simulation_options_are_declared_once() -> None:
    import inspect
    import typing

    from fmu_gateway_sdk import SimulationOptions
    from fmu_gateway_sdk._options import OPTION_NAMES

    assert OPTION_NAMES == tuple(typing.get_type_hints(SimulationOptions))
    for method in (Gateway.simulate, Gateway.quote, Gateway.sweep):
        kwargs = inspect.signature(method).parameters["options"]
        assert kwargs.kind is inspect.Parameter.VAR_KEYWORD
        assert "Unpack[SimulationOptions]" in str(kwargs.annotation), method
    gw = mock_gateway(lambda r: httpx.Response(200, json=simulation()))
    with pytest.raises(TypeError, match="unknown simulation option.*stoptime"):
        gw.simulate("lib:BouncingBall", stoptime=3)  # type: ignore[call-arg]


def test_wait_for_payment_returns_the_paid_session_or_raises() -> None:
    paid = {**CHECKOUT, "kind": "run", "status": "complete", "payment_status": "paid",
            "paid_at": "2026-01-01T00:01:00Z", "payment_token": "fpt_once"}
    states = [CHECKOUT, CHECKOUT, paid]
    gw = mock_gateway(lambda r: httpx.Response(200, json=states.pop(0)))
    assert gw.wait_for_payment("cs_1", poll=0).payment_token == "fpt_once"
    assert states == []

    expired = {**CHECKOUT, "status": "expired"}
    gw = mock_gateway(lambda r: httpx.Response(200, json=expired))
    with pytest.raises(PaymentRequired, match="expired unpaid") as info:
        gw.wait_for_payment("cs_1", poll=0)
    assert info.value.slug == "checkout-expired"
    gw = mock_gateway(lambda r: httpx.Response(200, json=CHECKOUT))
    with pytest.raises(PaymentRequired, match="not paid within 0 s") as info:
        gw.wait_for_payment("cs_1", timeout=0)
    assert info.value.slug == "payment-timeout"


ACCOUNT = {"account_id": "acc_" + "1" * 32, "name": None, "tier": "free", "billing": "prepaid",
           "balance_credits": 0, "currency": "usd", "run_price_credits": 1,
           "created_at": "2026-01-01T00:00:00Z", "ledger": []}


def test_out_of_credits_with_payments_off_says_how_an_operator_grants_credits() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/account":
            return httpx.Response(200, json=ACCOUNT)
        return problem(402, "payment-required", "this run costs 1 credits and the balance is too low",
                       price_credits=1, balance_credits=0, currency="usd")

    with pytest.raises(PaymentRequired) as info:
        mock_gateway(handler).simulate("lib:BouncingBall")
    assert info.value.checkout_url is None
    account = ACCOUNT["account_id"]
    assert info.value.hint == (
        "payments are not enabled on https://gateway.example (there is no checkout): an operator of the "
        f"gateway grants credits on its server with `fmu-gateway-api grant-credits {account} N`")


def test_out_of_credits_with_payments_on_points_to_the_checkout() -> None:
    offer = problem(402, "payment-required", "too low", price_credits=1, balance_credits=0,
                    checkout_url="https://checkout.stripe.test/pay/cs_1", session_id="cs_1")
    gw = mock_gateway(lambda r: offer)
    with pytest.raises(PaymentRequired) as info:
        gw.simulate("lib:BouncingBall")
    assert info.value.hint == (
        "pay for this run at https://checkout.stripe.test/pay/cs_1; then `fmu-gateway checkout status cs_1 "
        "--wait 600` (or Gateway.wait_for_payment) gives the payment token that pays the retry")


def test_cancel_returns_the_simulation_and_an_ended_one_is_a_conflict() -> None:
    answers = [httpx.Response(202, json=simulation("running", result=False)),
               problem(409, "simulation-ended", "simulation has already ended (succeeded)")]
    gw = mock_gateway(lambda r: answers.pop(0), max_retries=2)
    assert gw.cancel(SIM_ID).status == "running"
    with pytest.raises(ConflictError):
        gw.cancel(SIM_ID)
    assert answers == []
