"""Operator commands: `fmu-gateway-api serve [--role all|api] | worker | migrate | grant-credits | set-tier`."""

from __future__ import annotations

import argparse
import sys

from fmu_gateway_api.settings import Settings, get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fmu-gateway-api", description="FMU Gateway service commands")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the API (role all: with its own sandboxes; api: the edge only)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--role", choices=("all", "api"), default="all",
                       help="all (default): API and sandboxes in one process, migrating the database itself "
                            "outside production; api: the edge only, with workers running the jobs")
    worker = sub.add_parser("worker", help="claim jobs and run them in sandboxes (serves health and metrics)")
    worker.add_argument("--host")
    worker.add_argument("--port", type=int)
    sub.add_parser("migrate", help="apply database migrations and exit")
    grant = sub.add_parser("grant-credits", help="add credits to an account (works with Stripe off)")
    grant.add_argument("account_id")
    grant.add_argument("credits", type=_credits)
    grant.add_argument("--note", default="granted by an operator")
    tier = sub.add_parser("set-tier", help="move an account to another pricing tier")
    tier.add_argument("account_id")
    tier.add_argument("tier")
    args = parser.parse_args(argv)
    settings = get_settings()
    from fmu_gateway_api.observability import configure_logging

    # An operator's one-off command prints its result (and warnings), not the service's info log.
    level = settings.log_level if args.command in ("serve", "migrate") else "WARNING"
    configure_logging(level, settings.log_format if args.command == "serve" else "text")

    if args.command == "migrate":
        from fmu_gateway_api.db import make_engine
        from fmu_gateway_api.migrate import upgrade

        upgrade(make_engine(settings))
        return 0
    if args.command in ("grant-credits", "set-tier"):
        return _admin(args, settings)
    import uvicorn

    from fmu_gateway_api.app import create_app

    if args.command == "worker":
        app = create_app(settings, role="worker")
        host, port = args.host or settings.worker_host, args.port or settings.worker_port
    else:
        app = create_app(settings, role=args.role)
        host, port = args.host or settings.host, args.port or settings.port
    # proxy_headers off: uvicorn would otherwise take X-Forwarded-For from any local peer as the client's
    # address; the edge reads it only from the operator's trusted proxies (FMU_GATEWAY_TRUSTED_PROXIES).
    uvicorn.run(app, host=host, port=port,
                log_level=settings.log_level.lower(), log_config=None, proxy_headers=False,
                timeout_graceful_shutdown=int(settings.shutdown_grace_s) + 5)
    return 0


MAX_GRANT = 10**9  # credits in one grant: a typo's worth of zeros is refused, not stored


def _credits(text: str) -> int:
    """A whole, positive number of credits (no exponents, no fractions)."""
    if not text.isdigit() or not 1 <= int(text) <= MAX_GRANT:
        raise argparse.ArgumentTypeError(f"credits must be a whole number from 1 to {MAX_GRANT}, not {text!r}")
    return int(text)


def _admin(args: argparse.Namespace, settings: Settings) -> int:
    """grant-credits and set-tier, on an existing, migrated database (never one created here)."""
    import uuid

    from fmu_gateway_api.billing import service as billing
    from fmu_gateway_api.billing.pricing import Pricing
    from fmu_gateway_api.db import make_engine, make_session_factory
    from fmu_gateway_api.errors import ProblemError
    from fmu_gateway_api.kit.uow import unit_of_work
    from fmu_gateway_api.migrate import pending

    if settings.is_sqlite and not settings.sqlite_path.is_file():
        sys.stderr.write(f"error: there is no database at {settings.sqlite_path} (FMU_GATEWAY_DATA_DIR is "
                         f"{settings.data_dir}); create it with `fmu-gateway-api migrate`\n")
        return 1
    engine = make_engine(settings)
    try:
        problem = pending(engine)
        if problem is not None:
            sys.stderr.write(f"error: {problem}; run `fmu-gateway-api migrate` first\n")
            return 1
        with unit_of_work(make_session_factory(engine)) as session:
            if args.command == "grant-credits":
                entry = billing.add_credits(session, args.account_id, args.credits, kind="grant",
                                            reference=f"admin:{uuid.uuid4().hex}", note=args.note)
                message = f"granted {args.credits} credits to {args.account_id}; balance {entry.balance_after}"
            else:
                billing.set_tier(session, args.account_id, args.tier, Pricing.load(settings.pricing_file))
                message = f"{args.account_id} is now on the {args.tier} tier"
    except ProblemError as exc:
        sys.stderr.write(f"error: {exc.detail}\n")
        return 1
    finally:
        engine.dispose()
    sys.stdout.write(message + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
