"""Vercel entry point (preview deployments): exposes the FMU Gateway ASGI app as `app`.

vercel.json routes every path here. A preview runs the embedded defaults: SQLite and blobs under /tmp
(the only writable place of a serverless function), the local runner, no Stripe. It is for trying a
branch, not for production (deploy/README.md).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_app() -> object:
    """Create the FastAPI app with settings from the environment, the repository's files as defaults."""
    try:
        import fmu_gateway_api  # noqa: F401  (installed: nothing to add)
    except ImportError:
        sys.path.insert(0, str(ROOT / "private-api" / "src"))
    if os.environ.get("VERCEL"):
        os.environ.setdefault("FMU_GATEWAY_DATA_DIR", "/tmp/fmu-gateway")
    os.environ.setdefault("FMU_GATEWAY_CONTRACT", str(ROOT / "shared-specs" / "openapi.yaml"))
    os.environ.setdefault("FMU_GATEWAY_PRICING_FILE", str(ROOT / "shared-specs" / "pricing.yaml"))
    os.environ.setdefault("FMU_GATEWAY_LIBRARY_DIR", str(ROOT / "build" / "models"))

    from fmu_gateway_api.app import create_app
    from fmu_gateway_api.settings import Settings

    return create_app(Settings())


app = build_app()
