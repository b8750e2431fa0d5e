"""`fmu-gateway run MODEL --auto`: the one-command flow for a person or an agent.

Find the gateway, use its key or make one (saying where it is stored), show the quote and the balance,
run; when the credits are short and the gateway takes payments, print (and with --open, open) the
checkout link for this run, wait until it is paid and run with the payment token. With payments off, the
402 ends the command with the operator's command that grants credits.
"""

from __future__ import annotations

import argparse
import sys
import webbrowser
from collections.abc import Callable

from fmu_gateway_sdk import _config
from fmu_gateway_sdk._cli_args import simulation_options
from fmu_gateway_sdk._cli_commands import model_exchange_for_solver, note, show_result
from fmu_gateway_sdk._client import Gateway
from fmu_gateway_sdk._errors import PaymentRequired
from fmu_gateway_sdk._generated.models import Quote

GatewayFactory = Callable[[argparse.Namespace, str, bool], Gateway]


def run_auto(args: argparse.Namespace, make_gateway: GatewayFactory) -> int:
    url, why = _config.find_gateway(args.url)
    note(args, f"gateway: {url} ({why})")
    with make_gateway(args, url, True) as gw:
        options = model_exchange_for_solver(gw, args, simulation_options(args))
        quote = gw.quote(args.fmu, **options)  # the first call with the key: creates one if there is none
        origin = gw.key_origin
        if origin is not None and origin.source != "created":  # a created key was announced by the SDK
            where = {"file": f"stored in {origin.path}", "environment": _config.KEY_ENV,
                     "argument": "--api-key"}[origin.source]
            note(args, f"key: {where}")
        note(args, quote_line(quote))
        try:
            result = gw.simulate(args.fmu, payment_token=args.payment_token, **options)
        except PaymentRequired as exc:
            if exc.slug != "payment-required" or not exc.checkout_url or not exc.session_id:
                raise  # payments off (or a bad token): reported with what to do instead
            token = pay(gw, args, exc.checkout_url, exc.session_id, exc)
            result = gw.simulate(args.fmu, payment_token=token, **options)
        return show_result(result, args, gw)


def quote_line(quote: Quote) -> str:
    if quote.cached:
        return f"quote: free (an identical result is stored); balance {quote.balance_credits} credits"
    verdict = "" if quote.sufficient else ": not enough credits"
    return (f"quote: {quote.price_credits} credit{'s' if quote.price_credits != 1 else ''} "
            f"({quote.tier} tier); balance {quote.balance_credits} credits{verdict}")


def pay(gw: Gateway, args: argparse.Namespace, checkout_url: str, session_id: str,
        offer: PaymentRequired) -> str:
    """Show the checkout link (always, -q or not: it is what the person must act on), wait for the
    payment, and return the run's payment token."""
    price = f"{offer.price_credits:g}" if offer.price_credits is not None else "?"
    print(f"payment required: this run costs {price} credits; the balance is {offer.balance_credits or 0:g}",
          file=sys.stderr)
    print(f"pay for this run at: {checkout_url}", file=sys.stderr, flush=True)
    if args.open:
        webbrowser.open(checkout_url)
    note(args, f"waiting for the payment (checkout session {session_id}, up to {args.pay_timeout:g} s; "
               "Ctrl-C stops waiting)")
    paid = gw.wait_for_payment(session_id, timeout=args.pay_timeout, poll=args.poll)
    note(args, "paid: running with the payment token")
    return str(paid.payment_token)
