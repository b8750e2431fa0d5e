"""`fmu-gateway run MODEL --auto`: find the gateway, make a key when there is none, show the quote, and on
a 402 pay through the checkout link (payments on) or name the operator's command (payments off)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import CHECKOUT_URL, grant_credits_command, pay, problem
from test_cli import ACCOUNT, ACCOUNT_ID, mock_cli
from test_client import CHECKOUT, QUOTE, simulation

from fmu_gateway_sdk import _config, cli

EXE = Path(sys.executable).with_name("fmu-gateway")


def health(status: int) -> httpx.MockTransport:
    return httpx.MockTransport(lambda r: httpx.Response(status, json={"status": "ok", "version": "x"}))


def test_the_gateway_is_found_flag_env_config_probe_then_public_url(config_dir: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    down = health(503)
    config = config_dir / "config.toml"
    with pytest.raises(LookupError) as info:
        _config.find_gateway(None, transport=down)
    assert str(info.value) == (
        f"no gateway found: no --url, no FMU_GATEWAY_URL, no url in {config}, nothing answers at "
        f"http://127.0.0.1:8000 and no public_url in {config}. Start a local gateway (`make run` in the FMU "
        "Gateway repository) or name one with --url")
    config.write_text('public_url = "https://public.example/"\n')
    assert _config.find_gateway(None, transport=down) == ("https://public.example", f"public_url in {config}")
    assert _config.find_gateway(None, transport=health(200)) == (
        "http://127.0.0.1:8000", "a gateway answers at http://127.0.0.1:8000")
    config.write_text('url = "https://configured.example"\npublic_url = "https://public.example"\n')
    found = _config.find_gateway(None, transport=health(200))
    assert found == ("https://configured.example", f"url in {config}")
    monkeypatch.setenv("FMU_GATEWAY_URL", "https://env.example")
    assert _config.find_gateway(None, transport=down) == ("https://env.example", "FMU_GATEWAY_URL")
    assert _config.find_gateway("https://flag.example/", transport=down) == ("https://flag.example", "--url")


def test_auto_pays_through_the_checkout_link_and_runs_with_the_token(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    tokens: list[str | None] = []
    opened: list[str] = []
    paid = {**CHECKOUT, "kind": "run", "status": "complete", "payment_status": "paid",
            "paid_at": "2026-01-01T00:01:00Z", "payment_token": "fpt_once"}
    checkouts = [CHECKOUT, paid]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/quotes":
            return httpx.Response(200, json={**QUOTE, "balance_credits": 0, "sufficient": False})
        if request.url.path.startswith("/v1/payments/checkout/"):
            return httpx.Response(200, json=checkouts.pop(0))
        tokens.append(request.headers.get("Payment-Token"))
        if len(tokens) == 1:
            return problem(402, "payment-required", "too low", price_credits=1, balance_credits=0,
                           checkout_url="https://checkout.stripe.test/pay/cs_1", session_id="cs_1")
        return httpx.Response(200, json=simulation())

    mock_cli(monkeypatch, handler)
    monkeypatch.setattr("webbrowser.open", opened.append)
    code = cli.main(["run", "lib:BouncingBall", "--auto", "--open", "--url", "https://gw.example",
                     "--api-key", "fgw_k", "--poll", "0"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err.splitlines() == [
        "gateway: https://gw.example (--url)",
        "key: --api-key",
        "quote: 1 credit (free tier); balance 0 credits: not enough credits",
        "payment required: this run costs 1 credits; the balance is 0",
        "pay for this run at: https://checkout.stripe.test/pay/cs_1",
        "waiting for the payment (checkout session cs_1, up to 900 s; Ctrl-C stops waiting)",
        "paid: running with the payment token"]
    assert opened == ["https://checkout.stripe.test/pay/cs_1"]
    assert tokens == [None, "fpt_once"]
    assert out.startswith("sim_")
    assert checkouts == []


def test_auto_with_payments_off_exits_4_with_the_operator_command(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/quotes":
            return httpx.Response(200, json={**QUOTE, "balance_credits": 0, "sufficient": False})
        if request.url.path == "/v1/account":
            return httpx.Response(200, json=ACCOUNT)
        return problem(402, "payment-required", "too low", price_credits=1, balance_credits=0)

    mock_cli(monkeypatch, handler)
    code = cli.main(["-q", "run", "lib:BouncingBall", "--auto", "--url", "https://gw.example",
                     "--api-key", "k"])
    out, err = capsys.readouterr()
    assert (code, out) == (4, "")
    assert err.splitlines() == [
        "payment required: this run costs 1 credits; the balance is 0",
        "  payments are not enabled on https://gw.example (there is no checkout): an operator of the gateway "
        f"grants credits on its server with `fmu-gateway-api grant-credits {ACCOUNT_ID} N`"]


def auto(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    argv = (str(EXE), "run", "lib:BouncingBall", "--stop-time", "1", "--kpi", "max(h)", "--auto", *argv)
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=180, check=False)


@pytest.mark.e2e
def test_auto_with_payments_off_end_to_end(broke_url: str, config_dir: Path) -> None:
    """A new user of an operator's gateway without payments: a key is made and its place named, the 402
    names the operator's command; once the operator has run it, the same command runs."""
    env = {**os.environ, "FMU_GATEWAY_URL": broke_url, "FMU_GATEWAY_CONFIG_DIR": str(config_dir)}
    first = auto(env)
    assert (first.returncode, first.stdout) == (4, ""), first.stderr
    key_file = config_dir / f"key-127.0.0.1-{broke_url.rsplit(':', 1)[1]}"
    lines = first.stderr.splitlines()
    assert lines[0] == f"gateway: {broke_url} (FMU_GATEWAY_URL)"
    assert lines[1].startswith("fmu-gateway: created an API key for a new account (acc_")
    assert lines[1].endswith(f"stored in {key_file} (readable only by you). It is the way into this "
                             "account's FMUs and credits: keep it.")
    assert lines[2:4] == ["quote: 1 credit (free tier); balance 0 credits: not enough credits",
                          "payment required: this run costs 1 credits; the balance is 0"]
    assert lines[4].startswith(f"  payments are not enabled on {broke_url} (there is no checkout)")
    assert len(lines) == 5

    assert grant_credits_command(broke_url, lines[4], 3)[-2:] == ["balance", "3"]
    second = auto(env)
    assert second.returncode == 0, second.stderr
    assert second.stderr.splitlines()[1:3] == [f"key: stored in {key_file}",
                                               "quote: 1 credit (free tier); balance 3 credits"]
    assert second.stdout.splitlines()[1] == "  max(h) = 1"


@pytest.mark.e2e
def test_auto_with_payments_on_end_to_end(broke_paid_url: str, stripe: Any, config_dir: Path) -> None:
    """The agent flow in one command: the gateway comes from config.toml, a key is made, the checkout link
    is printed; once Stripe reports the payment, the run goes ahead with its token."""
    (config_dir / "config.toml").write_text(f'url = "{broke_paid_url}"\n')
    env = {**os.environ, "FMU_GATEWAY_CONFIG_DIR": str(config_dir)}
    env.pop("FMU_GATEWAY_URL", None)
    argv = [str(EXE), "run", "lib:BouncingBall", "--stop-time", "1", "--kpi", "max(h)", "--auto",
            "--poll", "0.1", "--pay-timeout", "120", "--json"]
    with subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stderr is not None
            assert proc.stdout is not None
            seen: list[str] = []
            while not seen or not seen[-1].startswith("pay for this run at: "):
                line = proc.stderr.readline()
                assert line, f"the CLI ended before printing a checkout link: {seen}"
                seen.append(line.rstrip("\n"))
            match = CHECKOUT_URL.fullmatch(seen[-1].removeprefix("pay for this run at: "))
            assert match, seen[-1]
            assert seen[0] == f"gateway: {broke_paid_url} (url in {config_dir / 'config.toml'})"
            assert seen[2:4] == ["quote: 1 credit (free tier); balance 0 credits: not enough credits",
                                 "payment required: this run costs 1 credits; the balance is 0"]
            pay(stripe, broke_paid_url, match.group(1))
            err = proc.stderr.read()  # through the same buffered file that readline() used
            out = proc.stdout.read()  # a few hundred bytes of JSON: it fits the pipe while stderr is read
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 0, err
    assert err.splitlines() == [f"waiting for the payment (checkout session {match.group(1)}, up to 120 s; "
                                "Ctrl-C stops waiting)", "paid: running with the payment token"]
    result = json.loads(out)
    assert (result["status"], result["kpis"]) == ("succeeded", {"max(h)": 1.0})
