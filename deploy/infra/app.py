#!/usr/bin/env python3
"""The CDK app: `cdk synth|deploy -c env=<environment> -c release=<release.json>`.

`make deploy` writes the release file (pushed image digests, secret ARNs, the services' current
revisions) and runs the pinned CDK CLI with this app; see deploy/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import aws_cdk as cdk

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fmu_gateway_infra.config import ConfigError, Parameters, Release  # noqa: E402
from fmu_gateway_infra.stack import FmuGatewayStack  # noqa: E402


def main() -> None:
    app = cdk.App()
    environment = app.node.try_get_context("env")
    release_file = app.node.try_get_context("release")
    if not environment or not release_file:
        sys.exit("app.py: needs -c env=<environment> -c release=<release.json> (make deploy writes it)")
    params_file = app.node.try_get_context("params")
    try:
        params = Parameters.load(environment, Path(params_file) if params_file else None)
        release = Release.from_json(Path(release_file).read_text())
    except (ConfigError, OSError) as exc:
        sys.exit(f"app.py: {exc}")
    FmuGatewayStack(app, params=params, release=release)
    app.synth()


if __name__ == "__main__":
    main()
