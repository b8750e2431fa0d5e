"""Docker backend: one fresh container of the runner image per run (deploy/runner.Dockerfile).

Isolation per run comes from how the container is started: no network, a read-only root, the job
directory mounted read-only at /job with only /job/out writable, a size-capped tmpfs /tmp (exec: FMPy
dlopens the extracted model there), an unprivileged user (10001), all capabilities dropped,
no-new-privileges, a pids, memory (no swap) and CPU limit, an init process so that signals mean what
they say, capped logs, and a hard wall-clock kill. The host reads what the run left in out/ after the
container has stopped, never through a link and size-capped (runners/outcome.py).

A warm pool keeps started containers that have already paid for Python and the FMPy imports and wait
(`sandbox.py --wait-file`) for their job file; each takes exactly one job, then exits and is removed, and
a replacement is started in the background.

Orphans: every container carries the labels fmu-gateway.role=runner and fmu-gateway.instance/host/pid of
the gateway process that started it. A new DockerRunner removes the runner containers whose gateway
process is gone: on this host, those whose pid no longer lives (or that name no instance); from other
hosts sharing the engine, only those that have stopped. On a single-host deployment that is every
runner container not owned by a live gateway process.

The scratch directory must be a path of the machine the engine runs on (bind mounts): run the gateway
on the Docker host, or mount the scratch directory at the same path into the gateway's container.
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fmu_gateway_api.runners import outcome as oc
from fmu_gateway_api.runners.base import JobSpec, RunOutcome
from fmu_gateway_api.runners.local import scratch_root
from fmu_gateway_api.settings import Settings

log = logging.getLogger(__name__)

RUNNER_UID = 10001
SANDBOX_IN_IMAGE = "/opt/fmu-gateway/sandbox.py"
PYTHON_IN_IMAGE = "/opt/venv/bin/python"
JOB_DIR = "/job"
ROLE_LABEL = "fmu-gateway.role"
_LOG_CAP = 8000
_POLL_S = 0.1
_OUTPUT_CHECK_S = 0.5


@dataclass
class _Box:
    """A container and the host directory mounted into it."""

    container: Any
    workdir: Path
    warm: bool
    started: float = field(default_factory=time.monotonic)


class DockerRunner:
    name = "docker"

    def __init__(self, settings: Settings) -> None:
        import docker

        self.settings = settings
        self._docker = docker
        pool = settings.runner_concurrency + settings.runner_warm_pool + 4
        self.client = docker.from_env(timeout=60, max_pool_size=pool)
        self.host = socket.gethostname()
        self.instance = f"{self.host}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._as_root = os.geteuid() == 0
        self.scratch = scratch_root(settings, as_root=False) / "docker"
        self.scratch.mkdir(mode=0o711, exist_ok=True)
        self._warm: queue.Queue[_Box] = queue.Queue()
        self._running: dict[str, _Box] = {}
        self._cancelled: set[str] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._image_id: str | None = None
        try:
            self.remove_orphans()
        except Exception:  # the engine may be down now and up later: ready() tells
            log.exception("could not look for orphaned runner containers")
        self._refills: set[threading.Thread] = set()
        for _ in range(settings.runner_warm_pool):
            self._refill_later()

    # -- containers ----------------------------------------------------------------------------------
    def _labels(self, job_id: str) -> dict[str, str]:
        return {ROLE_LABEL: "runner", "fmu-gateway.job": job_id, "fmu-gateway.instance": self.instance,
                "fmu-gateway.host": self.host, "fmu-gateway.pid": str(os.getpid())}

    def _new_workdir(self, tag: str) -> Path:
        workdir = self.scratch / f"{tag}-{uuid.uuid4().hex[:8]}"
        workdir.mkdir(mode=0o711)
        out = workdir / "out"
        out.mkdir(mode=0o700)
        if self._as_root:
            os.chown(out, RUNNER_UID, RUNNER_UID)
        else:  # the container's user must write there; the 0o711 parents keep others from finding it
            out.chmod(0o777)
        return workdir

    def _start(self, workdir: Path, job_id: str, warm: bool) -> Any:
        from docker.types import LogConfig, Mount

        s = self.settings
        job_file = f"{JOB_DIR}/job.json"
        command = [PYTHON_IN_IMAGE, "-I", "-B", SANDBOX_IN_IMAGE]
        command += ["--wait-file", job_file] if warm else [job_file]
        container = self.client.containers.create(
            s.runner_image, command, user=f"{RUNNER_UID}:{RUNNER_UID}", working_dir=JOB_DIR,
            network_mode="none", read_only=True, cap_drop=["ALL"], security_opt=["no-new-privileges"],
            pids_limit=s.runner_max_processes, mem_limit=f"{s.runner_memory_mb}m",
            memswap_limit=f"{s.runner_memory_mb}m", nano_cpus=int(s.runner_cpus * 1e9), init=True,
            tmpfs={"/tmp": f"rw,exec,nosuid,nodev,size={s.runner_tmpfs_mb}m,mode=1777"},
            shm_size=f"{min(s.runner_tmpfs_mb, 64)}m", ipc_mode="private", hostname="sandbox",
            mounts=[Mount(JOB_DIR, str(workdir), type="bind", read_only=True),
                    Mount(f"{JOB_DIR}/out", str(workdir / "out"), type="bind", read_only=False)],
            labels=self._labels(job_id),
            log_config=LogConfig(type="json-file", config={"max-size": "1m", "max-file": "1"}),
        )
        try:
            container.start()
        except Exception:
            self._remove(container)
            raise
        return container

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
            self._refill_now()
        finally:
            with self._lock:
                self._refills.discard(threading.current_thread())

    def _refill_now(self) -> None:
        if self._closed or self.settings.runner_warm_pool <= 0:
            return
        workdir = self._new_workdir("warm")
        try:
            box = _Box(self._start(workdir, "warm", warm=True), workdir, warm=True)
        except Exception as exc:
            log.warning("could not start a warm runner container: %s", exc)
            shutil.rmtree(workdir, ignore_errors=True)
            return
        with self._lock:
            closed = self._closed
            if not closed:
                self._warm.put(box)
        if closed:
            self._discard(box)

    def _take_warm(self) -> _Box | None:
        while True:
            try:
                box = self._warm.get_nowait()
            except queue.Empty:
                return None
            try:
                box.container.reload()
                if box.container.status == "running":
                    return box
            except Exception:
                log.warning("a warm runner container went away")
            self._discard(box)

    def _remove(self, container: Any) -> None:
        try:
            container.remove(force=True)
        except self._docker.errors.NotFound:
            pass
        except Exception:
            log.exception("could not remove runner container %s", getattr(container, "short_id", "?"))

    def _discard(self, box: _Box) -> None:
        self._remove(box.container)
        shutil.rmtree(box.workdir, ignore_errors=True)

    def _kill(self, container: Any) -> None:
        try:
            container.kill()
        except self._docker.errors.APIError:  # already stopped (409) or gone (404)
            pass

    # -- Runner --------------------------------------------------------------------------------------
    def run(self, job: JobSpec) -> RunOutcome:
        t0 = time.perf_counter()
        box: _Box | None = None
        workdir: Path | None = None
        try:
            box = self._take_warm()
            warm = box is not None
            if box is not None:
                workdir = box.workdir
                self._prepare(job, workdir)  # the waiting sandbox starts once job.json appears
                self._refill_later()
            else:
                workdir = self._new_workdir(job.job_id)
                self._prepare(job, workdir)
                box = _Box(self._start(workdir, job.job_id, warm=False), workdir, warm=False)
            with self._lock:
                self._running[job.job_id] = box
            result = self._wait(job, box)
            if "isolation" in result.provenance:  # what the sandbox saw, plus what the container gives
                result.provenance["isolation"] = {**result.provenance["isolation"], "container": "docker",
                                                  "network": True, "private_tmp": True,
                                                  "read_only_root": True}
            result.provenance.update({
                "runner": self.name, "image": box.container.attrs.get("Image") or self._image_id,
                "image_name": self.settings.runner_image, "warm_start": warm,
                "total_wall_time_s": round(time.perf_counter() - t0, 6)})
            return result
        except (self._docker.errors.DockerException, OSError) as exc:
            log.exception("the runner container failed")
            return oc.platform_failure(f"the sandbox could not run: {_short(exc)}")
        except Exception as exc:  # the engine's HTTP client (requests) and anything else of ours
            log.exception("the runner container failed")
            return oc.platform_failure(f"the sandbox could not run: {type(exc).__name__}")
        finally:
            with self._lock:
                self._running.pop(job.job_id, None)
                self._cancelled.discard(job.job_id)
            if box is not None:
                self._remove(box.container)
            if workdir is not None:
                shutil.rmtree(workdir, ignore_errors=True)

    def _prepare(self, job: JobSpec, workdir: Path) -> None:
        """model.fmu first, the job file last by an atomic rename: its appearance starts a warm sandbox."""
        fmu = workdir / "model.fmu"
        shutil.copyfile(job.fmu_path, fmu)
        fmu.chmod(0o444)
        s = self.settings
        # The container's memory limit (cgroup, no swap) is the limit; the sandbox's address-space rlimit is
        # only a backstop above it, so a model that eats memory is stopped by the OOM killer, which the
        # engine reports (State.OOMKilled), rather than by a failed malloc the model may misreport.
        limits = {"memory_mb": 2 * s.runner_memory_mb, "cpu_seconds": job.timeout_s, "max_processes":
                  s.runner_max_processes, "max_file_mb": max(1, s.runner_max_output_bytes // (1 << 20)),
                  "tmp_mb": s.runner_tmpfs_mb}
        import json

        tmp = workdir / ".job.json.tmp"
        tmp.write_text(json.dumps(job.to_sandbox("model.fmu", limits)))
        tmp.chmod(0o444)
        os.rename(tmp, workdir / "job.json")

    def _wait(self, job: JobSpec, box: _Box) -> RunOutcome:
        container = box.container
        status: dict[str, Any] = {}
        done = threading.Event()

        def waiter() -> None:
            try:
                status.update(container.wait(timeout=job.timeout_s + 120))
            except Exception as exc:  # the engine went away, or its answer timed out
                status["error"] = exc
            done.set()

        threading.Thread(target=waiter, name=f"docker-wait-{job.job_id}", daemon=True).start()
        deadline = time.monotonic() + job.timeout_s
        out = box.workdir / "out"
        limit = self.settings.runner_max_output_bytes
        timed_out = too_large = False
        next_check = time.monotonic() + _OUTPUT_CHECK_S
        while not done.wait(_POLL_S):
            now = time.monotonic()
            if now >= deadline:
                timed_out = True
            elif now >= next_check:
                next_check = now + _OUTPUT_CHECK_S
                # out/ is the one writable host directory: it may not grow past the output limit.
                too_large = oc.tree_size(out, limit + (16 << 20)) > limit + (16 << 20)
            if timed_out or too_large:
                self._kill(container)
                done.wait(30)
                break
        if "error" in status and not (timed_out or too_large or job.job_id in self._cancelled):
            raise status["error"]
        container.reload()
        state = container.attrs.get("State", {})
        stream_log = _tail(container.logs(stdout=True, stderr=True, tail=400))
        if job.job_id in self._cancelled:
            return oc.cancelled()
        if timed_out:
            return oc.timed_out(job.timeout_s, stream_log)
        if too_large:
            return oc.output_too_large(limit, stream_log)
        code = int(status.get("StatusCode", state.get("ExitCode", -1)))
        if state.get("OOMKilled") and code != 0:
            return oc.out_of_memory(self.settings.runner_memory_mb, stream_log)
        return oc.collect(oc.container_exit_code(code), out, stream_log,
                          memory_mb=self.settings.runner_memory_mb, max_output_bytes=limit)

    def cancel(self, job_id: str) -> bool:
        with self._lock:
            box = self._running.get(job_id)
            if box is None:
                return False
            self._cancelled.add(job_id)
        self._kill(box.container)
        return True

    def ready(self) -> bool:
        if self._closed:
            return False
        try:
            self.client.ping()
            self._image_id = self.client.images.get(self.settings.runner_image).id
        except Exception as exc:
            log.warning("the Docker runner is not ready: %s", _short(exc))
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
        # Anything else of ours (a run that outlived the dispatcher's shutdown, say).
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
                if m.get("Destination") == JOB_DIR and src.parent == self.scratch:
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
        if host != self.host:
            return status in ("exited", "dead")
        return not _alive(int(pid))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _tail(data: bytes | str) -> str:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
    return text[-_LOG_CAP:]


def _short(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__)[:300]
