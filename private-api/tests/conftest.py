"""Fixtures: one gateway per test session on SQLite (default) or PostgreSQL (TEST_DATABASE_URL or
DATABASE_URL), a contract-checking client, and accounts."""

from __future__ import annotations

import os
import random
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fmu_gateway_testkit import (
    LIBRARY_DIR,
    POSTGRES_SKIP,
    FakeStripe,
    docker_missing,
    fresh_postgres,
    hostile_fmu,
    library_fmu,
    own_database,
    postgres_url,
)

from fmu_gateway_api.app import create_app
from fmu_gateway_api.settings import Settings
from tests.contract_client import ContractClient

REPO = Path(__file__).resolve().parents[2]
__all__ = ["LIBRARY_DIR", "POSTGRES_SKIP", "docker_missing", "fresh_postgres", "hostile_fmu", "library_fmu",
           "own_database", "postgres_url"]


SEED_VARIABLE = "FMU_GATEWAY_SCHEMATHESIS_SEED"


def pytest_configure(config: pytest.Config) -> None:
    """One schemathesis seed for the whole run, chosen here (in pytest-xdist's controller, before its
    workers start and inherit the environment) unless one is given to replay."""
    if not hasattr(config, "workerinput") and not os.environ.get(SEED_VARIABLE):
        os.environ[SEED_VARIABLE] = str(random.SystemRandom().randrange(1, 2**31))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    seed = os.environ[SEED_VARIABLE]
    terminalreporter.write_line(f"schemathesis seed {seed} (replay: {SEED_VARIABLE}={seed})")


# The fixtures that reach the lane's database (TEST_DATABASE_URL): a test marked database_independent,
# which the PostgreSQL lane leaves to the SQLite lane, may use none of them.
LANE_DATABASE_FIXTURES = frozenset({"database_url", "isolated_db", "settings", "raw_client", "client", "auth",
                                    "live_url"})


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--alone", choices=("with", "skip", "only"), default="with",
                     help="tests marked alone: run them with the rest (default), leave them out (the parallel "
                          "part of `make test`), or run only them (after it, in one process)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("database_independent") is not None:
            used = LANE_DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ()))
            assert not used, f"{item.nodeid} is marked database_independent but uses {sorted(used)}"
    alone = config.getoption("--alone")
    if alone != "with":
        keep = [item for item in items if (item.get_closest_marker("alone") is not None) == (alone == "only")]
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """`--alone=only` on a selection with no test marked alone (the PostgreSQL lane's: the alone tests are
    database_independent) has nothing to run, which is not a failure."""
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED and session.config.getoption("--alone") == "only":
        session.exitstatus = pytest.ExitCode.OK


@pytest.fixture(scope="session")
def database_url() -> Iterator[str | None]:
    """A fresh PostgreSQL database for the session when a server is configured, else None (SQLite)."""
    with own_database(postgres_url()) as db:
        yield db


@pytest.fixture
def isolated_db(tmp_path: Path) -> Iterator[Settings]:
    """Settings on a database of this test's own (no dispatcher of the shared app touches it)."""
    with own_database(postgres_url()) as db:
        yield make_settings(tmp_path, db)


WEBHOOK_SECRET = "whsec_fmu_gateway_tests"


def make_settings(data_dir: Path, database_url: str | None, stripe: FakeStripe | None = None,
                  **overrides: Any) -> Settings:
    # Not under /tmp: each sandbox gets a private /tmp, which would hide it.
    scratch = Path(tempfile.mkdtemp(prefix="fmu-gw-scratch-", dir="/var/tmp"))
    values: dict[str, Any] = {
        "environment": "test", "database_url": database_url, "data_dir": data_dir, "scratch_dir": scratch,
        "library_dir": LIBRARY_DIR, "runner_concurrency": 3, "runner_warm_pool": 1,
        "sim_default_wait_s": 60.0, "sim_max_timeout_s": 120.0, "redis_url": None,
        # every test makes accounts of its own from one address; the edge's tests set tight limits
        "signup_per_address_per_hour": 100_000, "signup_per_hour": 100_000,
    }
    if stripe is not None:
        values.update(stripe_enabled=True, stripe_api_key="sk_test_fmu_gateway", stripe_api_base=stripe.url,
                      stripe_webhook_secret=WEBHOOK_SECRET, outbox_poll_s=0.2)
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session", autouse=True)
def no_plaintext_keys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every log record of the whole run goes to a file; at the end, no API key issued by any test may
    appear in it (nor in the shared gateway's database, checked by its own fixture)."""
    import logging

    path = tmp_path_factory.mktemp("logs") / "all.log"
    handler = logging.FileHandler(path)
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield
    root.removeHandler(handler)
    root.setLevel(previous)
    handler.close()
    text = path.read_text(errors="replace")
    assert text or not ISSUED_KEYS, "keys were issued but nothing was logged: the audit would prove nothing"
    leaked = [k[:14] for k in ISSUED_KEYS if k in text]
    assert not leaked, f"API keys found in the logs: {leaked}"


@pytest.fixture(scope="session")
def fake_stripe() -> Iterator[FakeStripe]:
    server = FakeStripe().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory, database_url: str | None,
             fake_stripe: FakeStripe) -> Settings:
    return make_settings(tmp_path_factory.mktemp("gateway"), database_url, stripe=fake_stripe)


@pytest.fixture(scope="session")
def raw_client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=True) as client:
        yield client
        _assert_no_plaintext_keys_in(client.app.state.ctx)  # type: ignore[attr-defined]


def _assert_no_plaintext_keys_in(ctx: Any) -> None:
    """Dump every row of every table as text: no issued key may be in it."""
    from fmu_gateway_api.tables import Base

    with ctx.engine.connect() as conn:
        dump = "\n".join(str(tuple(row)) for table in Base.metadata.sorted_tables
                         for row in conn.execute(table.select()))
    leaked = [k[:14] for k in ISSUED_KEYS if k in dump]
    assert not leaked, f"API keys stored in plaintext: {leaked}"


@pytest.fixture(scope="session")
def client(raw_client: TestClient) -> ContractClient:
    return ContractClient(raw_client)


ISSUED_KEYS: list[str] = []


def new_account(client: ContractClient, name: str = "test") -> dict[str, str]:
    response = client.post("/v1/keys", json={"name": name})
    assert response.status_code == 201, response.text
    ISSUED_KEYS.append(response.json()["api_key"])
    return {"Authorization": f"Bearer {response.json()['api_key']}"}


def account_id(client: ContractClient, auth: dict[str, str]) -> str:
    return str(client.get("/v1/account", headers=auth).json()["account_id"])


def grant(ctx: Any, account: str, credits: int) -> None:
    """What an operator does with `fmu-gateway-api grant-credits`."""
    from fmu_gateway_api.billing import service as billing
    from fmu_gateway_api.kit.uow import unit_of_work

    with unit_of_work(ctx.sessions) as session:
        billing.add_credits(session, account, credits, kind="grant", reference=f"test:{uuid.uuid4().hex}")


def set_tier(ctx: Any, account: str, tier: str) -> None:
    from fmu_gateway_api.billing import service as billing
    from fmu_gateway_api.kit.uow import unit_of_work

    with unit_of_work(ctx.sessions) as session:
        billing.set_tier(session, account, tier, ctx.pricing)
    ctx.edge.forget_account(account)


@pytest.fixture
def auth(client: ContractClient) -> dict[str, str]:
    """Headers of a fresh account."""
    return new_account(client)


@pytest.fixture(scope="session")
def live_url(tmp_path_factory: pytest.TempPathFactory, fake_stripe: FakeStripe) -> Iterator[str]:
    """A real uvicorn server on loopback, with its own data directory and its own database: gateways
    that share a queue must share a blob store, and this one does not share the test app's."""
    with own_database(postgres_url()) as db:
        yield from _serve(tmp_path_factory, db, fake_stripe)


def _serve(tmp_path_factory: pytest.TempPathFactory, database_url: str | None,
           fake_stripe: FakeStripe) -> Iterator[str]:
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = make_settings(tmp_path_factory.mktemp("live"), database_url, stripe=fake_stripe)
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


def wait_for_end(ctx: Any, sim_id: str, timeout_s: float = 60.0) -> str | None:
    """Block until the simulation has ended (woken by the bus, as a request would be); its final status."""
    import time

    from fmu_gateway_api.kit.uow import unit_of_work
    from fmu_gateway_api.simulations.repository import SimulationRepository

    key, deadline = ("simulation", sim_id), time.monotonic() + timeout_s
    while True:
        waiter = ctx.waiters.expect(key)
        try:
            with unit_of_work(ctx.sessions) as session:
                status = SimulationRepository(session).status_of(sim_id)
            if status not in ("queued", "running") or time.monotonic() >= deadline:
                return status
            waiter.wait(deadline - time.monotonic())
        finally:
            ctx.waiters.forget(key, waiter)
