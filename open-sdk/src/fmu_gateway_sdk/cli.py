"""`fmu-gateway`: the command line of the SDK.

Exit codes: 0 ok, 1 simulation failed (or the gateway failed), 2 usage, 3 authentication, 4 payment
required, 5 not found or invalid, 6 cannot reach the gateway.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from fmu_gateway_sdk._client import Gateway
from fmu_gateway_sdk._errors import (
    APIConnectionError,
    AuthenticationError,
    FmuGatewayError,
    NotFoundError,
    PaymentRequired,
    PermissionDeniedError,
    SimulationFailed,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_AUTH, EXIT_PAYMENT, EXIT_INVALID, EXIT_CONNECTION = range(7)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        with Gateway(args.api_key, args.url, timeout=args.timeout,
                     progress=False if args.quiet else None) as gw:
            handler: Callable[[Gateway, argparse.Namespace], int] = args.handler
            return handler(gw, args)
    except SimulationFailed as exc:
        return _fail(f"simulation failed: {exc.detail}", EXIT_FAILED)
    except PaymentRequired as exc:
        lines = [f"payment required: {exc.detail}"]
        if exc.price_credits is not None:
            lines.append(f"  price: {exc.price_credits:g} credits, balance: {exc.balance_credits or 0:g}")
        if exc.checkout_url:
            lines.append(f"  pay for this run: {exc.checkout_url}")
        if exc.session_id:
            lines.append(f"  then: fmu-gateway checkout status {exc.session_id} --wait 600  "
                         "(prints the payment token for --payment-token)")
        lines.append("  or buy credits: fmu-gateway pricing, then fmu-gateway checkout buy PACK")
        return _fail("\n".join(lines), EXIT_PAYMENT)
    except (AuthenticationError, PermissionDeniedError) as exc:
        return _fail(f"not authorized: {exc.detail}", EXIT_AUTH)
    except APIConnectionError as exc:
        hint = "is a gateway running? start one with `make run`, or set FMU_GATEWAY_URL"
        return _fail(f"{exc.detail}\n  {hint}", EXIT_CONNECTION)
    except FmuGatewayError as exc:
        code = EXIT_FAILED if (exc.status or 0) >= 500 else EXIT_INVALID
        return _fail(f"error: {exc}", code)
    except (OSError, ValueError, TypeError) as exc:
        return _fail(f"error: {exc}", EXIT_INVALID)
    except ImportError as exc:
        return _fail(f"error: {exc} (pip install 'fmu-gateway-sdk[cli]')", EXIT_USAGE)


def _fail(message: str, code: int) -> int:
    print(message, file=sys.stderr)
    return code


# -- commands ------------------------------------------------------------------------------------------

def cmd_run(gw: Gateway, args: argparse.Namespace) -> int:
    result = gw.simulate(args.fmu, **_simulation_options(args), payment_token=args.payment_token)
    if args.out:
        result.to_csv(args.out)
        _note(args, f"wrote {args.out} ({len(result.time)} rows, {len(result.columns)} columns)")
    if args.plot:
        result.plot(args.plot)
        _note(args, f"wrote {args.plot}")
    if args.json:
        print(json.dumps({"id": result.id, "status": result.status, "cached": result.cached,
                          "kpis": result.kpis, "provenance": result.provenance}, indent=2))
        return EXIT_OK
    print(f"{result.id}: {result.status}{' (cached)' if result.cached else ''}, "
          f"{len(result.time)} points")
    for name, value in result.kpis.items():
        print(f"  {name} = {value:.6g}" if value is not None else f"  {name} = null")
    if not result.kpis and not args.out:
        for column in result.columns[1:]:
            final = result.data[column][-1] if result.data[column] else None
            unit = result.units.get(column)
            print(f"  {column}(end) = {final}{' ' + unit if unit else ''}")
    return EXIT_OK


def cmd_quote(gw: Gateway, args: argparse.Namespace) -> int:
    quote = _optional(lambda: gw.quote(args.fmu, **_simulation_options(args)).to_dict(), "quotes")
    if quote is None:
        return EXIT_INVALID
    print(json.dumps(quote, indent=2))
    return EXIT_OK


def cmd_account(gw: Gateway, args: argparse.Namespace) -> int:
    account = _optional(lambda: gw.account().to_dict(), "accounts")
    if account is None:
        return EXIT_INVALID
    print(json.dumps(account, indent=2))
    return EXIT_OK


def cmd_pricing(gw: Gateway, args: argparse.Namespace) -> int:
    pricing = _optional(lambda: gw.pricing().to_dict(), "pricing")
    if pricing is None:
        return EXIT_INVALID
    print(json.dumps(pricing, indent=2))
    return EXIT_OK


def cmd_checkout_buy(gw: Gateway, args: argparse.Namespace) -> int:
    checkout = gw.checkout(args.pack)
    if args.json:
        print(json.dumps(checkout.to_dict(), indent=2))
        return EXIT_OK
    print(checkout.checkout_url or "")
    _note(args, f"session {checkout.session_id}: {checkout.credits_} credits for "
                f"{checkout.amount_cents / 100:.2f} {checkout.currency.upper()}; pay at the URL above, then "
                f"`fmu-gateway checkout status {checkout.session_id} --wait 600`")
    return EXIT_OK


def cmd_checkout_status(gw: Gateway, args: argparse.Namespace) -> int:
    """A session's state; with --wait, until it is paid or expired. Prints the payment token of a paid
    pay-per-run session (for `run --payment-token`). Exit 0 once paid, 4 while it is not."""
    deadline = time.monotonic() + args.wait
    while True:
        checkout = gw.checkout_session(args.session_id)
        paid = checkout.paid_at is not None
        if paid or checkout.status == "expired" or time.monotonic() >= deadline:
            break
        time.sleep(min(args.poll, max(0.0, deadline - time.monotonic())))
    if args.json:
        print(json.dumps(checkout.to_dict(), indent=2))
    elif paid and checkout.kind == "run" and checkout.payment_token:
        print(checkout.payment_token)
        _note(args, f"paid; the token pays one run until {checkout.payment_token_expires_at}")
    elif paid:
        redeemed = ", its token already redeemed" if checkout.payment_token_redeemed else ""
        print(f"paid: {checkout.credits_} credits" if checkout.kind == "pack" else f"paid{redeemed}")
    else:
        print(f"not paid: status {checkout.status}, payment {checkout.payment_status}")
    return EXIT_OK if paid else EXIT_PAYMENT


def cmd_keys_create(gw: Gateway, args: argparse.Namespace) -> int:
    key = gw.create_key(args.name, authenticated=not args.new_account)
    print(key.api_key)
    _note(args, f"key {key.key_id} ({key.prefix}...) for account {key.account_id}; shown only once")
    return EXIT_OK


def cmd_fmus_list(gw: Gateway, args: argparse.Namespace) -> int:
    for fmu in gw.fmus():
        print(f"{fmu.id}  {fmu.model.model_name:<24} FMI {fmu.model.fmi_version}  {fmu.filename}")
    return EXIT_OK


def cmd_fmus_upload(gw: Gateway, args: argparse.Namespace) -> int:
    fmu = gw.upload(args.path)
    print(fmu.id)
    _note(args, f"{fmu.model.model_name} (FMI {fmu.model.fmi_version}, {', '.join(fmu.model.interfaces)})")
    return EXIT_OK


def cmd_fmus_delete(gw: Gateway, args: argparse.Namespace) -> int:
    gw.delete_fmu(args.fmu)
    _note(args, f"deleted {args.fmu}")
    return EXIT_OK


def cmd_variables(gw: Gateway, args: argparse.Namespace) -> int:
    rows = [(v.name, v.causality, v.type_, "" if v.start is None else str(v.start), v.unit or "",
             v.description or "") for v in gw.variables(args.fmu, causality=args.causality)]
    _table(["name", "causality", "type", "start", "unit", "description"], rows)
    return EXIT_OK


def cmd_library(gw: Gateway, args: argparse.Namespace) -> int:
    rows = [(m.id, m.fmi_version, ",".join(m.interfaces), m.description) for m in gw.library(args.query)]
    _table(["id", "fmi", "interfaces", "description"], rows)
    return EXIT_OK


# -- helpers -------------------------------------------------------------------------------------------

def _optional(call: Callable[[], dict[str, Any]], what: str) -> dict[str, Any] | None:
    try:
        return call()
    except NotFoundError as exc:
        # An unknown route answers with the framework's bare "Not Found"; a missing FMU names itself.
        if exc.detail.strip().lower() == "not found":
            print(f"{what}: not available on this gateway ({exc.detail})", file=sys.stderr)
            return None
        raise


def _simulation_options(args: argparse.Namespace) -> dict[str, Any]:
    options: dict[str, Any] = {
        "stop_time": args.stop_time, "start_time": args.start_time, "output_interval": args.output_interval,
        "start_values": dict(_assignment(s) for s in args.set or []),
        "outputs": args.output or None, "kpis": args.kpi or None, "interface": args.interface,
        "solver": args.solver, "timeout_s": args.timeout_s, "cache": not args.no_cache,
    }
    if args.input:
        options["inputs"] = read_inputs(Path(args.input))
    return options


def _assignment(text: str) -> tuple[str, Any]:
    name, sep, raw = text.partition("=")
    if not sep or not name:
        raise ValueError(f"--set expects name=value, got '{text}'")
    value: Any
    lowered = raw.strip().lower()
    if lowered in ("true", "false"):
        value = lowered == "true"
    else:
        try:
            value = int(raw)
        except ValueError:
            try:
                value = float(raw)
            except ValueError:
                value = raw
    return name.strip(), value


def read_inputs(path: Path) -> dict[str, list[float]]:
    """A CSV with a header row, time in the first column, one input per further column."""
    with path.open(newline="") as fh:
        rows = [row for row in csv.reader(fh) if row and not row[0].startswith("#")]
    if len(rows) < 2:
        raise ValueError(f"{path}: expected a header row and at least one data row")
    header = [h.strip() for h in rows[0]]
    columns: dict[str, list[float]] = {("time" if i == 0 else h): [] for i, h in enumerate(header)}
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise ValueError(f"{path}:{number}: {len(row)} fields, the header has {len(header)}")
        for key, cell in zip(columns, row, strict=True):
            try:
                columns[key].append(float(cell))
            except ValueError:
                raise ValueError(f"{path}:{number}: '{cell}' is not a number") from None
    return columns


def _table(header: list[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [header] + [[str(c) for c in row] for row in rows]
    widths = [min(max(len(r[i]) for r in cells), 60) for i in range(len(header))]
    for row in cells:
        print("  ".join(c[:60].ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def _note(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(message, file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fmu-gateway",
        description="Simulate FMUs on an FMU Gateway (FMU_GATEWAY_URL, FMU_GATEWAY_API_KEY; "
        "without them: a local gateway at http://127.0.0.1:8000, with a key created and kept for you).",
        epilog="exit codes: 0 ok, 1 simulation failed, 2 usage, 3 auth, 4 payment required, "
               "5 not found/invalid, 6 connection")
    parser.add_argument("--url", help="gateway base URL (default: $FMU_GATEWAY_URL or http://127.0.0.1:8000)")
    parser.add_argument("--api-key", help="API key (default: $FMU_GATEWAY_API_KEY or the stored key)")
    parser.add_argument("--timeout", type=float, default=120.0, help="HTTP timeout in seconds")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars or notes on stderr")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    def simulation_arguments(p: argparse.ArgumentParser) -> None:
        p.add_argument("fmu", help="an .fmu file, a library id (lib:BouncingBall) or an uploaded sha256")
        p.add_argument("--stop-time", type=float)
        p.add_argument("--start-time", type=float)
        p.add_argument("--output-interval", type=float)
        p.add_argument("--set", action="append", metavar="NAME=VALUE", help="a start value (repeatable)")
        p.add_argument("--input", metavar="CSV", help="input signals: time first, one column per input")
        p.add_argument("--output", action="append", metavar="VAR", help="a variable to record (repeatable)")
        p.add_argument("--kpi", action="append", metavar="KIND(VAR)",
                       help="a KPI such as 'max(h)' (min, max, mean, rms, final, integral; repeatable)")
        p.add_argument("--interface", default="auto", choices=["auto", "ModelExchange", "CoSimulation"])
        p.add_argument("--solver", choices=["CVode", "Euler"])
        p.add_argument("--timeout-s", type=float, help="wall-clock limit of the run")
        p.add_argument("--no-cache", action="store_true", help="run even when an identical result is stored")

    run = sub.add_parser("run", help="run a simulation")
    simulation_arguments(run)
    run.add_argument("--out", metavar="CSV", help="write the result as CSV")
    run.add_argument("--plot", metavar="PNG", help="plot the result (needs matplotlib: extra 'plot')")
    run.add_argument("--json", action="store_true", help="print id, status, KPIs and provenance as JSON")
    run.add_argument("--payment-token", help="a one-shot payment token to redeem for this run")
    run.set_defaults(handler=cmd_run)

    quote = sub.add_parser("quote", help="what a simulation would cost")
    simulation_arguments(quote)
    quote.set_defaults(handler=cmd_quote)

    sub.add_parser("account", help="this account's credits and usage").set_defaults(handler=cmd_account)
    sub.add_parser("pricing", help="the gateway's price list").set_defaults(handler=cmd_pricing)

    pay = sub.add_parser("checkout", help="pay: buy a credit pack, or follow a checkout session")
    checkout = pay.add_subparsers(title="checkout commands", metavar="ACTION", required=True)
    buy = checkout.add_parser("buy", help="start buying a credit pack (prints the URL to pay at)")
    buy.add_argument("pack", help="a credit pack id from `fmu-gateway pricing`")
    buy.add_argument("--json", action="store_true", help="the whole session as JSON")
    buy.set_defaults(handler=cmd_checkout_buy)
    status = checkout.add_parser("status", help="a session's state; prints a paid run's payment token")
    status.add_argument("session_id")
    status.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help="wait until paid/expired")
    status.add_argument("--poll", type=float, default=2.0, metavar="SECONDS", help=argparse.SUPPRESS)
    status.add_argument("--json", action="store_true", help="the whole session as JSON")
    status.set_defaults(handler=cmd_checkout_status)

    keys = sub.add_parser("keys", help="API keys").add_subparsers(title="keys commands", metavar="ACTION",
                                                                  required=True)
    create = keys.add_parser("create", help="create a key (prints it once)")
    create.add_argument("--name")
    create.add_argument("--new-account", action="store_true", help="a key for a new account")
    create.set_defaults(handler=cmd_keys_create)

    fmus = sub.add_parser("fmus", help="uploaded FMUs").add_subparsers(
        title="fmus commands", metavar="ACTION", required=True)
    fmus.add_parser("list", help="list this account's FMUs").set_defaults(handler=cmd_fmus_list)
    upload = fmus.add_parser("upload", help="upload an FMU (skipped when the gateway has it)")
    upload.add_argument("path")
    upload.set_defaults(handler=cmd_fmus_upload)
    delete = fmus.add_parser("delete", help="delete an uploaded FMU")
    delete.add_argument("fmu")
    delete.set_defaults(handler=cmd_fmus_delete)

    variables = sub.add_parser("variables", help="a model's variables")
    variables.add_argument("fmu")
    variables.add_argument("--causality", help="only parameter, input, output, local, ...")
    variables.set_defaults(handler=cmd_variables)

    library = sub.add_parser("library", help="list or search the model library")
    library.add_argument("query", nargs="?")
    library.set_defaults(handler=cmd_library)
    return parser


if __name__ == "__main__":
    sys.exit(main())
