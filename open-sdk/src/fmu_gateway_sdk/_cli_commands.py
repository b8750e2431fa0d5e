"""The commands of `fmu-gateway`: each takes the Gateway and the parsed arguments, returns an exit code."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from fmu_gateway_sdk import _config
from fmu_gateway_sdk._cli_args import assignment, grid_axis, lhs_range, simulation_options
from fmu_gateway_sdk._client import Gateway
from fmu_gateway_sdk._errors import FmuGatewayError, NotFoundError, PaymentRequired, SimulationFailed
from fmu_gateway_sdk._options import SimulationOptions
from fmu_gateway_sdk._results import SimulationResult

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_AUTH, EXIT_PAYMENT, EXIT_INVALID, EXIT_CONNECTION = range(7)


def note(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(message, file=sys.stderr)


# -- simulations ---------------------------------------------------------------------------------------

LOG_LINES_ON_FAILURE = 20


def cmd_run(gw: Gateway, args: argparse.Namespace) -> int:
    options = model_exchange_for_solver(gw, args, simulation_options(args))
    try:
        result = gw.simulate(args.fmu, payment_token=args.payment_token, **options)
    except SimulationFailed as exc:
        show_log_tail(gw, exc)
        raise
    return show_result(result, args, gw)


def show_log_tail(gw: Gateway, exc: SimulationFailed) -> None:
    """The last lines of a failed run's log, on stderr (the error itself follows from main)."""
    sim_id = exc.simulation.get("id")
    if not sim_id:
        return
    try:
        log = gw.log_lines(sim_id, tail=LOG_LINES_ON_FAILURE)
    except FmuGatewayError:
        return  # the failure is the news; its log is a courtesy
    if log["lines"]:
        print(f"the last lines of the run's log (all of it: fmu-gateway logs {sim_id}):", file=sys.stderr)
        for line in log["lines"]:
            print(f"  | {line}", file=sys.stderr)


def cmd_logs(gw: Gateway, args: argparse.Namespace) -> int:
    if args.json:
        print(json.dumps(gw.log_lines(args.simulation_id, tail=args.tail), indent=2))
        return EXIT_OK
    text = gw.log(args.simulation_id, tail=args.tail)
    sys.stdout.write(text)
    if not text:
        status = gw.get_simulation(args.simulation_id).status
        cached = "; a cached result has no log of its own" if status == "succeeded" else ""
        print(f"(no log: the simulation is {status}{cached})", file=sys.stderr)
    return EXIT_OK


def model_exchange_for_solver(gw: Gateway, args: argparse.Namespace,
                              options: SimulationOptions) -> SimulationOptions:
    """--solver is Model Exchange only: with --interface auto it picks Model Exchange, and says so."""
    if options.get("solver") and options.get("interface", "auto") == "auto":
        info = gw.model_info(args.fmu)
        if "ModelExchange" in info.interfaces:
            options = {**options, "interface": "ModelExchange"}
            note(args, f"--solver {options['solver']}: running the Model Exchange interface of "
                       f"{info.model_name}")
    return options


# --out by extension: the gateway's own Arrow IPC stream or Parquet; anything else is CSV.
BINARY_FORMATS = {".arrow": "arrow", ".arrows": "arrow", ".parquet": "parquet"}


def show_result(result: SimulationResult, args: argparse.Namespace, gw: Gateway | None = None) -> int:
    if args.out:
        binary = BINARY_FORMATS.get(Path(args.out).suffix.lower())
        if binary and gw is not None:
            Path(args.out).write_bytes(gw.result_bytes(result.id, binary))
        else:
            result.to_csv(args.out)
        note(args, f"wrote {args.out} ({len(result.time)} rows, {len(result.columns)} columns)")
    if args.plot or args.show_plot:
        result.plot(args.plot, show=args.show_plot)
        if args.plot:
            note(args, f"wrote {args.plot}")
    if args.json:
        print(json.dumps({"id": result.id, "status": result.status, "cached": result.cached,
                          "kpis": result.kpis, "provenance": result.provenance}, indent=2))
        return EXIT_OK
    print(f"{result.id}: {result.status}{' (cached)' if result.cached else ''}, {len(result.time)} points")
    for name, value in result.kpis.items():
        print(f"  {name} = {value:.6g}" if value is not None else f"  {name} = null")
    if not result.kpis and not args.out:
        for column in result.columns[1:]:
            final = result.data[column][-1] if result.data[column] else None
            unit = result.units.get(column)
            print(f"  {column}(end) = {final}{' ' + unit if unit else ''}")
    return EXIT_OK


def sweep_cases(args: argparse.Namespace) -> dict[str, Any]:
    """The sweep's cases from --grid, --case or --lhs (exactly one kind)."""
    given = (("--grid", args.grid), ("--case", args.cases), ("--lhs", args.lhs))
    kinds = [flag for flag, value in given if value]
    if len(kinds) != 1:
        raise ValueError(f"give exactly one of --grid, --case and --lhs (got {', '.join(kinds) or 'none'})")
    if args.grid:
        return {"grid": dict(grid_axis(axis) for axis in args.grid)}
    if args.cases:
        return {"grid": [dict(assignment(part) for part in case.split(",")) for case in args.cases]}
    if not args.samples:
        raise ValueError("--lhs needs --samples N")
    ranges = dict(lhs_range(r) for r in args.lhs)
    return {"lhs": {"ranges": ranges, "samples": args.samples, "seed": args.seed}}


def cmd_sweep(gw: Gateway, args: argparse.Namespace) -> int:
    from fmu_gateway_sdk import _sweep

    options = model_exchange_for_solver(gw, args, simulation_options(args))
    cases = sweep_cases(args)
    if args.quote_only:
        quote = gw.sweep_quote(args.fmu, max_cases=args.max_cases, **cases, **options)
        print(json.dumps(quote.to_dict(), indent=2))
        return EXIT_OK
    fmu_id = gw._fmu_id(args.fmu)
    body = _sweep.sweep_body(fmu_id, cases.get("grid"), gw._with_interface(fmu_id, options),
                             lhs=cases.get("lhs"), max_cases=args.max_cases)
    sweep = _sweep.submit(gw, body)
    note(args, f"sweep {sweep['id']}: {sweep['case_count']} cases, {sweep['price_credits']} credits")
    sweep = _sweep.follow(gw, sweep, None if not args.quiet else False)
    doc = _sweep.table(gw, sweep["id"])
    if args.out:
        Path(args.out).write_text(gw.sweep_csv(sweep["id"]))
        note(args, f"wrote {args.out} ({len(doc['rows'])} rows)")
    if args.json:
        print(json.dumps(doc, indent=2))
    else:
        counts = sweep["counts"]
        print(f"{sweep['id']}: {sweep['status']}, " + ", ".join(f"{n} {s}" for s, n in counts.items() if n))
        if not args.out:
            rows = [(r["case"], r["status"], *(_g(r["start_values"].get(p)) for p in doc["parameters"]),
                     *(_g(r["kpis"].get(k)) for k in doc["kpis"])) for r in doc["rows"]]
            table(["case", "status", *doc["parameters"], *doc["kpis"]], rows)
    return EXIT_FAILED if sweep["counts"]["failed"] else EXIT_OK


def _g(value: Any) -> str:
    return f"{value:.6g}" if isinstance(value, float) else ("" if value is None else str(value))


def cmd_quote(gw: Gateway, args: argparse.Namespace) -> int:
    options = model_exchange_for_solver(gw, args, simulation_options(args))
    quote = _optional(lambda: gw.quote(args.fmu, **options).to_dict(), "quotes")
    if quote is None:
        return EXIT_INVALID
    print(json.dumps(quote, indent=2))
    return EXIT_OK


def cmd_simulations_list(gw: Gateway, args: argparse.Namespace) -> int:
    rows = [(s.id, s.status + (" (cached)" if s.cached else ""), s.model, _kpi_text(s)[:60])
            for s in gw.simulations(limit=args.limit)]
    table(["id", "status", "model", "kpis"], rows)
    return EXIT_OK


def cmd_simulations_show(gw: Gateway, args: argparse.Namespace) -> int:
    s = gw.get_simulation(args.simulation_id)
    document = {"id": s.id, "model": s.model, "fmu_id": s.fmu_id, "status": s.status, "cached": s.cached,
                "kpis": s.kpis, "error": s.error, "provenance": s.provenance, "request": s.request}
    if args.json:
        print(json.dumps(document, indent=2))
        return EXIT_OK
    print(f"{s.id}: {s.status}{' (cached)' if s.cached else ''}")
    print(f"  model: {s.model}" + (f" ({s.fmu_id})" if s.model != s.fmu_id else ""))
    if s.title_values():
        print(f"  start values: {s.title_values()}")
    for name, value in s.kpis.items():
        print(f"  {name} = {value:.6g}" if value is not None else f"  {name} = null")
    if s.error:
        print(f"  error: {s.error.get('type')}: {s.error.get('detail')}")
    p = s.provenance
    if p:
        solver = p.get("solver") or {}
        solver_name = solver.get("name") if isinstance(solver, dict) else solver
        print(f"  ran: {p.get('interface', '?')}{' / ' + str(solver_name) if solver_name else ''}, "
              f"runner {p.get('runner', '?')}, FMPy {p.get('fmpy_version', '?')}, "
              f"{p.get('wall_time_s', 0):.3g} s wall")
    return EXIT_OK


def cmd_simulations_cancel(gw: Gateway, args: argparse.Namespace) -> int:
    s = gw.cancel(args.simulation_id)
    print(f"{s.id}: {s.status}" + (" (stopping)" if s.status == "running" else ""))
    return EXIT_OK


def cmd_simulations_result(gw: Gateway, args: argparse.Namespace) -> int:
    binary = BINARY_FORMATS.get(Path(args.out).suffix.lower()) if args.out else None
    if binary:
        Path(args.out).write_bytes(gw.result_bytes(args.simulation_id, binary))
        note(args, f"wrote {args.out}")
        return EXIT_OK
    text = gw.result_csv(args.simulation_id)
    if args.out:
        Path(args.out).write_text(text)
        note(args, f"wrote {args.out}")
    else:
        # In pieces, flushed: a reader that stops early (`| head`) is noticed at the next piece, where one
        # huge write would be cut short without a word.
        for start in range(0, len(text), 1 << 16):
            sys.stdout.write(text[start:start + (1 << 16)])
            sys.stdout.flush()
    return EXIT_OK


# -- models --------------------------------------------------------------------------------------------

def cmd_info(gw: Gateway, args: argparse.Namespace) -> int:
    """FMPy's `fmpy info`, from the gateway's reading of the model description."""
    m = gw.model_info(args.fmu)
    types = {"ModelExchange": "Model Exchange", "CoSimulation": "Co-Simulation"}
    print("\nModel Info\n")
    kinds = ", ".join(types[i] for i in m.interfaces)
    summary = (("FMI Version", m.fmi_version), ("FMI Type", kinds), ("Model Name", m.model_name),
               ("Description", m.description or ""), ("Platforms", ", ".join(m.platforms)),
               ("Continuous States", len(m.states)), ("Variables", m.variable_count),
               ("Generation Tool", m.generation_tool or ""))
    for label, value in summary:
        print(f"  {label:<18} {value}")
    experiment = m.default_experiment
    if experiment is not None:
        print("\nDefault Experiment\n")
        for label, number in (("Start Time", experiment.start_time), ("Stop Time", experiment.stop_time),
                              ("Tolerance", experiment.tolerance), ("Step Size", experiment.step_size)):
            if isinstance(number, int | float):
                print(f"  {label:<18} {number:g}")
    shown = [v for v in gw.variables(args.fmu) if v.causality in ("input", "output", "parameter")]
    print("\nVariables (input, output, parameter)\n")
    table(["Name", "Causality", "Type", "Start", "Unit", "Description"],
          [(v.name, v.causality, v.type_, "" if v.start is None else v.start, v.unit or "",
            v.description or "") for v in shown], indent="  ")
    return EXIT_OK


def cmd_variables(gw: Gateway, args: argparse.Namespace) -> int:
    rows = [(v.name, v.causality, v.type_, "" if v.start is None else str(v.start), v.unit or "",
             v.description or "") for v in gw.variables(args.fmu, causality=args.causality)]
    table(["name", "causality", "type", "start", "unit", "description"], rows)
    return EXIT_OK


def cmd_library(gw: Gateway, args: argparse.Namespace) -> int:
    rows = [(m.id, m.fmi_version, ",".join(m.interfaces), m.description) for m in gw.library(args.query)]
    table(["id", "fmi", "interfaces", "description"], rows)
    return EXIT_OK


def cmd_fmus_list(gw: Gateway, args: argparse.Namespace) -> int:
    for fmu in gw.fmus():
        print(f"{fmu.id}  {fmu.model.model_name:<24} FMI {fmu.model.fmi_version}  {fmu.filename}")
    return EXIT_OK


def cmd_fmus_upload(gw: Gateway, args: argparse.Namespace) -> int:
    fmu = gw.upload(args.path)
    print(fmu.id)
    note(args, f"{fmu.model.model_name} (FMI {fmu.model.fmi_version}, {', '.join(fmu.model.interfaces)})")
    for warning in fmu.warnings:  # accepted, but the user should know (even with --quiet)
        print(f"warning: {warning}", file=sys.stderr)
    return EXIT_OK


def cmd_fmus_delete(gw: Gateway, args: argparse.Namespace) -> int:
    gw.delete_fmu(args.fmu)
    note(args, f"deleted {args.fmu}")
    return EXIT_OK


# -- keys and billing ----------------------------------------------------------------------------------

def cmd_keys_create(gw: Gateway, args: argparse.Namespace) -> int:
    key = gw.create_key(args.name, authenticated=not args.new_account)
    print(key.api_key)
    note(args, f"key {key.key_id} ({key.prefix}...) for account {key.account_id}; shown only once")
    if args.save:
        path, kept = _config.store_key(gw.base_url, key.api_key)
        earlier = f"; the earlier key file is now {kept}" if kept else ""
        print(f"stored in {path}{earlier}", file=sys.stderr)
    return EXIT_OK


def cmd_account(gw: Gateway, args: argparse.Namespace) -> int:
    return _print_json(lambda: gw.account().to_dict(), "accounts")


def cmd_pricing(gw: Gateway, args: argparse.Namespace) -> int:
    return _print_json(lambda: gw.pricing().to_dict(), "pricing")


def cmd_checkout_buy(gw: Gateway, args: argparse.Namespace) -> int:
    checkout = gw.checkout(args.pack)
    if args.json:
        print(json.dumps(checkout.to_dict(), indent=2))
        return EXIT_OK
    print(checkout.checkout_url or "")
    note(args, f"session {checkout.session_id}: {checkout.credits_} credits for "
               f"{checkout.amount_cents / 100:.2f} {checkout.currency.upper()}; pay at the URL above, then "
               f"`fmu-gateway checkout status {checkout.session_id} --wait 600`")
    return EXIT_OK


def cmd_checkout_status(gw: Gateway, args: argparse.Namespace) -> int:
    """A session's state; with --wait, until it is paid or expired. Prints the payment token of a paid
    pay-per-run session (for `run --payment-token`). Exit 0 once paid, 4 while it is not."""
    try:
        checkout = gw.wait_for_payment(args.session_id, timeout=args.wait, poll=args.poll)
    except PaymentRequired:
        checkout = gw.checkout_session(args.session_id)
    paid = checkout.paid_at is not None
    if args.json:
        print(json.dumps(checkout.to_dict(), indent=2))
    elif paid and checkout.kind == "run" and checkout.payment_token:
        print(checkout.payment_token)
        note(args, f"paid; the token pays one run until {checkout.payment_token_expires_at}")
    elif paid:
        redeemed = ", its token already redeemed" if checkout.payment_token_redeemed else ""
        print(f"paid: {checkout.credits_} credits" if checkout.kind == "pack" else f"paid{redeemed}")
    else:
        print(f"not paid: status {checkout.status}, payment {checkout.payment_status}")
    return EXIT_OK if paid else EXIT_PAYMENT


# -- helpers -------------------------------------------------------------------------------------------

def _print_json(call: Callable[[], dict[str, Any]], what: str) -> int:
    document = _optional(call, what)
    if document is None:
        return EXIT_INVALID
    print(json.dumps(document, indent=2))
    return EXIT_OK


def _optional(call: Callable[[], dict[str, Any]], what: str) -> dict[str, Any] | None:
    try:
        return call()
    except NotFoundError as exc:
        # An unknown route answers with the framework's bare "Not Found"; a missing FMU names itself.
        if exc.detail.strip().lower() == "not found":
            print(f"{what}: not available on this gateway ({exc.detail})", file=sys.stderr)
            return None
        raise


def _kpi_text(s: SimulationResult) -> str:
    return ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in s.kpis.items())


def table(header: list[str], rows: Sequence[Sequence[Any]], *, indent: str = "") -> None:
    cells = [header] + [[str(c) for c in row] for row in rows]
    widths = [min(max(len(r[i]) for r in cells), 60) for i in range(len(header))]
    for row in cells:
        print(indent + "  ".join(c[:60].ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


COMMANDS: dict[str, Callable[[Gateway, argparse.Namespace], int]] = {
    "run": cmd_run, "logs": cmd_logs, "sweep": cmd_sweep, "quote": cmd_quote, "info": cmd_info,
    "variables": cmd_variables, "library": cmd_library,
    "simulations list": cmd_simulations_list, "simulations show": cmd_simulations_show,
    "simulations cancel": cmd_simulations_cancel, "simulations result": cmd_simulations_result,
    "fmus list": cmd_fmus_list, "fmus upload": cmd_fmus_upload, "fmus delete": cmd_fmus_delete,
    "keys create": cmd_keys_create, "account": cmd_account, "pricing": cmd_pricing,
    "checkout buy": cmd_checkout_buy, "checkout status": cmd_checkout_status,
}
