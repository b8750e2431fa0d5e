"""`fmu-gateway`: commands, outputs and exit codes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import SDK, library_fmu, problem
from test_client import SIM_ID, model_info, simulation, summary

from fmu_gateway_sdk import Gateway, cli


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(["--quiet", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["run"])
    assert info.value.code == 2
    assert cli.main([]) == 2
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0
    assert "exit codes" in capsys.readouterr().out


def test_connection_refused_exits_6(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--url", "http://127.0.0.1:9", "--api-key", "k", "library")
    assert code == 6
    assert "cannot reach the gateway" in err
    assert "Traceback" not in err


def mock_cli(monkeypatch: pytest.MonkeyPatch,
             handler: Callable[[httpx.Request], httpx.Response]) -> list[Any]:
    """The CLI's Gateway talks to `handler`; returns the Gateways it made, to look at."""
    made: list[Any] = []

    def gateway(*args: Any, **kwargs: Any) -> Gateway:
        made.append(Gateway(*args, transport=httpx.MockTransport(handler), **kwargs))
        return made[-1]

    monkeypatch.setattr(cli, "Gateway", gateway)
    return made


def test_payment_required_with_a_checkout_exits_4(capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    mock_cli(monkeypatch, lambda r: problem(
        402, "payment-required", "this run costs 1 credits and the balance is too low", price_credits=1,
        balance_credits=0, currency="usd", checkout_url="https://checkout.stripe.test/pay/cs_1",
        session_id="cs_1"))
    code, out, err = run(capsys, "--api-key", "k", "run", "lib:BouncingBall")
    assert (code, out) == (4, "")
    assert err.splitlines() == [
        "payment required: this run costs 1 credits; the balance is 0",
        "  pay for this run: https://checkout.stripe.test/pay/cs_1",
        "  then: fmu-gateway checkout status cs_1 --wait 600  (prints the payment token for --payment-token)",
        "  or: add --auto to the command, which waits for the payment and runs",
        "  or buy credits: fmu-gateway pricing, then fmu-gateway checkout buy PACK"]


def test_upload_shows_the_fmus_warnings_even_when_quiet(capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    quirk = "schema (line 40): Element 'Annotation', attribute 'order': The attribute 'order' is not allowed."
    fmu_doc = {"id": "f" * 64, "sha256": "f" * 64, "source": "upload", "filename": "Quirky.fmu", "size": 1,
               "created_at": None, "model": model_info(), "warnings": [quirk]}
    mock_cli(monkeypatch, lambda r: httpx.Response(200, json=fmu_doc))
    code, out, err = run(capsys, "--api-key", "k", "fmus", "upload", str(library_fmu("VanDerPol")))
    assert (code, out, err) == (0, "f" * 64 + "\n", f"warning: {quirk}\n")


ACCOUNT_ID = "acc_" + "2" * 32
ACCOUNT = {"account_id": ACCOUNT_ID, "name": None, "tier": "free", "billing": "prepaid", "balance_credits": 0,
           "currency": "usd", "run_price_credits": 1, "created_at": "2026-01-01T00:00:00Z", "ledger": []}


def test_payment_required_with_payments_off_names_the_operator_command(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/account":
            return httpx.Response(200, json=ACCOUNT)
        if request.url.path == "/v1/payments/checkout":
            return problem(404, "payments-disabled", "payments are not enabled on this gateway "
                           "(STRIPE_ENABLED=false); ask the operator for credits")
        return problem(402, "payment-required", "this run costs 1 credits and the balance is too low: buy "
                       "credits, or pay for this one run at checkout_url and retry with its payment token",
                       price_credits=1, balance_credits=0, currency="usd")

    mock_cli(monkeypatch, handler)
    grant = ("  payments are not enabled on http://127.0.0.1:8000 (there is no checkout): an operator of "
             f"the gateway grants credits on its server with `fmu-gateway-api grant-credits {ACCOUNT_ID} N`")
    code, out, err = run(capsys, "--api-key", "k", "run", "lib:BouncingBall")
    assert (code, out) == (4, "")
    assert err.splitlines() == ["payment required: this run costs 1 credits; the balance is 0", grant]
    assert "checkout" not in err.replace("no checkout", "")
    code, out, err = run(capsys, "--api-key", "k", "checkout", "buy", "pack_100")
    assert (code, out) == (4, "")
    assert err.splitlines() == [
        "error: payments are not enabled on this gateway (STRIPE_ENABLED=false); ask the operator for "
        "credits (HTTP 404, payments-disabled)", grant]


def test_a_refused_stored_key_exits_3_with_what_to_do(capsys: pytest.CaptureFixture[str], config_dir: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (config_dir / "key").write_text("fgw_revoked\n")
    mock_cli(monkeypatch, lambda r: problem(401, "unauthorized", "The API key is not valid."))
    code, out, err = run(capsys, "fmus", "list")
    assert (code, out) == (3, "")
    assert err.splitlines() == [
        "not authorized: The API key is not valid. (HTTP 401, unauthorized)",
        f"  the key stored in {config_dir / 'key'} is not accepted by http://127.0.0.1:8000 (revoked, or "
        "the gateway lost its data); the file was left as it is. Make a new key (a new account) with "
        "`fmu-gateway keys create --new-account --save`, which stores it there (keeping the old file next "
        "to it), or set FMU_GATEWAY_API_KEY to a key that works."]
    assert (config_dir / "key").read_text() == "fgw_revoked\n"


def test_hints_name_commands_never_http_routes(capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if b"BoucingBall" in request.content:
            return problem(404, "fmu-not-found",
                           "no library model 'lib:BoucingBall'; list them with GET /v1/library")
        return problem(422, "invalid-variable", "the model has no variable named 'ee'", variable="ee")

    mock_cli(monkeypatch, handler)
    code, _, err = run(capsys, "--api-key", "k", "run", "lib:BoucingBall")
    assert code == 5
    assert err.splitlines() == [
        "error: no library model 'lib:BoucingBall' (HTTP 404, fmu-not-found)",
        "  `fmu-gateway library` lists the library models and `fmu-gateway fmus list` your uploads; or give "
        "the path of an .fmu file"]
    code, _, err = run(capsys, "--api-key", "k", "run", "lib:BouncingBall", "--set", "ee=1")
    assert code == 5
    assert err.splitlines() == ["error: the model has no variable named 'ee' (HTTP 422, invalid-variable)",
                                "  `fmu-gateway variables lib:BouncingBall` lists the model's variables"]


def test_version_and_global_options_after_the_command(capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["--version"])
    assert (info.value.code, capsys.readouterr().out) == (0, "fmu-gateway 0.1.0\n")
    made = mock_cli(monkeypatch, lambda r: httpx.Response(200, json={"items": []}))
    assert cli.main(["library", "--url", "http://127.0.0.1:8123", "--api-key", "fgw_after", "-q"]) == 0
    assert cli.main(["--url", "http://127.0.0.1:8124", "fmus", "list", "--api-key", "fgw_sub"]) == 0
    assert cli.main(["--url", "http://127.0.0.1:8125", "--timeout", "7", "fmus", "list",
                     "--api-key", "k"]) == 0
    assert [(g.base_url, g.api_key, g.progress) for g in made[:2]] == [
        ("http://127.0.0.1:8123", "fgw_after", False), ("http://127.0.0.1:8124", "fgw_sub", None)]
    assert made[2]._http.timeout.read == 7


def test_every_simulation_option_has_a_flag(tmp_path: Path) -> None:
    from fmu_gateway_sdk._cli_args import build_parser, simulation_options
    from fmu_gateway_sdk._cli_commands import COMMANDS
    from fmu_gateway_sdk._options import OPTION_NAMES

    parser = build_parser(COMMANDS)
    inputs = tmp_path / "inputs.csv"
    inputs.write_text("time,u\n0,0\n1,1\n")
    for command in ("run", "quote"):
        args = parser.parse_args([
            command, "lib:BouncingBall", "--stop-time", "3", "--start-time", "1", "--output-interval", "0.1",
            "--set", "e=0.7", "--output", "h", "--kpi", "max(h)", "--interface", "ModelExchange",
            "--solver", "Euler", "--relative-tolerance", "1e-6", "--step-size", "0.01", "--timeout-s", "9",
            "--no-cache", "--debug-logging", "--callback-url", "https://example.com/hook", "--input",
            str(inputs)])
        options = simulation_options(args)
        assert tuple(options) == OPTION_NAMES  # every option, from its flag, in the declared order
        assert options == {"start_time": 1.0, "stop_time": 3.0, "output_interval": 0.1,
                           "start_values": {"e": 0.7}, "inputs": {"time": [0.0, 1.0], "u": [0.0, 1.0]},
                           "outputs": ["h"], "kpis": ["max(h)"], "interface": "ModelExchange",
                           "solver": "Euler", "relative_tolerance": 1e-6, "step_size": 0.01,
                           "timeout_s": 9.0, "cache": False, "debug_logging": True,
                           "callback_url": "https://example.com/hook"}


def test_a_solver_runs_model_exchange_and_says_so(capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/model"):
            return httpx.Response(200, json=model_info(["ModelExchange", "CoSimulation"]))
        bodies.append(json.loads(request.content))
        return httpx.Response(200, json=simulation())

    mock_cli(monkeypatch, handler)
    argv = ["--api-key", "k", "run", "lib:BouncingBall", "--solver", "Euler", "--step-size", "0.01"]
    assert cli.main(argv) == 0
    out, err = capsys.readouterr()
    assert err == "--solver Euler: running the Model Exchange interface of BouncingBall\n"
    assert out.startswith(f"{SIM_ID}: succeeded, 3 points")
    sent = bodies[0]
    assert (sent["interface"], sent["solver"], sent["step_size"]) == ("ModelExchange", "Euler", 0.01)


def test_simulations_list_show_cancel_and_result(capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path + ("?" + request.url.query.decode() if request.url.query
                                                         else "")))
        if request.method == "DELETE":
            return httpx.Response(202, json=simulation("running", result=False))
        if request.url.path.endswith("/result"):
            return httpx.Response(200, text="time,h\n0.0,1.0\n", headers={"content-type": "text/csv"})
        if request.url.path == "/v1/simulations":
            return httpx.Response(200, json={"items": [summary()]})
        return httpx.Response(200, json=simulation(result=False, request={"start_values": {"e": 0.7}}))

    mock_cli(monkeypatch, handler)
    assert run(capsys, "--api-key", "k", "simulations", "list", "--limit", "5")[:2] == (0, (
        "id                                    status     model             kpis\n"
        f"{SIM_ID}  succeeded  lib:BouncingBall  max(h)=1\n"))
    assert run(capsys, "--api-key", "k", "simulations", "show", SIM_ID)[:2] == (0, (
        f"{SIM_ID}: succeeded\n  model: lib:BouncingBall\n  start values: e=0.7\n  max(h) = 1\n"
        "  ran: CoSimulation, runner local, FMPy 0.3.32, 0.25 s wall\n"))
    key = ("--api-key", "k")
    assert run(capsys, *key, "simulations", "cancel", SIM_ID)[:2] == (0, f"{SIM_ID}: running (stopping)\n")
    assert run(capsys, *key, "simulations", "result", SIM_ID)[:2] == (0, "time,h\n0.0,1.0\n")
    assert run(capsys, *key, "simulations", "result", SIM_ID, "--out", str(tmp_path / "r.csv"))[0] == 0
    assert (tmp_path / "r.csv").read_text() == "time,h\n0.0,1.0\n"
    assert [m for m, _ in seen] == ["GET", "GET", "DELETE", "GET", "GET"]
    assert seen[0][1] == "/v1/simulations?limit=5"


def test_a_closed_pipe_ends_quietly(capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    mock_cli(monkeypatch, lambda r: httpx.Response(200, json={"items": []}))
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert cli.main(["--api-key", "k", "library"]) == 141
    assert capsys.readouterr().err == ""


def test_exit_codes_are_documented() -> None:
    from fmu_gateway_sdk._cli_args import EXIT_CODES

    assert cli.__doc__ is not None
    readme = " ".join((SDK / "README.md").read_text().split())
    assert EXIT_CODES in readme
    for code, meaning in ((130, "interrupted"), (141, "the reader closed the pipe"), (4, "payment required")):
        assert f"{code} {meaning}" in EXIT_CODES
        assert f"{code} {meaning}" in " ".join(cli.__doc__.split())


@pytest.mark.e2e
def test_run_with_zero_configuration(gateway_url: str, tmp_path: Path, config_dir: Path) -> None:
    """The console script, as a user types it: a key is created and kept, CSV and PNG are written."""
    env = {**os.environ, "FMU_GATEWAY_URL": gateway_url, "FMU_GATEWAY_CONFIG_DIR": str(config_dir)}
    exe = Path(sys.executable).with_name("fmu-gateway")
    argv = [str(exe), "run", "lib:BouncingBall", "--stop-time", "3", "--set", "e=0.6", "--kpi", "max(h)",
            "--out", str(tmp_path / "r.csv"), "--plot", str(tmp_path / "r.png")]
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "max(h) = 1" in proc.stdout
    assert (tmp_path / "r.csv").read_text().startswith("time,h,v")
    assert (tmp_path / "r.png").read_bytes()[:4] == b"\x89PNG"
    assert list(config_dir.glob("key*"))


@pytest.mark.e2e
def test_run_a_file_with_inputs(capsys: pytest.CaptureFixture[str], gateway_url: str, tmp_path: Path) -> None:
    inputs = tmp_path / "inputs.csv"
    inputs.write_text("time,u\n0,0\n1,0\n1,1\n8,1\n")
    code, out, err = run(capsys, "--url", gateway_url, "run", str(library_fmu("FirstOrderLag")),
                         "--stop-time", "8", "--set", "K=2", "--set", "T=0.5", "--input", str(inputs),
                         "--kpi", "final(y)", "--out", str(tmp_path / "lag.csv"))
    assert code == 0, err
    assert "final(y) = 2" in out
    rows = (tmp_path / "lag.csv").read_text().splitlines()
    assert rows[0].startswith("time")
    assert len(rows) > 10


@pytest.mark.e2e
def test_fmus_variables_library_keys_and_billing(capsys: pytest.CaptureFixture[str],
                                                 gateway_url: str) -> None:
    base = ("--url", gateway_url)
    path = str(library_fmu("VanDerPol", fmi=2))
    code, out, _ = run(capsys, *base, "fmus", "upload", path)
    assert code == 0
    fmu_id = out.strip()
    assert len(fmu_id) == 64
    assert run(capsys, *base, "fmus", "list")[1].startswith(fmu_id)
    code, out, _ = run(capsys, *base, "variables", fmu_id, "--causality", "parameter")
    assert code == 0
    assert "mu" in out
    assert "lib:ScavengePump" in run(capsys, *base, "library", "scavenge")[1]
    assert run(capsys, *base, "fmus", "delete", fmu_id)[0] == 0
    assert run(capsys, *base, "variables", fmu_id)[0] == 5
    code, out, _ = run(capsys, *base, "keys", "create", "--name", "ci")
    assert code == 0
    assert out.strip()
    for command in (["quote", "lib:BouncingBall", "--stop-time", "1"], ["account"], ["pricing"]):
        code, out, err = run(capsys, *base, *command)
        assert code == 0, err
        assert out.lstrip().startswith("{")


@pytest.mark.e2e
def test_errors_exit_with_their_class(capsys: pytest.CaptureFixture[str], gateway_url: str) -> None:
    code, _, err = run(capsys, "--url", gateway_url, "run", "lib:BouncingBall", "--set", "nope=1")
    assert code == 5
    assert "nope" in err
    assert "Traceback" not in err
    assert run(capsys, "--url", gateway_url, "run", "lib:NoSuchModel")[0] == 5
    assert run(capsys, "--url", gateway_url, "run", "missing.fmu")[0] == 5
    assert run(capsys, "--url", gateway_url, "--api-key", "fgw_wrong", "fmus", "list")[0] == 3


@pytest.mark.e2e
def test_info_summarises_the_model_like_fmpy(capsys: pytest.CaptureFixture[str], gateway_url: str) -> None:
    code, out, err = run(capsys, "--url", gateway_url, "info", "lib:BouncingBall")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[1:4] == ["Model Info", "", "  FMI Version        3.0"]
    assert "  FMI Type           Model Exchange, Co-Simulation" in lines
    assert "  Stop Time          3" in lines
    assert [line.split()[:2] for line in lines if line.startswith("  e ")] == [["e", "parameter"]]


@pytest.mark.e2e
def test_a_reader_that_stops_early_gets_no_traceback(gateway_url: str, config_dir: Path) -> None:
    """`fmu-gateway simulations result ID | head -1` on a result far larger than a pipe's buffer."""
    with Gateway(base_url=gateway_url, progress=False) as gw:
        sim = gw.simulate("lib:BouncingBall", stop_time=10, output_interval=0.0005)
    assert len(sim.time) == 20001
    env = {**os.environ, "FMU_GATEWAY_URL": gateway_url, "FMU_GATEWAY_CONFIG_DIR": str(config_dir)}
    exe = Path(sys.executable).with_name("fmu-gateway")
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", f"{exe} simulations result {sim.id} | head -1"],
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert (proc.returncode, proc.stdout, proc.stderr) == (141, "time,h,v,bounces\n", "")


def test_show_plot_opens_the_plot_in_a_window(capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib.pyplot as plt

    shown: list[str] = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(plt.gcf().get_suptitle()))
    answer = simulation(request={"start_values": {"e": 0.7}})
    mock_cli(monkeypatch, lambda r: httpx.Response(200, json=answer))
    assert run(capsys, "--api-key", "k", "run", "lib:BouncingBall", "--set", "e=0.7", "--show-plot")[0] == 0
    assert shown == ["lib:BouncingBall  (e=0.7)"]
    plt.close("all")


@pytest.mark.e2e
def test_a_crashing_models_log_reaches_the_cli(capsys: pytest.CaptureFixture[str], gateway_url: str) -> None:
    """A failed run prints the last lines of its log; `logs ID` prints all of it, `--json` as lines."""
    import fmu_gateway_testkit as testkit

    base = ("--url", gateway_url)
    code, _, err = run(capsys, *base, "run", str(testkit.hostile_fmu("Crash")), "--interface", "CoSimulation",
                       "--no-cache")
    assert code == 1, err
    assert "failed: the model crashed (segmentation fault)" in err, err
    assert "the last lines of the run's log (all of it: fmu-gateway logs sim_" in err
    assert "  | [logModel] Crash: writing through a NULL pointer at t=" in err
    sim_id = err.split("fmu-gateway logs ", 1)[1].split(")", 1)[0]
    code, out, _ = run(capsys, *base, "logs", sim_id)
    assert code == 0
    assert "[logModel] Crash: writing through a NULL pointer at t=" in out
    code, out, _ = run(capsys, *base, "logs", sim_id, "--tail", "1", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["status"] == "failed"
    assert len(doc["lines"]) == 1


@pytest.mark.e2e
def test_a_sweep_from_the_command_line(capsys: pytest.CaptureFixture[str], gateway_url: str,
                                       tmp_path: Path) -> None:
    """`sweep MODEL --grid e=0.5:0.9:5 --kpi 'max(h)' --out table.csv`: one row per case, quoted first."""
    base = ("--url", gateway_url)
    sweep = ("sweep", "lib:BouncingBall", "--grid", "e=0.5:0.9:5", "--kpi", "max(h)", "--stop-time", "1.5")
    code, out, err = run(capsys, *base, *sweep, "--quote")
    assert code == 0, err
    quote = json.loads(out)
    assert quote["case_count"] == quote["admitted_cases"] == 5
    assert quote["price_credits"] == 5 - quote["cached_cases"]
    code, out, err = run(capsys, *base, *sweep, "--out", str(tmp_path / "table.csv"))
    assert code == 0, err
    assert ": completed, 5 succeeded" in out
    rows = (tmp_path / "table.csv").read_text().splitlines()
    assert rows[0] == "case,simulation_id,status,cached,e,max(h),error"
    assert [r.split(",")[4] for r in rows[1:]] == ["0.5", "0.6", "0.7", "0.8", "0.9"]
    assert all(r.split(",")[2] == "succeeded" for r in rows[1:])
    code, _, err = run(capsys, *base, "sweep", "lib:BouncingBall", "--grid", "e=0.5:0.9:x")
    assert code == 5, err
    assert "start:stop:count" in err
