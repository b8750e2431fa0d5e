"""Scale out: two API processes (the edge only) and two worker processes on one PostgreSQL database and one
S3 endpoint (moto's server on loopback), each with a data directory of its own, so nothing is shared but
the database and the bucket.

Upload through one API, simulate through the other, read the result through the first; a worker killed
(-9) mid-run: the run finishes on the other, charged once; an API killed while a client waits: the
client's retry with the same Idempotency-Key gets the result; all of it idle: no statement reaches the
database from a waiting request or an idle worker."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fmu_gateway_testkit import POSTGRES_SKIP, GatewayProcess, fresh_postgres, hostile_fmu, library_fmu, postgres_url
from sqlalchemy import create_engine, text

from fmu_gateway_api.auth.tokens import SigningKey
from tests.conftest import ISSUED_KEYS

BUCKET = "fmu-gateway-scale-out"
pytestmark = pytest.mark.skipif(postgres_url() is None, reason=POSTGRES_SKIP)


class Cluster:
    def __init__(self, database_url: str, apis: list[GatewayProcess], workers: list[GatewayProcess]) -> None:
        self.database_url, self.apis, self.workers = database_url, apis, workers
        self.engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))

    def scalar(self, sql: str, **params: Any) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def worker_of(self, sim_id: str) -> GatewayProcess | None:
        worker = self.scalar("SELECT worker FROM simulations WHERE id = :i", i=sim_id) or ""
        pid = worker.split(":")[1] if worker.count(":") >= 2 else ""
        return next((w for w in self.workers if str(w.pid) == pid), None)

    def wait_status(self, sim_id: str, wanted: tuple[str, ...], timeout_s: float = 60.0) -> str:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            status = self.scalar("SELECT status FROM simulations WHERE id = :i", i=sim_id)
            if status in wanted:
                return str(status)
            time.sleep(0.05)
        raise AssertionError(f"{sim_id} never reached {wanted}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer("127.0.0.1", 0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    import boto3

    boto3.client("s3", region_name="eu-central-1", endpoint_url=endpoint, aws_access_key_id="testing",
                 aws_secret_access_key="testing").create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    url = postgres_url()
    assert url is not None
    processes: list[GatewayProcess] = []
    try:
        with fresh_postgres(url) as db:
            plain = db.replace("postgresql+psycopg://", "postgresql://", 1)
            env = {"FMU_GATEWAY_BLOB_STORE": "s3", "FMU_GATEWAY_S3_BUCKET": BUCKET,
                   "FMU_GATEWAY_S3_PREFIX": "gw/", "FMU_GATEWAY_AWS_ENDPOINT_URL": endpoint,
                   "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                   "AWS_REGION": "eu-central-1", "NO_PROXY": host,
                   "FMU_GATEWAY_JWT_KEYS": json.dumps([SigningKey.generate().to_json()]),
                   "FMU_GATEWAY_JOB_LEASE_S": "3", "FMU_GATEWAY_RUNNER_CONCURRENCY": "2",
                   "FMU_GATEWAY_RUNNER_WARM_POOL": "0", "FMU_GATEWAY_SIGNUP_CREDITS": "50"}
            root = tmp_path_factory.mktemp("cluster")
            apis = [GatewayProcess(root / f"api{i}", database_url=plain, env=env, command=["serve", "--role", "api"])
                    for i in (1, 2)]
            workers = [GatewayProcess(root / f"worker{i}", database_url=plain, env=env, command=["worker"])
                       for i in (1, 2)]
            processes = [*apis, *workers]
            apis[0].migrate()  # the one-shot step; no role migrates by itself
            for process in processes:
                process.start()
            cluster = Cluster(plain, apis, workers)
            try:
                yield cluster
            finally:
                cluster.engine.dispose()
    finally:
        for process in processes:
            process.cleanup()
        server.stop()


def new_key(url: str) -> dict[str, str]:
    key = httpx.post(f"{url}/v1/keys", json={"name": "scale-out"}, timeout=30).json()["api_key"]
    ISSUED_KEYS.append(key)
    return {"Authorization": f"Bearer {key}"}


def test_upload_on_one_api_simulate_on_the_other_read_on_the_first(cluster: Cluster) -> None:
    api1, api2 = (a.url for a in cluster.apis)
    auth = new_key(api1)
    with library_fmu("BouncingBall").open("rb") as fh:
        uploaded = httpx.post(f"{api1}/v1/fmus", headers=auth, timeout=120,
                              files={"file": ("bb.fmu", fh, "application/octet-stream")})
    assert uploaded.status_code == 201, uploaded.text  # described by a worker: the APIs run no sandboxes
    fmu_id = uploaded.json()["id"]
    run = httpx.post(f"{api2}/v1/simulations", headers=auth, timeout=120,
                     json={"fmu_id": fmu_id, "stop_time": 1.0, "start_values": {"e": 0.6}})
    assert run.status_code == 200, run.text
    assert run.json()["status"] == "succeeded"
    result = httpx.get(f"{api1}/v1/simulations/{run.json()['id']}/result", headers=auth, timeout=30)
    assert result.status_code == 200
    assert result.json()["data"] == run.json()["result"]["data"]
    library = httpx.post(f"{api1}/v1/simulations", headers=auth, timeout=120,
                         json={"fmu_id": "lib:VanDerPol", "stop_time": 1.0})
    assert (library.status_code, library.json()["status"]) == (200, "succeeded")
    for api in cluster.apis:
        assert api.children() == [], "an API-only process started a sandbox"


def test_a_worker_killed_mid_run_is_replaced_and_the_run_charged_once(cluster: Cluster) -> None:
    api = cluster.apis[0].url
    auth = new_key(api)
    with hostile_fmu("Sleeper").open("rb") as fh:
        fmu_id = httpx.post(f"{api}/v1/fmus", headers=auth, timeout=120,
                            files={"file": ("sleeper.fmu", fh, "application/octet-stream")}).json()["id"]
    sim_id = httpx.post(f"{api}/v1/simulations", headers=auth, timeout=60, json={
        "fmu_id": fmu_id, "stop_time": 6.0, "output_interval": 0.1, "start_values": {"sleep_per_step": 0.1},
        "wait_s": 0}).json()["id"]
    cluster.wait_status(sim_id, ("running",))
    victim = cluster.worker_of(sim_id)
    assert victim is not None
    victim.kill()
    try:
        final = httpx.get(f"{api}/v1/simulations/{sim_id}", headers=auth, timeout=30).json()
        deadline = time.monotonic() + 120
        while final["status"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.2)
            final = httpx.get(f"{api}/v1/simulations/{sim_id}", headers=auth, timeout=30).json()
        assert final["status"] == "succeeded", final["error"]
        assert cluster.scalar("SELECT attempts FROM simulations WHERE id = :i", i=sim_id) == 2
        ledger = httpx.get(f"{api}/v1/account", headers=auth, timeout=30).json()["ledger"]
        assert [e["kind"] for e in ledger if e["reference"] == sim_id] == ["debit"]
    finally:
        victim.start()


def test_a_client_whose_api_died_gets_its_result_by_retrying_elsewhere(cluster: Cluster) -> None:
    first, second = cluster.apis
    auth = new_key(second.url)
    with hostile_fmu("Sleeper").open("rb") as fh:
        fmu_id = httpx.post(f"{second.url}/v1/fmus", headers=auth, timeout=120,
                            files={"file": ("sleeper.fmu", fh, "application/octet-stream")}).json()["id"]
    request = {"fmu_id": fmu_id, "stop_time": 3.0, "output_interval": 0.1, "start_values": {"sleep_per_step": 0.1},
               "wait_s": 60}
    headers = {**auth, "Idempotency-Key": f"retry-{uuid.uuid4().hex}"}
    outcome: list[BaseException | httpx.Response] = []

    def client() -> None:
        try:
            outcome.append(httpx.post(f"{first.url}/v1/simulations", headers=headers, json=request, timeout=120))
        except httpx.HTTPError as exc:
            outcome.append(exc)

    waiting = threading.Thread(target=client)
    waiting.start()
    deadline = time.monotonic() + 60
    while not cluster.scalar("SELECT count(*) FROM simulations s JOIN api_keys k ON k.account_id = s.account_id "
                             "WHERE k.key_hash = :h AND s.status = 'running'",
                             h=_hash(auth)) and time.monotonic() < deadline:
        time.sleep(0.05)
    first.kill()
    waiting.join(timeout=60)
    try:
        assert outcome and isinstance(outcome[0], httpx.TransportError)
        retried = httpx.post(f"{second.url}/v1/simulations", headers=headers, json=request, timeout=120)
        assert retried.status_code == 200, retried.text
        assert retried.headers["idempotent-replayed"] == "true"
        assert retried.json()["status"] == "succeeded" and len(retried.json()["result"]["data"]["time"]) == 31
        ledger = httpx.get(f"{second.url}/v1/account", headers=auth, timeout=30).json()["ledger"]
        assert [e["kind"] for e in ledger].count("debit") == 1
    finally:
        first.start()


def _hash(auth: dict[str, str]) -> str:
    import hashlib

    return hashlib.sha256(auth["Authorization"].removeprefix("Bearer ").encode()).hexdigest()


def settled(processes: list[GatewayProcess]) -> list[float]:
    """Each process's statement count once no count has moved for 2 s (what earlier work started has ended)."""
    counts = [p.metric("fmu_gateway_db_queries_total") for p in processes]
    deadline = time.monotonic() + 60
    while True:
        time.sleep(2.0)
        now = [p.metric("fmu_gateway_db_queries_total") for p in processes]
        if now == counts:
            return counts
        assert time.monotonic() < deadline, "the processes never went quiet"
        counts = now


def test_idle_apis_and_workers_send_nothing_to_the_database(cluster: Cluster) -> None:
    """Nothing polls: with no work, no process sends a statement for 10 s (each counts what it sends)."""
    processes = [*cluster.apis, *cluster.workers]
    counts = settled(processes)
    time.sleep(10.0)
    assert [p.metric("fmu_gateway_db_queries_total") for p in processes] == counts


def test_a_waiting_request_sends_nothing_while_it_waits(cluster: Cluster) -> None:
    """No worker runs: the job stays queued, and the request waiting for it is silent until a worker
    starts and the bus wakes it with the result."""
    api = cluster.apis[0]
    auth = new_key(api.url)
    for worker in cluster.workers:
        worker.stop()
    answer: list[httpx.Response] = []
    try:
        waiting = threading.Thread(target=lambda: answer.append(httpx.post(
            f"{api.url}/v1/simulations", headers=auth, timeout=120,
            json={"fmu_id": "lib:BouncingBall", "stop_time": 0.5, "wait_s": 60, "cache": False})))
        waiting.start()
        deadline = time.monotonic() + 30
        while not cluster.scalar("SELECT count(*) FROM simulations WHERE status = 'queued'"):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        [before] = settled([api])  # the admission's own statements are done
        time.sleep(10.0)
        assert api.metric("fmu_gateway_db_queries_total") == before
        assert not answer and waiting.is_alive()
    finally:
        for worker in cluster.workers:
            worker.start()
    waiting.join(timeout=90)
    assert answer and answer[0].status_code == 200 and answer[0].json()["status"] == "succeeded"
