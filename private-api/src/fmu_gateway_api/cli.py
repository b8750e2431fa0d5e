"""Operator commands: `fmu-gateway-api serve | migrate`."""

from __future__ import annotations

import argparse
import logging
import sys

from fmu_gateway_api.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fmu-gateway-api", description="FMU Gateway service commands")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="apply migrations, then serve the API")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    sub.add_parser("migrate", help="apply database migrations and exit")
    args = parser.parse_args(argv)
    settings = get_settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    if args.command == "migrate":
        from fmu_gateway_api.db import make_engine
        from fmu_gateway_api.migrate import upgrade

        upgrade(make_engine(settings))
        return 0
    import uvicorn

    from fmu_gateway_api.app import create_app

    uvicorn.run(create_app(settings), host=args.host or settings.host, port=args.port or settings.port,
                log_level=settings.log_level.lower())
    return 0


if __name__ == "__main__":
    sys.exit(main())
