"""This host's sandboxes: the local fork-server (every ingest, and every run of the `local` backend) and
the read-only cache of unpacked FMUs.

The local backend (the embedded default) runs each simulation in a process forked from the template
(fmu_sandbox.template): its own namespaces, private /tmp and /dev/shm, its own uid when we run as root,
Landlock, seccomp and rlimits, and a tree that dies with the run. See the README's sandboxing section for
what holds where.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from pathlib import Path
from typing import IO, Any

from fmu_gateway_api.runners.base import JobSpec
from fmu_gateway_api.runners.fmu_cache import FmuCache
from fmu_gateway_api.runners.forkserver import LocalTemplate, TemplateConnection, TemplateGone, wait_until
from fmu_gateway_api.runners.scaffold import SandboxPaths, SandboxRunner, Scratch, run_limits
from fmu_gateway_api.settings import Settings

log = logging.getLogger(__name__)

UID_BLOCK = 256
UID_BLOCKS = 64


class SandboxRefused(RuntimeError):
    """Strict mode, and this machine cannot apply the layers it requires."""


def claim_uid_block(base: int) -> tuple[int, IO[bytes]]:
    """Lock the first free block of sandbox uids on this host (the lock dies with the process): no two
    services on one host ever hand a run the same uid."""
    directory = Path("/run/fmu-gateway") if os.access("/run", os.W_OK) else Path("/var/tmp/fmu-gateway-locks")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    for block in range(UID_BLOCKS):
        fh = (directory / f"uids-{base}-{block}.lock").open("ab")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            continue
        return base + block * UID_BLOCK, fh
    raise RuntimeError(f"all {UID_BLOCKS} sandbox uid blocks on this host are taken")


class SandboxHost:
    """Owns the local template, the scratch directories and the FMU cache of one service process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.scratch = Scratch(settings)
        self._uid_lock: IO[bytes] | None = None
        self.uid_base: int | None = None
        if os.geteuid() == 0:
            self.uid_base, self._uid_lock = claim_uid_block(settings.runner_uid_base)
        self.require = settings.sandbox_require_resolved
        config = {
            "mode": settings.sandbox_namespaces, "uid_base": self.uid_base,
            "uid_count": UID_BLOCK if self.uid_base is not None else 0,
            "pool": max(1, settings.runner_warm_pool), "tmp_mb": settings.runner_tmpfs_mb,
            "protected": [str(settings.data_dir)], "require": self.require,
            "visible": [str(self.scratch.root)],
        }
        self.template = LocalTemplate(config)
        self.fmus = FmuCache(settings, self.scratch, self.template)
        self.layers: dict[str, Any] = {}

    def start(self) -> dict[str, Any]:
        """Start the template and prove the layers with a probe run; strict mode refuses a machine that
        cannot apply Landlock and seccomp. Returns the layers the probe got."""
        try:
            conn = self.template.connection()
        except TemplateGone as exc:
            raise SandboxRefused(f"the sandbox template did not start ({self.require} mode): {exc}") from None
        errors = [str(e) for e in conn.info.get("errors") or []]
        if errors and self.require == "strict":
            raise SandboxRefused(f"strict sandboxing: {'; '.join(errors)}")
        self.layers = self._probe(conn)
        missing = [name for name in ("landlock", "seccomp", "no_new_privs") if not self.layers.get(name)]
        if missing and self.require == "strict":
            raise SandboxRefused(f"strict sandboxing: this machine cannot apply {', '.join(missing)}")
        if missing:
            log.warning("sandboxes run without %s (FMU_GATEWAY_SANDBOX_REQUIRE=best-effort)", ", ".join(missing))
        log.info("sandbox layers: %s", self.layers)
        return self.layers

    def _probe(self, conn: TemplateConnection) -> dict[str, Any]:
        run_dir = self.scratch.new_run("probe")
        job_id = f"probe-{time.monotonic_ns()}"
        try:
            run = conn.submit(job_id, "probe", str(run_dir), None, run_limits(self.settings, 10), {})
            if not wait_until(run, time.monotonic() + 60) or not run.started:
                raise SandboxRefused(f"the sandbox probe did not run: {run.fate()}")
            run.reaped.wait(10)
            return dict(run.layers or {})
        finally:
            conn.forget(job_id)
            import shutil

            shutil.rmtree(run_dir, ignore_errors=True)

    def rehearse_on(self, archive: Path, sha256: str) -> None:
        """Let idle slots warm up on this FMU (our own library model: never a tenant's) before their job."""
        fmu_dir = self.fmus.ensure(sha256, archive)
        self.template.config["rehearsal_fmu"] = str(fmu_dir)  # kept across template restarts
        self.template.connection().control({"op": "rehearsal", "fmu_dir": str(fmu_dir)})

    def ready(self) -> bool:
        return self.template.running()

    def close(self) -> None:
        self.template.close()
        if self._uid_lock is not None:
            self._uid_lock.close()


class LocalRunner(SandboxRunner):
    name = "local"

    def __init__(self, settings: Settings, host: SandboxHost) -> None:
        super().__init__(settings, host.scratch)
        self.host = host

    def _acquire(self, job: JobSpec) -> tuple[TemplateConnection, Path, SandboxPaths, Any]:
        conn = self.host.template.connection()
        run_dir = self.scratch.new_run(job.job_id)
        return conn, run_dir, SandboxPaths(str(run_dir), str(job.fmu_dir)), None

    def ready(self) -> bool:
        return not self._closed and self.host.ready()

    def close(self) -> None:
        self._closed = True  # the host (and its template) is closed by its owner
