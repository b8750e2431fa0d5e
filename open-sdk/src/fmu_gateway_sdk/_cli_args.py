"""The command line's grammar: global options (before or after the command), the simulation flags (one
per `SimulationOptions` key, same names), and the commands."""

from __future__ import annotations

import argparse
import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast, get_args

from fmu_gateway_sdk._base import __version__
from fmu_gateway_sdk._options import OPTION_NAMES, Interface, SimulationOptions, Solver

EXIT_CODES = ("exit codes: 0 ok, 1 simulation failed (or the gateway failed), 2 usage, 3 authentication, "
              "4 payment required, 5 not found or invalid, 6 cannot reach the gateway, 130 interrupted "
              "(a followed run is cancelled), 141 the reader closed the pipe (| head)")
Handler = Callable[..., int]


def global_options(parser: argparse.ArgumentParser, *, defaults: bool) -> None:
    """The options every command takes, before or after its name. On the commands they default to
    SUPPRESS, so that a value given before the command is not overwritten by the command's default."""
    def default(value: Any) -> Any:
        return value if defaults else argparse.SUPPRESS

    parser.add_argument("--url", default=default(None),
                        help="gateway base URL (default: $FMU_GATEWAY_URL, url in config.toml, or "
                             "http://127.0.0.1:8000)")
    parser.add_argument("--api-key", default=default(None),
                        help="API key (default: $FMU_GATEWAY_API_KEY or the key stored for the gateway)")
    parser.add_argument("--timeout", type=float, default=default(120.0), help="HTTP timeout in seconds")
    parser.add_argument("-q", "--quiet", action="store_true", default=default(False),
                        help="no progress bars or notes on stderr")


def simulation_arguments(p: argparse.ArgumentParser) -> None:
    """One flag per simulation option; each one's dest is the option's name (a test holds them equal)."""
    p.add_argument("fmu", metavar="MODEL",
                   help="an .fmu file, a library id (lib:BouncingBall) or an uploaded FMU's sha256")
    p.add_argument("--stop-time", type=float)
    p.add_argument("--start-time", type=float)
    p.add_argument("--output-interval", type=float)
    p.add_argument("--set", dest="start_values", action="append", metavar="NAME=VALUE",
                   help="a start value (repeatable)")
    p.add_argument("--input", dest="inputs", metavar="CSV",
                   help="input signals: a CSV with a header row, time first, one column per input")
    p.add_argument("--output", dest="outputs", action="append", metavar="VAR",
                   help="a variable to record (repeatable; default: the model's outputs)")
    p.add_argument("--kpi", dest="kpis", action="append", metavar="KIND(VAR)",
                   help="a KPI such as 'max(h)' (min, max, mean, rms, final, integral; repeatable)")
    p.add_argument("--interface", default="auto", choices=get_args(Interface),
                   help="auto: Co-Simulation when the FMU has it (Model Exchange when --solver is given)")
    p.add_argument("--solver", choices=get_args(Solver),
                   help="Model Exchange solver; selects Model Exchange when the FMU has it")
    p.add_argument("--relative-tolerance", type=float, help="relative tolerance of CVode")
    p.add_argument("--step-size", type=float, help="fixed step of the Euler solver")
    p.add_argument("--timeout-s", type=float, help="wall-clock limit of the run, in seconds")
    p.add_argument("--no-cache", dest="cache", action="store_false",
                   help="run even when an identical result is stored")
    p.add_argument("--callback-url", metavar="URL",
                   help="the gateway POSTs the final status there, signed (a sweep: once, at its end)")
    p.add_argument("--debug-logging", action="store_true", default=None,
                   help="have the FMU log its debug categories too (see `fmu-gateway logs ID`)")


def simulation_options(args: argparse.Namespace) -> SimulationOptions:
    """The SDK's SimulationOptions from the parsed flags."""
    convert: dict[str, Callable[[Any], Any]] = {
        "start_values": lambda sets: dict(assignment(s) for s in sets) if sets else None,
        "inputs": lambda path: read_inputs(Path(path)) if path else None,
    }
    options: dict[str, Any] = {}
    for name in OPTION_NAMES:
        value = getattr(args, name)
        value = convert[name](value) if name in convert else value
        if value is not None:
            options[name] = value
    return cast(SimulationOptions, options)


def assignment(text: str) -> tuple[str, Any]:
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


def grid_axis(text: str) -> tuple[str, list[Any]]:
    """`e=0.5:0.9:5` (5 values from 0.5 to 0.9) or `e=0.5,0.7,0.9` (these values), for --grid."""
    name, sep, raw = text.partition("=")
    if not sep or not name.strip() or not raw.strip():
        raise ValueError(f"--grid expects name=start:stop:count or name=v1,v2,..., got '{text}'")
    if ":" in raw:
        parts = raw.split(":")
        try:
            start, stop, count = float(parts[0]), float(parts[1]), int(parts[2])
        except (ValueError, IndexError):
            raise ValueError(f"--grid {text}: expected start:stop:count, such as 0.5:0.9:5") from None
        if len(parts) != 3 or count < 1:
            raise ValueError(f"--grid {text}: expected start:stop:count with a count of at least 1")
        step = (stop - start) / (count - 1) if count > 1 else 0.0
        return name.strip(), [round(start + i * step, 12) for i in range(count)]
    return name.strip(), [assignment(f"{name}={v}")[1] for v in raw.split(",")]


def lhs_range(text: str) -> tuple[str, tuple[float, float]]:
    """`e=0.5:0.9`, for --lhs."""
    name, sep, raw = text.partition("=")
    try:
        low, high = (float(v) for v in raw.split(":"))
    except ValueError:
        raise ValueError(f"--lhs expects name=low:high, got '{text}'") from None
    if not sep or not name.strip():
        raise ValueError(f"--lhs expects name=low:high, got '{text}'")
    return name.strip(), (low, high)


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


def build_parser(commands: dict[str, Handler]) -> argparse.ArgumentParser:
    """The whole grammar; `commands` maps each command's name ("run", "fmus upload", ...) to its handler."""
    parser = argparse.ArgumentParser(
        prog="fmu-gateway",
        description="Simulate FMUs on an FMU Gateway (FMU_GATEWAY_URL, FMU_GATEWAY_API_KEY; without them: "
        "a local gateway at http://127.0.0.1:8000, with a key created and kept for you).",
        epilog=EXIT_CODES)
    parser.add_argument("--version", action="version", version=f"fmu-gateway {__version__}")
    global_options(parser, defaults=True)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(group: Any, name: str, help: str, key: str | None = None) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = group.add_parser(name, help=help, description=help, epilog=EXIT_CODES)
        global_options(p, defaults=False)
        p.set_defaults(handler=commands[key or name])
        return p

    def group(name: str, help: str) -> Any:
        return sub.add_parser(name, help=help, description=help).add_subparsers(
            title=f"{name} commands", metavar="ACTION", required=True)

    run = command(sub, "run", "run a simulation")
    simulation_arguments(run)
    run.add_argument("--out", metavar="FILE",
                     help="write the result: .parquet or .arrow (Arrow IPC stream) by extension, else CSV")
    run.add_argument("--plot", metavar="PNG", help="plot inputs and results to a PNG (extra 'plot')")
    run.add_argument("--show-plot", action="store_true", help="show the plot in a window (extra 'plot')")
    run.add_argument("--json", action="store_true", help="print id, status, KPIs and provenance as JSON")
    run.add_argument("--payment-token", help="a one-shot payment token to redeem for this run")
    run.add_argument("--auto", action="store_true",
                     help="find the gateway, make a key if there is none, show the quote and balance, "
                          "and pay through a checkout link when the credits are short")
    run.add_argument("--open", action="store_true", help="with --auto: open the checkout link in a browser")
    run.add_argument("--pay-timeout", type=float, default=900.0, metavar="SECONDS",
                     help="with --auto: how long to wait for the payment (default 900)")
    run.add_argument("--poll", type=float, default=2.0, help=argparse.SUPPRESS)

    sweep = command(sub, "sweep", "run a sweep on the gateway: one case per start-value set, in parallel, "
                    "quoted and paid as one")
    simulation_arguments(sweep)
    sweep.add_argument("--grid", action="append", metavar="NAME=START:STOP:COUNT",
                       help="a grid axis (or NAME=V1,V2,...); every combination of the axes is a case")
    sweep.add_argument("--case", dest="cases", action="append", metavar="NAME=VALUE,...",
                       help="one case's start values (repeatable)")
    sweep.add_argument("--lhs", action="append", metavar="NAME=LOW:HIGH",
                       help="a range of Latin-hypercube samples (repeatable; with --samples)")
    sweep.add_argument("--samples", type=int, help="with --lhs: how many cases")
    sweep.add_argument("--seed", type=int, default=0, help="with --lhs: the random seed (default 0)")
    sweep.add_argument("--max-cases", type=int, metavar="N", help="run only the first N cases")
    sweep.add_argument("--quote", dest="quote_only", action="store_true",
                       help="only say what the sweep would cost (nothing runs)")
    sweep.add_argument("--out", metavar="CSV", help="write the table (one row per case) as CSV")
    sweep.add_argument("--json", action="store_true", help="print the table as JSON")

    simulation_arguments(command(sub, "quote", "what a simulation would cost"))
    info = command(sub, "info", "a model's description: FMI version, interfaces, experiment, variables")
    info.add_argument("fmu", metavar="MODEL")
    variables = command(sub, "variables", "a model's variables")
    variables.add_argument("fmu", metavar="MODEL")
    variables.add_argument("--causality", help="only parameter, input, output, local, ...")
    library = command(sub, "library", "list or search the model library")
    library.add_argument("query", nargs="?")

    logs = command(sub, "logs", "a run's log: the FMU's messages, then its stdout and stderr")
    logs.add_argument("simulation_id", metavar="ID")
    logs.add_argument("--tail", type=int, metavar="N", help="only the last N lines")
    logs.add_argument("--json", action="store_true", help="as JSON (lines, truncated)")

    sims = group("simulations", "this account's simulations")
    listing = command(sims, "list", "recent simulations, newest first", "simulations list")
    listing.add_argument("--limit", type=int, default=20)
    for name, help in (("show", "a simulation's status, KPIs and provenance"),
                       ("cancel", "cancel a queued or running simulation"),
                       ("result", "a succeeded simulation's result as CSV")):
        p = command(sims, name, help, f"simulations {name}")
        p.add_argument("simulation_id", metavar="ID")
        if name == "result":
            p.add_argument("--out", metavar="FILE",
                           help="write to a file instead of stdout (.parquet, .arrow by extension; else CSV)")
        if name == "show":
            p.add_argument("--json", action="store_true", help="as JSON")

    fmus = group("fmus", "uploaded FMUs")
    command(fmus, "list", "list this account's FMUs", "fmus list")
    upload = command(fmus, "upload", "upload an FMU (skipped when the gateway has it)", "fmus upload")
    upload.add_argument("path")
    command(fmus, "delete", "delete an uploaded FMU", "fmus delete").add_argument("fmu", metavar="SHA256")

    keys = group("keys", "API keys")
    create = command(keys, "create", "create a key (prints it once)", "keys create")
    create.add_argument("--name")
    create.add_argument("--new-account", action="store_true", help="a key for a new account (no key needed)")
    create.add_argument("--save", action="store_true",
                        help="store it as this gateway's key (an earlier key file is kept, renamed)")

    command(sub, "account", "this account's credits and usage")
    command(sub, "pricing", "the gateway's price list")
    pay = group("checkout", "pay: buy a credit pack, or follow a checkout session")
    buy = command(pay, "buy", "start buying a credit pack (prints the URL to pay at)", "checkout buy")
    buy.add_argument("pack", help="a credit pack id from `fmu-gateway pricing`")
    buy.add_argument("--json", action="store_true", help="the whole session as JSON")
    status = command(pay, "status", "a session's state; prints a paid run's payment token", "checkout status")
    status.add_argument("session_id")
    status.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help="wait until paid/expired")
    status.add_argument("--poll", type=float, default=2.0, metavar="SECONDS", help=argparse.SUPPRESS)
    status.add_argument("--json", action="store_true", help="the whole session as JSON")
    return parser
