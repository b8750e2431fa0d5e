"""The TypeScript SDK (open-sdk/typescript) in the Python suite: its own `npm test` (tsc strict type-check,
unit tests with a mock fetch, the generated-types-in-sync test, and the end-to-end test) against a live
gateway process with payments on, and a crafted contract change that must break its build.

Needs Node.js and npm (.ci/run installs them from Debian when missing); the package's dependencies come
from npm (`npm ci`, only when node_modules does not match package-lock.json)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from conftest import LIBRARY_DIR, REPO, SDK, serve_gateway

TS = SDK / "typescript"
SPEC = REPO / "shared-specs" / "openapi.yaml"
WEBHOOK_SECRET = "whsec_ts_sdk"
FREE_CREDITS = 3  # what a new account gets on the test gateway: enough for the runs of one test


def node_missing() -> str | None:
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        return f"needs Node: {' and '.join(missing)} not found (.ci/run installs Node.js and npm from Debian)"
    return None


pytestmark = pytest.mark.skipif(node_missing() is not None, reason=node_missing() or "")


def node_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FMU_GATEWAY_", "STRIPE_"))}
    env.update(npm_config_update_notifier="false", npm_config_fund="false", npm_config_audit="false")
    major = int(subprocess.run(["node", "--version"], capture_output=True, text=True, check=True)
                .stdout.strip().lstrip("v").split(".")[0])
    if major < 19:  # Debian's Node 18: Web Crypto is there, but not yet as a global
        env["NODE_OPTIONS"] = (env.get("NODE_OPTIONS", "") + " --experimental-global-webcrypto").strip()
    env.update(extra)
    return env


def run(argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def ts_package() -> Path:
    """The package with node_modules matching package-lock.json (`npm ci` when missing or stale)."""
    proc = run(["node", "scripts/ensure-deps.mjs"], TS, node_env())
    assert proc.returncode == 0, f"npm ci failed:\n{proc.stdout}\n{proc.stderr}"
    return TS


# -- the live gateway, with Stripe played by the local fake ----------------------------------------------

def _fake_stripe() -> Any:
    from fmu_gateway_testkit import FakeStripe

    return FakeStripe().start()


class PayServer:
    """`POST /pay/<session_id>`: Stripe's part of paying, for the Node test (it cannot reach the fake's
    state): the customer pays at the checkout URL and Stripe delivers the signed webhook (204 once done)."""

    def __init__(self, stripe: Any, gateway_url: str) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                match = re.fullmatch(r"/pay/([A-Za-z0-9_]+)", self.path)
                status, body = (404, b"no such route") if match is None else outer.pay(match.group(1))
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.stripe, self.gateway_url = stripe, gateway_url
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def pay(self, session_id: str) -> tuple[int, bytes]:
        try:
            paid = self.stripe.complete_session(session_id)
        except KeyError:
            return 404, f"no checkout session {session_id} at Stripe".encode()
        event = self.stripe.event("checkout.session.completed", paid)
        payload, signature = self.stripe.sign(event, WEBHOOK_SECRET)
        response = httpx.post(f"{self.gateway_url}/v1/webhooks/stripe", content=payload,
                              headers={"Stripe-Signature": signature, "Content-Type": "application/json"})
        return (204, b"") if response.status_code == 200 else (502, response.content)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A gateway with payments on (Stripe: the local fake), where a new account gets FREE_CREDITS."""
    pricing = yaml.safe_load((REPO / "shared-specs" / "pricing.yaml").read_text())
    pricing["tiers"][pricing["default_tier"]]["included_credits"] = FREE_CREDITS
    pricing_file = tmp_path_factory.mktemp("pricing") / "pricing.yaml"
    pricing_file.write_text(yaml.safe_dump(pricing))
    shutil.copy2(REPO / "shared-specs" / "pricing.schema.json", pricing_file.parent)  # validated against it
    stripe = _fake_stripe()
    try:
        with serve_gateway(FMU_GATEWAY_STRIPE_ENABLED="true", FMU_GATEWAY_STRIPE_API_KEY="sk_test_ts_sdk",
                           FMU_GATEWAY_STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
                           FMU_GATEWAY_STRIPE_API_BASE=stripe.url,
                           FMU_GATEWAY_PRICING_FILE=str(pricing_file)) as url:
            payer = PayServer(stripe, url)
            try:
                yield {"FMU_GATEWAY_URL": url, "FMU_GATEWAY_E2E_PAY_URL": payer.url,
                       "FMU_GATEWAY_E2E_FMU": str(LIBRARY_DIR / "fmi2" / "VanDerPol.fmu")}
            finally:
                payer.stop()
    finally:
        stripe.stop()


def summary(output: str) -> dict[str, int]:
    """node --test's closing counts (spec reporter: `ℹ pass 12`)."""
    return {name: int(n) for name, n in re.findall(r"^\S+ (tests|pass|fail|cancelled|skipped|todo) (\d+)$",
                                                    output, re.M)}


@pytest.mark.e2e
def test_typescript_sdk_typechecks_and_passes_its_unit_and_end_to_end_tests(
        ts_package: Path, live: dict[str, str]) -> None:
    assert Path(live["FMU_GATEWAY_E2E_FMU"]).is_file(), "run `make models`"
    proc = run(["npm", "test"], ts_package, node_env(**live))
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-20000:]
    counts = summary(proc.stdout)
    assert counts["tests"] > 0, output[-5000:]
    assert (counts["pass"], counts["fail"], counts["cancelled"], counts["skipped"], counts["todo"]) == \
        (counts["tests"], 0, 0, 0, 0), output[-5000:]
    # A suite skipped as a whole counts no test as skipped: the end-to-end suite must say it passed.
    assert re.search(r"^✔ end to end \(", proc.stdout, re.M), output[-5000:]


def _break(spec: str) -> str:
    """Rename Checkout.payment_token, a required field that waitForPayment reads, in a copy of the spec."""
    required = "payment_status, checkout_url,\n                 created_at, paid_at, payment_token, "
    prop = "        payment_token: {type: [string, \"null\"], description:"
    assert spec.count(required) == 1, "the crafted change no longer applies: update _break"
    assert spec.count(prop) == 1, "the crafted change no longer applies: update _break"
    return spec.replace(required, required.replace("payment_token,", "payment_secret,")).replace(
        prop, prop.replace("payment_token:", "payment_secret:"))


def test_a_crafted_contract_change_breaks_the_typescript_build(ts_package: Path, tmp_path: Path) -> None:
    # The repository's layout in miniature: the package beside a contract of its own.
    package = tmp_path / "open-sdk" / "typescript"
    package.mkdir(parents=True)
    for name in ("package.json", "tsconfig.json", "GENERATED_FROM"):
        shutil.copy2(ts_package / name, package / name)
    for name in ("scripts", "src"):
        shutil.copytree(ts_package / name, package / name)
    (package / "node_modules").symlink_to(ts_package / "node_modules", target_is_directory=True)
    spec = tmp_path / "shared-specs" / "openapi.yaml"
    spec.parent.mkdir()
    spec.write_text(SPEC.read_text())
    env = node_env()
    generate, typecheck = ["node", "scripts/generate.mjs"], ["node", "node_modules/typescript/bin/tsc",
                                                             "--noEmit", "-p", "tsconfig.json"]

    for argv in (generate, typecheck):  # the copy builds as it is
        proc = run(argv, package, env)
        assert proc.returncode == 0, proc.stdout + proc.stderr

    spec.write_text(_break(SPEC.read_text()))
    proc = run(generate, package, env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "payment_secret: string | null;" in (package / "src" / "generated" / "openapi.ts").read_text()
    proc = run(typecheck, package, env)
    assert proc.returncode != 0, "tsc accepted a contract without Checkout.payment_token"
    assert re.search(r"src/gateway\.ts\(\d+,\d+\): error TS2339: Property 'payment_token' does not exist",
                     proc.stdout), proc.stdout + proc.stderr
