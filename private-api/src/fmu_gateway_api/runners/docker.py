"""Docker backend: one fresh container of the runner image per run (deploy/runner.Dockerfile).

Each container runs the same sandbox template as the local backend (`python -m fmu_sandbox serve`), in
one-shot mode: it takes exactly one job, forks the job process under the same layers (Landlock, seccomp,
rlimits, no_new_privs; the container itself gives the namespaces), and exits. We talk to it over the
container's attach stream (stdin and stdout), so a job starts the moment it is written, and its outcome is
known the moment the job process ends; removing the container happens afterwards, off the critical path.

How the container is started adds the rest: no network, a read-only root, the run's directory mounted at
/job (its only writable host directory), the FMU cache read-only at /fmus (Landlock narrows it to the run's
own FMU), a size-capped tmpfs /tmp, an unprivileged user (10001), all capabilities dropped,
no-new-privileges, a pids, memory (no swap) and CPU limit, an init process, capped logs.

A warm pool keeps started containers whose template has already imported FMPy; each takes one job and
is replaced in the background.

Orphans: every container carries the labels fmu-gateway.role=runner and fmu-gateway.instance/host/pid of
the gateway process that started it. A new DockerRunner removes the runner containers whose gateway
process is gone: on this host, those whose pid no longer lives (or that name no instance); from other
hosts sharing the engine, only those that have stopped.

The scratch directory must be a path of the machine the engine runs on (bind mounts): run the gateway
on the Docker host, or mount the scratch directory at the same path into the gateway's container.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import shutil
import socket
import struct
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fmu_gateway_api.runners.base import JobSpec, RunFailure, RunOutcome
from fmu_gateway_api.runners.forkserver import SandboxRun, TemplateConnection
from fmu_gateway_api.runners.local import SandboxHost
from fmu_gateway_api.runners.scaffold import SandboxPaths, SandboxRunner, pid_alive
from fmu_gateway_api.settings import Settings

log = logging.getLogger(__name__)

RUNNER_UID = 10001
PYTHON_IN_IMAGE = "/opt/venv/bin/python"
JOB_DIR = "/job"
FMUS_DIR = "/fmus"
ROLE_LABEL = "fmu-gateway.role"
_STDERR_CAP = 16_000


@dataclass
class _Box:
    """A started container, its template connection, and the host directory mounted at /job."""

    container: Any
    conn: TemplateConnection
    workdir: Path
    started: float
    sock: Any
    warm: bool = False


class DockerRunner(SandboxRunner):
    name = "docker"

    def __init__(self, settings: Settings, host: SandboxHost) -> None:
        import docker

        super().__init__(settings, host.scratch)
        self.host = host
        self._docker = docker
        pool = settings.runner_concurrency + settings.runner_warm_pool + 4
        self.client = docker.from_env(timeout=60, max_pool_size=pool)
        self.hostname = socket.gethostname()
        self.instance = f"{self.hostname}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._as_root = os.geteuid() == 0
        self._warm: queue.Queue[_Box] = queue.Queue()
        self._image_id: str | None = None
        self._refills: set[threading.Thread] = set()
        try:
            self.remove_orphans()
        except Exception:  # the engine may be down now and up later: ready() tells
            log.exception("could not look for orphaned runner containers")
        for _ in range(settings.runner_warm_pool):
            self._refill_later()

    # -- containers ----------------------------------------------------------------------------------
    def _labels(self, job: str) -> dict[str, str]:
        return {ROLE_LABEL: "runner", "fmu-gateway.job": job, "fmu-gateway.instance": self.instance,
                "fmu-gateway.host": self.hostname, "fmu-gateway.pid": str(os.getpid())}

    def _new_workdir(self, tag: str) -> Path:
        workdir = self.scratch.new_run(tag)
        for d in (workdir, workdir / "out"):
            self._hand_over(d)
        return workdir

    def _hand_over(self, directory: Path) -> None:
        if self._as_root:
            os.chown(directory, RUNNER_UID, RUNNER_UID)
        else:  # the container's user must write there; the 0o711 parents keep others from finding it
            directory.chmod(0o777)

    def _start(self, tag: str) -> _Box:
        from docker.types import LogConfig, Mount

        s = self.settings
        workdir = self._new_workdir(tag)
        config = {"mode": "none", "pool": 1, "one_shot": True, "tmp_mb": s.runner_tmpfs_mb,
                  "tmp_is_private": True, "require": s.sandbox_require_resolved}
        rehearsal = self.host.template.config.get("rehearsal_fmu")
        if rehearsal:  # our own library model, as the container sees it: its slot warms up before its job
            config["rehearsal_fmu"] = f"{FMUS_DIR}/{Path(rehearsal).name}"
        command = [PYTHON_IN_IMAGE, "-I", "-B", "-m", "fmu_sandbox", "serve", "--config", json.dumps(config)]
        try:
            container = self.client.containers.create(
                s.runner_image, command, user=f"{RUNNER_UID}:{RUNNER_UID}", working_dir=JOB_DIR,
                network_mode="none", read_only=True, cap_drop=["ALL"], security_opt=["no-new-privileges"],
                pids_limit=s.runner_max_processes, mem_limit=f"{s.runner_memory_mb}m",
                memswap_limit=f"{s.runner_memory_mb}m", nano_cpus=int(s.runner_cpus * 1e9), init=True,
                tmpfs={"/tmp": f"rw,exec,nosuid,nodev,size={s.runner_tmpfs_mb}m,mode=1777"},
                shm_size=f"{min(s.runner_tmpfs_mb, 64)}m", ipc_mode="private", hostname="sandbox",
                stdin_open=True, environment={"LANG": "C.UTF-8"},
                mounts=[Mount(JOB_DIR, str(workdir), type="bind", read_only=False),
                        Mount(FMUS_DIR, str(self.host.fmus.path("0" * 64).parent), type="bind", read_only=True)],
                labels=self._labels(tag),
                log_config=LogConfig(type="json-file", config={"max-size": "1m", "max-file": "1"}),
            )
        except Exception:
            shutil.rmtree(workdir, ignore_errors=True)
            raise
        try:
            sock = container.attach_socket(params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1})
            raw = getattr(sock, "_sock", sock)
            conn = TemplateConnection(f"docker {container.short_id}", raw.sendall)
            threading.Thread(target=_read_frames, args=(raw, conn), daemon=True,
                             name=f"docker-attach-{container.short_id}").start()
            container.start()
        except Exception:
            if "sock" in locals():
                _close(sock)
            self._remove(container)
            shutil.rmtree(workdir, ignore_errors=True)
            raise
        return _Box(container, conn, workdir, time.monotonic(), sock)

    def _refill_later(self) -> None:
        """Start a replacement warm container in the background (close() waits for it)."""
        t = threading.Thread(target=self._refill, name="docker-warm", daemon=True)
        with self._lock:
            if self._closed:
                return
            self._refills.add(t)
        t.start()

    def _refill(self) -> None:
        try:
            if self._closed or self.settings.runner_warm_pool <= 0:
                return
            try:
                box = self._start("warm")
                box.warm = True
            except Exception as exc:
                log.warning("could not start a warm runner container: %s", exc)
                return
            with self._lock:
                closed = self._closed
                if not closed:
                    self._warm.put(box)
            if closed:
                self._discard(box)
        finally:
            with self._lock:
                self._refills.discard(threading.current_thread())

    def _take_warm(self) -> _Box | None:
        while True:
            try:
                box = self._warm.get_nowait()
            except queue.Empty:
                return None
            if not box.conn.dead.is_set():
                return box
            self._discard(box)

    def _remove(self, container: Any) -> None:
        try:
            container.remove(force=True)
        except self._docker.errors.NotFound:
            pass
        except Exception:
            log.exception("could not remove runner container %s", getattr(container, "short_id", "?"))

    def _discard(self, box: _Box) -> None:
        _close(box.sock)
        self._remove(box.container)
        shutil.rmtree(box.workdir, ignore_errors=True)

    # -- SandboxRunner ---------------------------------------------------------------------------------
    def _acquire(self, job: JobSpec) -> tuple[TemplateConnection, Path, SandboxPaths, Any]:
        box = self._take_warm()
        if box is None:
            box = self._start(job.job_id)
        if not box.conn.ready.wait(120) or box.conn.dead.is_set():
            self._discard(box)
            raise OSError("the runner container's sandbox did not start")
        paths = SandboxPaths(JOB_DIR, f"{FMUS_DIR}/{job.fmu_dir.name}")
        return box.conn, box.workdir, paths, box

    def _release(self, handle: Any, run: SandboxRun | None) -> None:
        if handle is None:
            return
        box: _Box = handle
        if run is not None and run.ended.is_set() and run.exit_signal == 9:
            self._oom_check(box, run)
        # Removing this container and starting its replacement (a new Python in a new container) are the
        # slow parts: after the run, off its critical path, where they take no core from it.
        def after() -> None:
            if run is not None:
                run.reaped.wait(10)
            self._remove(box.container)
            _close(box.sock)

        threading.Thread(target=after, name="docker-remove", daemon=True).start()
        if box.warm:
            self._refill_later()

    def _oom_check(self, box: _Box, run: SandboxRun) -> None:
        try:
            box.container.reload()
            if box.container.attrs.get("State", {}).get("OOMKilled"):
                run.layers = {**(run.layers or {}), "oom_killed": True}
        except Exception:  # the container is gone already: no verdict either way
            pass

    def _template_death(self, run: SandboxRun) -> RunFailure:
        # In a container the template shares the run's cgroup: a model that exhausts the container's
        # memory or its processes can take the template with it. After the gate that is the model's doing.
        if run.started:
            return RunFailure("model-crashed", "the run's container stopped under the model (its memory or "
                              "process limit, or the model killed it)")
        return RunFailure("sandbox-failed", "the runner container stopped before the model ran", platform=True)

    def _provenance(self, handle: Any) -> dict[str, Any]:
        box: _Box | None = handle
        image = box.container.attrs.get("Image") if box is not None else None
        return {"image": image or self._image_id, "image_name": self.settings.runner_image,
                "container": "docker"}

    def _adjust(self, outcome: RunOutcome) -> RunOutcome:
        isolation = outcome.provenance.get("isolation")
        if isinstance(isolation, dict):
            if isolation.pop("oom_killed", False) and outcome.failure is not None:
                from fmu_gateway_api.runners import outcome as oc

                oom = oc.out_of_memory(self.settings.runner_memory_mb, outcome.log)
                oom.provenance = outcome.provenance
                return oom
            # What the container adds to the layers the job process applied itself.
            isolation.update({"container": "docker", "network": True, "read_only_root": True,
                              "private_tmp": True})
        return outcome

    def ready(self) -> bool:
        if self._closed:
            return False
        try:
            self.client.ping()
            self._image_id = self.client.images.get(self.settings.runner_image).id
        except Exception as exc:
            log.warning("the Docker runner is not ready: %s", str(exc)[:300])
            return False
        return True

    def close(self) -> None:
        with self._lock:
            self._closed = True
            starting = list(self._refills)
        for t in starting:  # a warm container being started now removes itself once it sees _closed
            t.join(timeout=60)
        while True:
            try:
                box = self._warm.get_nowait()
            except queue.Empty:
                break
            self._discard(box)
        try:
            mine = {"label": f"fmu-gateway.instance={self.instance}"}
            for c in self.client.containers.list(all=True, filters=mine):
                self._remove(c)
        except Exception:
            log.exception("could not list this gateway's runner containers")
        self.client.close()

    # -- orphans -------------------------------------------------------------------------------------
    def remove_orphans(self) -> int:
        """Remove the runner containers no live gateway process owns; returns how many."""
        removed = 0
        for c in self.client.containers.list(all=True, filters={"label": f"{ROLE_LABEL}=runner"}):
            labels = c.labels or {}
            if not self._is_orphan(labels, c.status):
                continue
            log.warning("removing orphaned runner container %s (job %s)", c.short_id,
                        labels.get("fmu-gateway.job", "?"))
            for m in c.attrs.get("Mounts", []):
                src = Path(m.get("Source", ""))
                if m.get("Destination") == JOB_DIR and src.parent == self.scratch.runs:
                    shutil.rmtree(src, ignore_errors=True)
            self._remove(c)
            removed += 1
        return removed

    def _is_orphan(self, labels: dict[str, str], status: str) -> bool:
        if labels.get("fmu-gateway.instance") == self.instance:
            return False
        host, pid = labels.get("fmu-gateway.host"), labels.get("fmu-gateway.pid", "")
        if host is None or not pid.isdigit():
            return True  # no owner named: nothing will ever remove it
        if host != self.hostname:
            return status in ("exited", "dead")
        return not pid_alive(int(pid))


def _read_frames(sock: Any, conn: TemplateConnection) -> None:
    """The attach stream, demultiplexed: stdout is the template's protocol, stderr its log."""
    buf = bytearray()
    stderr_seen = 0
    try:
        while True:
            while len(buf) < 8:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                buf += chunk
            stream, size = buf[0], struct.unpack(">I", bytes(buf[4:8]))[0]
            while len(buf) < 8 + size:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                buf += chunk
            payload = bytes(buf[8:8 + size])
            del buf[:8 + size]
            if stream == 1:
                conn.feed(payload)
            elif stream == 2 and stderr_seen < _STDERR_CAP:
                stderr_seen += len(payload)
                log.warning("%s: %s", conn.name, payload.decode("utf-8", "replace").rstrip()[:2000])
    except OSError:
        return
    finally:
        conn.closed()


def _close(sock: Any) -> None:
    """The attach stream: docker-py's SocketIO wrapper and the socket under it (closing the wrapper alone
    leaves the socket open)."""
    for s in (sock, getattr(sock, "_sock", None)):
        if s is None:
            continue
        try:
            s.close()
        except Exception:  # already closed
            pass

