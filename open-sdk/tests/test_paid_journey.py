"""The paid journey through the SDK and the CLI against a live gateway process with payments on: an agent
spends its free credits, meets 402 with a checkout link, pays for one run and redeems the payment token,
then buys a credit pack and runs on credits. Stripe is our local server that speaks its API (the same
one the server's own tests use); the test plays Stripe's part of paying and sending the signed webhook."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import pay, serve_gateway, stripe_env

from fmu_gateway_sdk import Gateway, PaymentRequired, cli

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def paid_url(stripe: Any) -> Iterator[str]:
    with serve_gateway(**stripe_env(stripe)) as url:
        yield url


def fmu_gateway(capsys: pytest.CaptureFixture[str], url: str, key: str, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["--url", url, "--api-key", key, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_out_of_credits_an_agent_pays_for_a_run_then_buys_a_pack(
        paid_url: str, stripe: Any, capsys: pytest.CaptureFixture[str]) -> None:
    with Gateway(base_url=paid_url, progress=False) as gw:  # zero configuration: a key is created and kept
        key = gw.api_key
        free = gw.account().balance_credits
        assert free == 20
        frame = gw.sweep("lib:BouncingBall", {"e": [round(0.5 + 0.02 * i, 2) for i in range(free)]},
                         kpis=["max(h)"], stop_time=1.0, cache=False)
        assert list(frame["status"]) == ["succeeded"] * free
        assert gw.account().balance_credits == 0

        # Out of credits: a typed 402 with the price and a pay-per-run checkout; nothing ran, nothing debited.
        with pytest.raises(PaymentRequired) as info:
            gw.simulate("lib:VanDerPol", stop_time=2.0)
        offer = info.value
        assert (offer.price_credits, offer.balance_credits) == (1, 0)
        assert offer.checkout_url
        assert offer.checkout_url.startswith("https://")
        assert offer.session_id
        code, _, err = fmu_gateway(capsys, paid_url, key, "run", "lib:VanDerPol", "--stop-time", "2")
        assert code == 4, err
        assert f"fmu-gateway checkout status {offer.session_id}" in err  # the open offer, not a new one
        assert offer.checkout_url in err
        code, out, _ = fmu_gateway(capsys, paid_url, key, "checkout", "status", offer.session_id)
        assert code == 4
        assert out.startswith("not paid")

        # Paid: the CLI hands out the one-shot token, which pays exactly one run.
        pay(stripe, paid_url, offer.session_id)
        code, out, err = fmu_gateway(capsys, paid_url, key, "-q", "checkout", "status", offer.session_id,
                                     "--wait", "30", "--poll", "0.2")
        assert code == 0, err
        token = out.strip()
        assert token.startswith("fpt_")
        result = gw.simulate("lib:VanDerPol", stop_time=2.0, payment_token=token)
        assert result.status == "succeeded"
        assert len(result.time) > 10
        assert gw.account().balance_credits == 0  # paid by the token, not by credits
        with pytest.raises(PaymentRequired):
            gw.simulate("lib:VanDerPol", stop_time=3.0, payment_token=token)  # redeemed already

        # A credit pack through the CLI: checkout, payment, the webhook credits it once.
        code, out, err = fmu_gateway(capsys, paid_url, key, "checkout", "buy", "pack_100", "--json")
        assert code == 0, err
        session = json.loads(out)
        assert (session["kind"], session["credits"], session["amount_cents"]) == ("pack", 100, 1000)
        pay(stripe, paid_url, session["session_id"])
        pay(stripe, paid_url, session["session_id"])  # Stripe delivers at least once
        code, out, _ = fmu_gateway(capsys, paid_url, key, "checkout", "status", session["session_id"])
        assert (code, out.strip()) == (0, "paid: 100 credits")
        assert gw.account().balance_credits == 100
        code, out, err = fmu_gateway(capsys, paid_url, key, "-q", "run", "lib:VanDerPol", "--stop-time", "3")
        assert code == 0, err
        assert ": succeeded" in out
        assert gw.account().balance_credits == 99
