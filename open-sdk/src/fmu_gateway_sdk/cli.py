"""`fmu-gateway`: the command line of the SDK.

Exit codes: 0 ok, 1 simulation failed (or the gateway failed), 2 usage, 3 authentication, 4 payment
required, 5 not found or invalid, 6 cannot reach the gateway, 130 interrupted (a followed run is
cancelled), 141 the reader closed the pipe (`fmu-gateway ... | head`). Errors print the gateway's problem
detail and what to do next, never a traceback; hints name commands, never HTTP routes.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence

from fmu_gateway_sdk._cli_args import build_parser
from fmu_gateway_sdk._cli_auto import run_auto
from fmu_gateway_sdk._cli_commands import (
    COMMANDS,
    EXIT_AUTH,
    EXIT_CONNECTION,
    EXIT_FAILED,
    EXIT_INVALID,
    EXIT_PAYMENT,
    EXIT_USAGE,
)
from fmu_gateway_sdk._client import Gateway
from fmu_gateway_sdk._errors import (
    APIConnectionError,
    AuthenticationError,
    FmuGatewayError,
    PaymentRequired,
    PermissionDeniedError,
    SimulationFailed,
)

EXIT_INTERRUPTED, EXIT_PIPE = 130, 141
ROUTE = re.compile(r"\b(?:GET|POST|PUT|PATCH|DELETE) /\S*")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser(COMMANDS).parse_args(argv)
    if not getattr(args, "handler", None):
        build_parser(COMMANDS).print_help()
        return EXIT_USAGE
    try:
        try:
            if getattr(args, "auto", False):
                return run_auto(args, _gateway)
            with _gateway(args, args.url, None) as gw:
                return int(args.handler(gw, args))
        except FmuGatewayError as exc:
            return _fail(_report(exc, args), _exit_code(exc))
        except LookupError as exc:  # run --auto found no gateway
            return _fail(f"error: {exc}", EXIT_CONNECTION)
        except (OSError, ValueError, TypeError) as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            return _fail(f"error: {exc}", EXIT_INVALID)
        except ImportError as exc:
            extra = "plot" if "matplotlib" in str(exc) else "pandas" if "pandas" in str(exc) else "cli"
            return _fail(f"error: {exc} (pip install 'fmu-gateway-sdk[{extra}]')", EXIT_USAGE)
        except KeyboardInterrupt:
            return _fail("interrupted (a simulation being followed was cancelled)", EXIT_INTERRUPTED)
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly; stdout goes to /dev/null so that the interpreter's
        # final flush does not complain either.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_PIPE


def _gateway(args: argparse.Namespace, url: str | None, auto_key: bool | None) -> Gateway:
    return Gateway(args.api_key, url, timeout=args.timeout, progress=False if args.quiet else None,
                   auto_key=auto_key)


def _fail(message: str, code: int) -> int:
    print(message, file=sys.stderr)
    return code


def _exit_code(exc: FmuGatewayError) -> int:
    if isinstance(exc, SimulationFailed):
        return EXIT_FAILED
    if isinstance(exc, PaymentRequired) or exc.slug == "payments-disabled":
        return EXIT_PAYMENT
    if isinstance(exc, AuthenticationError | PermissionDeniedError):
        return EXIT_AUTH
    if isinstance(exc, APIConnectionError):
        return EXIT_CONNECTION
    return EXIT_FAILED if (exc.status or 0) >= 500 else EXIT_INVALID


def _report(exc: FmuGatewayError, args: argparse.Namespace) -> str:
    """The error in a few lines: what happened (the problem detail, less any HTTP route), then what to do."""
    if isinstance(exc, SimulationFailed):
        lines = [f"simulation failed: {exc.detail}",
                 f"  details: fmu-gateway simulations show {exc.simulation.get('id', 'ID')}"]
        return "\n".join(lines)
    if isinstance(exc, PaymentRequired) and exc.slug == "payment-required":
        return "\n".join(_payment_lines(exc, args))
    if isinstance(exc, APIConnectionError):
        return f"{exc.detail}\n  is a gateway running? start one with `make run`, or set FMU_GATEWAY_URL"
    prefix = "not authorized" if _exit_code(exc) == EXIT_AUTH else "error"
    where = f" (HTTP {exc.status}, {exc.slug})" if exc.status else ""
    lines = [f"{prefix}: {_without_routes(exc.detail)}{where}"]
    hint = exc.hint or _hint(exc, args)
    if hint:
        lines.append(f"  {hint}")
    return "\n".join(lines)


def _payment_lines(exc: PaymentRequired, args: argparse.Namespace) -> list[str]:
    price = f"{exc.price_credits:g}" if exc.price_credits is not None else "more"
    lines = [f"payment required: this run costs {price} credits; the balance is {exc.balance_credits or 0:g}"]
    if not exc.checkout_url:
        return [*lines, f"  {exc.hint}"] if exc.hint else lines
    lines.append(f"  pay for this run: {exc.checkout_url}")
    if exc.session_id:
        lines.append(f"  then: fmu-gateway checkout status {exc.session_id} --wait 600  "
                     "(prints the payment token for --payment-token)")
    lines.append("  or: add --auto to the command, which waits for the payment and runs")
    lines.append("  or buy credits: fmu-gateway pricing, then fmu-gateway checkout buy PACK")
    return lines


def _hint(exc: FmuGatewayError, args: argparse.Namespace) -> str | None:
    """What to do next for the problems whose remedy is another command."""
    model = getattr(args, "fmu", None) or "MODEL"
    variable = exc.body.get("variable")
    hints = {
        "fmu-not-found": "`fmu-gateway library` lists the library models and `fmu-gateway fmus list` your "
                         "uploads; or give the path of an .fmu file",
        "solver-not-applicable": f"{model} has no Model Exchange interface, which --solver needs: leave out "
                                 f"--solver (`fmu-gateway info {model}` shows its interfaces)",
        "interface-not-supported": f"`fmu-gateway info {model}` shows its interfaces",
        "timeout-too-long": "`fmu-gateway pricing` lists each tier's max_run_seconds",
        "simulation-ended": "`fmu-gateway simulations show ID` shows how it ended",
        "result-not-available": "`fmu-gateway simulations show ID` shows its status",
    }
    if exc.slug == "not-found" and getattr(args, "fmu", None):
        return hints["fmu-not-found"]
    if variable:
        return f"`fmu-gateway variables {model}` lists the model's variables"
    return hints.get(exc.slug)


def _without_routes(detail: str) -> str:
    """The gateway's detail without the sentences that name HTTP routes (the hints name commands)."""
    parts = re.split(r"(?<=[.;])\s+", detail)
    kept = [p for p in parts if not ROUTE.search(p)]
    return " ".join(kept).rstrip(" ;") if kept else detail


if __name__ == "__main__":
    sys.exit(main())
