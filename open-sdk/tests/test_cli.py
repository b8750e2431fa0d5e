"""`fmu-gateway`: commands, outputs and exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import library_fmu, problem

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


def test_payment_required_exits_4(capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return problem(402, "payment-required", "this run costs 1 credits and the balance is too low",
                       price_credits=1, balance_credits=0, currency="usd",
                       checkout_url="https://checkout.stripe.com/c/pay/cs_1", session_id="cs_1")

    def gateway(*args: Any, **kwargs: Any) -> Gateway:
        return Gateway(*args, transport=httpx.MockTransport(handler), **kwargs)

    monkeypatch.setattr(cli, "Gateway", gateway)
    code, _, err = run(capsys, "--api-key", "k", "run", "lib:BouncingBall")
    assert code == 4
    assert "price: 1 credits" in err
    assert "https://checkout.stripe.com/c/pay/cs_1" in err


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
