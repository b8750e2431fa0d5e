"""The hostile suite: attacks of our own C (models/testing) against each sandbox backend, through the API.

Every attack is contained, charged as the model's failure (never refunded), leaves nothing for the next run
(of any account, on the same uid), and /v1/health answers throughout. Runs on the local fork-server and on
Docker (needs the runner image; CI refuses to skip it).
"""

from __future__ import annotations

import io
import os
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import library_fmu, wait_for_end
from tests.runners.conftest import Gateway

# What these attack is the sandbox, the same whatever the database: their gateway runs on SQLite, in one lane.
pytestmark = pytest.mark.database_independent
# The tests with a time bound (a run of 10,000 output files ends in < 15 s, a cancel stops a run in < 10 s,
# a daemon is gone 10 s after its run) that another test process next to them on two cores pushed past:
# with xdist they run alone, after the rest, on a gateway of their own.
alone = pytest.mark.alone

def last(sim: dict[str, Any], name: str) -> Any:
    assert sim["status"] == "succeeded", sim["error"]
    return sim["result"]["data"][name][-1]


# -- the layers ---------------------------------------------------------------------------------------------
def test_every_run_has_every_layer(gw: Gateway) -> None:
    auth = gw.account()
    sim = gw.simulate(auth, "lib:BouncingBall")
    layers = sim["provenance"]["isolation"]
    assert layers["landlock"] is True and layers["landlock_abi"] >= 6
    assert layers["seccomp"] is True and layers["no_new_privs"] is True and layers["rlimits"] is True
    assert layers["private_tmp"] is True
    if gw.settings.runner == "local" and os.geteuid() == 0:
        assert layers["namespaces"] == ["ipc", "mount", "network", "pid", "uts"]
        assert layers["own_uid"] is True and layers["tree_kill"] == "pid-namespace"
    if gw.settings.runner == "docker":
        assert layers["container"] == "docker" and layers["tree_kill"] == "subreaper"


# -- secrets and other tenants ------------------------------------------------------------------------------
def test_the_data_directory_and_host_secrets_are_out_of_reach(gw: Gateway) -> None:
    auth = gw.account()
    data = gw.settings.data_dir
    probes = {"path1": str(data / "fmu-gateway.db"), "path2": str(data / "secrets" / "jwt-keys.json"),
              "path3": str(data), "path4": "/etc/shadow"}
    sim = gw.healthy_during(lambda: gw.simulate(auth, gw.fmu(auth, "FileProbe"), start_values=probes))
    for i in range(1, 5):
        assert (last(sim, f"readable_{i}"), last(sim, f"writable_{i}"), last(sim, f"listable_{i}")) == (0, 0, 0), i
    assert last(sim, "visible_pids") == -1  # /proc cannot be listed (its own /proc/self at most is open)
    if gw.settings.runner == "local" and os.geteuid() == 0:
        # pid 1 is the run itself (the init of its own pid namespace): nothing of the host's pid 1 is readable
        assert last(sim, "uid") >= gw.settings.runner_uid_base
        assert sim["provenance"]["isolation"]["tree_kill"] == "pid-namespace"
    else:
        assert last(sim, "proc1_environ_readable") == 0 and last(sim, "proc1_cmdline_readable") == 0
    # The run directory's parents list nothing, and the FMU cache holds no other tenant's model.
    relative = {"path1": "..", "path2": "../..", "path3": str(gw.app.state.ctx.sandbox.scratch.fmus),
                "path4": "/var/tmp"}
    sim = gw.simulate(auth, gw.fmu(auth, "FileProbe"), start_values=relative)
    for i in range(1, 5):
        assert (last(sim, f"listable_{i}"), last(sim, f"writable_{i}")) == (0, 0), i
    assert (data / "fmu-gateway.db").stat().st_mode & 0o077 == 0 if gw.settings.is_sqlite else True
    assert data.stat().st_mode & 0o077 == 0


def test_secrets_in_the_service_environment_are_invisible(gw: Gateway, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "FMU_GATEWAY_JWT_KEYS", "STRIPE_API_KEY", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "secret-value-that-must-not-leak")
    auth = gw.account()
    sim = gw.simulate(auth, gw.fmu(auth, "Snoop"))
    assert last(sim, "secret_count") == 0 and last(sim, "env_count") <= 12
    for flag in ("has_database_url", "has_fmu_gateway", "has_stripe", "has_jwt", "has_aws"):
        assert last(sim, flag) == 0, flag
    assert "secret-value" not in str(sim)


def test_nothing_crosses_from_one_tenant_to_the_next_on_a_reused_uid(gw: Gateway) -> None:
    """TmpThief leaves marker files (/tmp, /dev/shm, /var/tmp, $TMPDIR, its working directory and above),
    a POSIX and a System V shared-memory segment; the next runs, of another account, find none of them,
    including runs that got the same uid."""
    thief, victim = gw.account(), gw.account()
    uids: list[int] = []
    for i in range(6):
        auth = victim if i % 2 == 0 else thief
        sim = gw.simulate(auth, gw.fmu(auth, "TmpThief"), start_values={"marker": f"m{i}", "mode": 0})
        assert last(sim, "found_count") == 0 and last(sim, "sysv_found") == 0, sim["result"]["data"]
        uids.append(sim["provenance"]["isolation"]["uid"])
    if gw.settings.runner == "local" and os.geteuid() == 0:
        assert len(set(uids)) < len(uids), f"no uid was reused in {uids}: the test proved nothing"
    assert not [p for p in Path("/var/tmp").iterdir() if p.name.startswith("fmugw-marker-")]


@alone
def test_a_daemon_forked_at_load_dies_with_its_run(gw: Gateway) -> None:
    auth = gw.account()
    fmu_id = gw.fmu(auth, "Daemon")
    sim = gw.healthy_during(lambda: gw.simulate(auth, fmu_id, start_values={"fork_in_step": 2}))
    assert last(sim, "constructor_ran") == 1 and last(sim, "daemon_pid") > 0
    deadline = time.monotonic() + 10  # a container is removed off the critical path
    while _processes_named("fmugw-daemon") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_named("fmugw-daemon") == []


def _processes_named(name: str) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"{entry.path}/comm") as fh:
                    if fh.read().strip() == name:
                        with open(f"{entry.path}/stat", "rb") as st:
                            if st.read().rpartition(b")")[2].split()[0] != b"Z":
                                found.append(int(entry.name))
            except OSError:
                continue
    return found


# -- free compute ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("code", [4, 70, 0, 3])
def test_an_exit_code_never_makes_a_run_free(gw: Gateway, code: int) -> None:
    auth = gw.account()
    fmu_id = gw.fmu(auth, "ExitCode")
    before = gw.balance(auth)
    sim = gw.simulate(auth, fmu_id, start_values={"burn_s": 0.3, "code": code})
    assert sim["status"] == "failed"
    assert sim["error"]["type"] == ("model-error" if code == 0 else "model-crashed"), sim["error"]
    assert gw.balance(auth) == before - 1


# -- the output directory -------------------------------------------------------------------------------------
@alone
@pytest.mark.parametrize(("trick", "outcome"), [
    (1, "succeeded"),   # out/progress replaced by a FIFO (refused: no FIFOs in a run directory)
    (2, "model-error"),  # result files as FIFOs, then exit(0)
    (3, "model-error"),  # result files as links to /etc/shadow and /etc/passwd, then exit(0)
    (4, "model-error"),  # a 64 MiB result of zeros
    (5, "model-crashed"),  # error.json a link to /etc/shadow, exit(3)
    (6, "model-error"),  # out/ replaced by a link to /
    (7, "succeeded"),   # 10,000 small files
])
def test_tricks_in_the_output_directory_fail_only_their_own_run(gw: Gateway, trick: int, outcome: str) -> None:
    auth = gw.account()
    fmu_id = gw.fmu(auth, "OutTricks")
    before = gw.balance(auth)
    t0 = time.monotonic()
    sim = gw.healthy_during(lambda: gw.simulate(auth, fmu_id, start_values={"trick": trick}, timeout_s=20))
    assert time.monotonic() - t0 < 15
    if outcome == "succeeded":
        assert sim["status"] == "succeeded", sim["error"]
    else:
        assert (sim["status"], sim["error"]["type"]) == ("failed", outcome), sim["error"]
        assert "root:" not in sim["error"]["detail"]
    assert gw.balance(auth) == before - 1
    # The gateway still runs, shows progress and cancels for everyone.
    other = gw.account()
    again = gw.simulate(other, "lib:BouncingBall", stop_time=0.5)
    assert again["status"] == "succeeded"


@alone
def test_a_long_run_shows_progress_and_stops_on_cancel_after_every_trick(gw: Gateway) -> None:
    auth = gw.account()
    fmu_id = gw.fmu(auth, "OutTricks")
    gw.simulate(auth, fmu_id, start_values={"trick": 1})
    hang = gw.fmu(auth, "Hang")
    response = gw.client.post("/v1/simulations", headers=auth, json={
        "fmu_id": hang, "interface": "CoSimulation", "stop_time": 100.0, "timeout_s": 60, "wait_s": 0,
        "cache": False})
    assert response.status_code == 202, response.text
    sim_id = response.json()["id"]
    deadline = time.monotonic() + 20
    while (state := gw.client.get(f"/v1/simulations/{sim_id}", headers=auth).json())["status"] != "running":
        assert time.monotonic() < deadline
        assert state["status"] == "queued", state["error"]
        time.sleep(0.05)
    cancelled = gw.client.delete(f"/v1/simulations/{sim_id}", headers=auth)
    assert cancelled.status_code == 202
    deadline = time.monotonic() + 10
    while (state := gw.client.get(f"/v1/simulations/{sim_id}", headers=auth).json())["status"] == "running":
        assert time.monotonic() < deadline, "the cancel did not stop the run"
        time.sleep(0.05)
    assert state["status"] == "cancelled", state["error"]


# -- processes ------------------------------------------------------------------------------------------------
@alone
def test_killing_every_process_it_can_ends_only_its_own_run(gw: Gateway) -> None:
    auth = gw.account()
    fmu_id = gw.fmu(auth, "KillAll")
    before = gw.balance(auth)
    outcome: dict[str, Any] = {}

    def run(key: str, body: dict[str, Any]) -> None:
        outcome[key] = gw.simulate(auth, **body)

    threads = [threading.Thread(target=run, args=("kill", {"fmu_id": fmu_id, "start_values": {"mode": 2}})),
               threading.Thread(target=run, args=("kill1", {"fmu_id": fmu_id, "start_values": {"mode": 1}})),
               threading.Thread(target=run, args=("healthy", {"fmu_id": "lib:VanDerPol", "stop_time": 5.0,
                                                              "interface": "ModelExchange"}))]
    t0 = time.monotonic()
    gw.healthy_during(lambda: [t.start() for t in threads] and [t.join() for t in threads])
    assert time.monotonic() - t0 < 15
    assert outcome["healthy"]["status"] == "succeeded"
    assert outcome["kill1"]["status"] == "succeeded"  # kill(-1) reached nothing outside its own run
    if _is_pid_namespace_init(gw):
        # The run is the init of its pid namespace: a signal it sends itself (raise(SIGKILL)) is ignored,
        # as for a container's init; it goes on and ends normally. (Faults still kill it: the Crash model.)
        assert outcome["kill"]["status"] == "succeeded", outcome["kill"]["error"]
    else:
        assert (outcome["kill"]["status"], outcome["kill"]["error"]["type"]) == ("failed", "model-killed")
    assert gw.balance(auth) == before - 3


def _is_pid_namespace_init(gw: Gateway) -> bool:
    return gw.settings.runner == "local" and gw.app.state.ctx.sandbox.layers.get("tree_kill") == "pid-namespace"


@pytest.mark.parametrize(("name", "extra", "slug"), [
    ("Crash", {}, "model-crashed"),
    ("Hang", {"timeout_s": 2.0}, "simulation-timeout"),
    ("MemoryHog", {}, "model-out-of-memory"),
])
def test_a_hostile_model_fails_alone_and_is_charged(gw: Gateway, name: str, extra: dict[str, Any],
                                                    slug: str) -> None:
    auth = gw.account()
    fmu_id = gw.fmu(auth, name)
    before = gw.balance(auth)
    outcome: dict[str, Any] = {}
    threads = [threading.Thread(target=lambda: outcome.setdefault("hostile", gw.simulate(auth, fmu_id, **extra))),
               threading.Thread(target=lambda: outcome.setdefault("healthy", gw.simulate(
                   auth, "lib:VanDerPol", stop_time=5.0, interface="ModelExchange")))]
    gw.healthy_during(lambda: [t.start() for t in threads] and [t.join() for t in threads])
    assert outcome["healthy"]["status"] == "succeeded"
    assert (outcome["hostile"]["status"], outcome["hostile"]["error"]["type"]) == ("failed", slug)
    assert gw.balance(auth) == before - 2


@pytest.mark.parametrize(("name", "slug", "timeout_s"), [("Crash", "model-crashed", 20.0),
                                                     ("Hang", "simulation-timeout", 2.0)])
def test_a_case_that_breaks_its_batch_fails_alone_and_its_batch_mates_run(gw: Gateway, name: str, slug: str,
                                                                          timeout_s: float) -> None:
    """A sweep's cases run several to a sandbox, one after the other. A case that crashes the sandbox or
    hangs fails as it would alone, charged: a crash after other cases ran in its process is run again on
    its own first (what counts is the case alone); a hang has its own timeout. The cases its batch never
    reached run later; every other case succeeds with its single run's result, in the layers of any run."""
    auth = gw.account(credits=40)
    fmu_id = gw.fmu(auth, name)
    before = gw.balance(auth)
    bad = {2, 6}
    triggers = [0.5 if case in bad else 50.0 for case in range(10)]
    body = {"base": {"fmu_id": fmu_id, "interface": "CoSimulation", "stop_time": 1.0, "timeout_s": timeout_s,
                     "cache": False, "kpis": [{"variable": "x", "kind": "final"}]},
            "cases": [{"trigger_time": t} for t in triggers]}

    def sweep() -> list[dict[str, Any]]:
        created = gw.client.post("/v1/sweeps", headers=auth, json=body)
        assert created.status_code == 201, created.text
        rows = gw.client.get(f"/v1/sweeps/{created.json()['id']}/results", headers=auth).json()["rows"]
        for row in rows:
            assert wait_for_end(gw.app.state.ctx, row["simulation_id"], timeout_s=120) is not None
        return [gw.client.get(f"/v1/simulations/{row['simulation_id']}", headers=auth).json() for row in rows]

    sims = gw.healthy_during(sweep)
    for case, sim in enumerate(sims):
        if case in bad:
            assert (sim["status"], sim["error"]["type"]) == ("failed", slug), sim["error"]
        else:
            assert sim["status"] == "succeeded" and sim["kpis"] == {"final(x)": pytest.approx(1.0)}, sim["error"]
            layers = sim["provenance"]["isolation"]
            assert layers["landlock"] is True and layers["seccomp"] is True and layers["no_new_privs"] is True
    assert any((sim["provenance"].get("batch") or {}).get("cases", 1) > 1 for sim in sims)
    assert gw.balance(auth) == before - len(triggers)  # every case charged once, the broken ones too


@pytest.mark.parametrize(("name", "extra"), [
    ("ForkBomb", {"start_values": {"child_seconds": 30}}),
    ("DiskFill", {}),
    ("Chatty", {"start_values": {"bytes_per_step": 2 * 1024 * 1024}}),
    ("NetworkProbe", {"start_values": {"timeout_ms": 300}}),
    ("Litter", {}),
])
def test_contained_and_the_next_run_is_clean(gw: Gateway, name: str, extra: dict[str, Any]) -> None:
    auth = gw.account()
    fmu_id = gw.fmu(auth, name)
    first = gw.healthy_during(lambda: gw.simulate(auth, fmu_id, **extra))
    if name == "ForkBomb":
        assert last(first, "children") < gw.settings.runner_max_processes
    if name == "DiskFill":
        assert last(first, "written_mb") <= 64  # its private /tmp (runner_tmpfs_mb): nothing else is writable
    if name == "NetworkProbe":
        assert last(first, "attempts") >= 1 and last(first, "connected") == 0
    if name == "Litter":
        assert last(first, "files_written") >= 1
        assert last(gw.simulate(auth, fmu_id), "found_previous") == 0
    nxt = gw.simulate(auth, "lib:BouncingBall")
    assert nxt["status"] == "succeeded"


def test_non_finite_outputs_come_back(gw: Gateway) -> None:
    auth = gw.account()
    sim = gw.simulate(auth, gw.fmu(auth, "NonFinite"))
    assert sim["status"] == "succeeded", (sim["error"], sim["provenance"])
    # spelled out, as the contract says (JSON has no literal for them)
    assert [last(sim, n) for n in ("nan_out", "pinf_out", "ninf_out")] == ["NaN", "Infinity", "-Infinity"]
    assert last(sim, "x") == pytest.approx(1.0)


# -- what a tenant sends: archives and sources ---------------------------------------------------------------
def _source_fmu(include: str) -> bytes:
    """lib BouncingBall (FMI 2) without its binary, its model.c replaced by one #include."""
    buf = io.BytesIO()
    with zipfile.ZipFile(library_fmu("BouncingBall", 2)) as zin, zipfile.ZipFile(buf, "w") as zout:
        for info in zin.infolist():
            if info.filename.startswith("binaries/"):
                continue
            data = zin.read(info)
            zout.writestr(info, f'#include "{include}"\n'.encode() if info.filename == "sources/model.c" else data)
    return buf.getvalue()


@pytest.mark.parametrize("target", ["/etc/shadow", "secrets/jwt-keys.json", "/proc/self/environ",
                                    "fmu-gateway.db"])
def test_a_source_fmu_cannot_read_host_files_through_the_compiler(gw: Gateway, target: str) -> None:
    auth = gw.account()
    path = target if target.startswith("/") else str(gw.settings.data_dir / target)
    response = gw.upload(auth, data=_source_fmu(path), name="include.fmu")
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"].endswith("/fmu-build-failed")
    assert "sources/model.c" in problem["detail"]
    secrets_text = "\n".join(p.read_text(errors="replace") for p in
                             [gw.settings.data_dir / "secrets" / "jwt-keys.json"] if p.exists())
    for fragment in ("root:", "PRIVATE KEY", "PATH=", "SQLite format", secrets_text[40:80] or "never"):
        assert fragment not in problem["detail"], fragment
    assert gw.client.get("/v1/fmus", headers=auth).json()["items"] == []


def test_many_small_entries_are_refused_before_anything_is_unpacked(gw: Gateway) -> None:
    auth = gw.account()
    buf = io.BytesIO()
    with zipfile.ZipFile(library_fmu("BouncingBall", 2)) as zin, \
            zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        for i in range(1000):
            zout.writestr(f"resources/blob{i:04d}.bin", b"\0" * (1 << 20))
    assert len(buf.getvalue()) < 4 << 20
    runs = gw.app.state.ctx.sandbox.scratch.runs
    response = gw.upload(auth, data=buf.getvalue())
    assert response.status_code == 413, response.text
    assert response.json()["type"].endswith("/fmu-zip-bomb")
    assert [p for p in runs.iterdir() if p.name.startswith("ingest-")] == []
