"""Operator commands: `fmu-gateway-api serve | migrate`."""

from __future__ import annotations

import argparse
import sys

from fmu_gateway_api.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fmu-gateway-api", description="FMU Gateway service commands")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="apply migrations, then serve the API")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    sub.add_parser("migrate", help="apply database migrations and exit")
    grant = sub.add_parser("grant-credits", help="add credits to an account (works with Stripe off)")
    grant.add_argument("account_id")
    grant.add_argument("credits", type=int)
    grant.add_argument("--note", default="granted by an operator")
    tier = sub.add_parser("set-tier", help="move an account to another pricing tier")
    tier.add_argument("account_id")
    tier.add_argument("tier")
    args = parser.parse_args(argv)
    settings = get_settings()
    from fmu_gateway_api.observability import configure_logging

    configure_logging(settings.log_level, settings.log_format if args.command == "serve" else "text")

    if args.command == "migrate":
        from fmu_gateway_api.db import make_engine
        from fmu_gateway_api.migrate import upgrade

        upgrade(make_engine(settings))
        return 0
    if args.command in ("grant-credits", "set-tier"):
        return _admin(args, settings)
    import uvicorn

    from fmu_gateway_api.app import create_app

    uvicorn.run(create_app(settings), host=args.host or settings.host, port=args.port or settings.port,
                log_level=settings.log_level.lower(), log_config=None,
                timeout_graceful_shutdown=int(settings.shutdown_grace_s) + 5)
    return 0


def _admin(args: argparse.Namespace, settings: object) -> int:
    import uuid

    from fmu_gateway_api.billing import service as billing
    from fmu_gateway_api.context import Context
    from fmu_gateway_api.errors import ProblemError
    from fmu_gateway_api.kit.uow import unit_of_work
    from fmu_gateway_api.migrate import upgrade

    ctx = Context.create(settings)  # type: ignore[arg-type]
    upgrade(ctx.engine)
    try:
        with unit_of_work(ctx.sessions) as session:
            if args.command == "grant-credits":
                entry = billing.add_credits(session, args.account_id, args.credits, kind="grant",
                                            reference=f"admin:{uuid.uuid4().hex}", note=args.note)
                message = f"granted {args.credits} credits to {args.account_id}; balance {entry.balance_after}"
            else:
                billing.set_tier(session, args.account_id, args.tier, ctx)
                message = f"{args.account_id} is now on the {args.tier} tier"
    except ProblemError as exc:
        sys.stderr.write(f"error: {exc.detail}\n")
        return 1
    except Exception as exc:  # an unknown account is a foreign-key or no-row error here
        sys.stderr.write(f"error: {exc}\n")
        return 1
    finally:
        ctx.engine.dispose()
    sys.stdout.write(message + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
