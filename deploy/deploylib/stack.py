"""The CDK CLI (pinned in deploy/infra/package-lock.json) on deploy/infra/app.py.

deploy.py writes the release file (image digests, secret ARNs, the services' current revisions) and runs
`cdk synth` (dry run) or `cdk deploy`; the stack's outputs come back through `--outputs-file`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from .errors import EXIT_STACK, DeployError, say

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "deploy" / "infra"
CDK = INFRA / "node_modules" / ".bin" / "cdk"


def node_environment() -> dict[str, str]:
    """The environment of the CLI and of jsii: Debian's Node 20 is past its end of life for jsii, which then
    prints a banner on every start; the version in use is still told by `node --version`."""
    node = shutil.which("node")
    if node is None:
        raise DeployError("Node.js is needed for the CDK CLI (apt-get install nodejs npm)", EXIT_STACK)
    major = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout
    return {
        **os.environ,
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": major.strip().lstrip("v").split(".")[0],
    }


def offline_environment(env: dict[str, str]) -> dict[str, str]:
    """No way to reach AWS: before it runs the app, the CLI looks up the credentials' account (STS
    GetCallerIdentity, then cached per access key under ~/.cdk), so a synth with credentials in the
    environment calls AWS the first time on a machine. Without credentials it synthesizes account-agnostic."""
    dropped = {k: v for k, v in env.items()
               if not k.startswith("AWS_") or k in ("AWS_REGION", "AWS_DEFAULT_REGION")}
    return {**dropped, "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_CONFIG_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true"}


def cdk(
    verb: str,
    *,
    stack_name: str,
    environment: str,
    release: Path,
    workdir: Path,
    params: Path | None = None,
    region: str | None = None,
) -> dict[str, str]:
    """Run `cdk synth|deploy` for one stack; return the stack's outputs (deploy) or {} (synth)."""
    if not CDK.exists():
        raise DeployError(f"{CDK} is missing: `make deploy` installs it (npm ci in deploy/infra)", EXIT_STACK)
    outputs = workdir / "outputs.json"
    outputs.unlink(missing_ok=True)
    command = [
        str(CDK),
        verb,
        stack_name,
        "--app",
        f"{sys.executable} {INFRA / 'app.py'}",
        "--output",
        str(workdir / "cdk.out"),
        "-c",
        f"env={environment}",
        "-c",
        f"release={release}",
    ]
    if params is not None:
        command += ["-c", f"params={params}"]
    if verb == "deploy":
        command += ["--require-approval", "never", "--progress", "events", "--outputs-file", str(outputs)]
    else:
        command += ["--quiet"]
    env = node_environment()
    if verb != "deploy":
        env = offline_environment(env)
    if region:
        env["AWS_REGION"] = env["AWS_DEFAULT_REGION"] = region
    say(f"  cdk {verb} {stack_name}")
    proc = subprocess.run(command, cwd=INFRA, env=env, check=False)
    if proc.returncode != 0:
        raise DeployError(f"cdk {verb} {stack_name} failed (exit {proc.returncode})", EXIT_STACK)
    if verb != "deploy":
        return {}
    found: dict[str, Any] = json.loads(outputs.read_text()).get(stack_name, {})
    return {key: str(value) for key, value in found.items()}
