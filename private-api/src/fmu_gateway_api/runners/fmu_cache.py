"""Uploaded FMUs are opened in one place only: the ingest sandbox. It checks the archive, unpacks it, builds a
binary from shipped sources when there is none, and describes the model; this module runs it and installs
the unpacked FMU, once per sha256, in a read-only cache that every run reads in place.

What the ingest sandbox leaves behind is attacker output: its description is re-validated by the caller,
its unpacked tree is walked without following anything (directories and regular files only, counted and
sized) and made root-owned and read-only before it is renamed into the cache, and a build failure shows
only the compiler's lines about the FMU's own sources.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import stat
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fmu_gateway_api.runners import outcome as oc
from fmu_gateway_api.runners.forkserver import LocalTemplate, TemplateGone, wait_until
from fmu_gateway_api.runners.scaffold import START_TIMEOUT_S, Scratch
from fmu_gateway_api.settings import Settings
from fmu_sandbox.protocol import KEPT_DESCRIPTION_FILE, kept_description_path

log = logging.getLogger(__name__)

KNOWN_SLUGS = {"fmu-not-a-zip", "fmu-too-many-entries", "fmu-unsafe-path", "fmu-symlink", "fmu-zip-bomb",
               "fmu-missing-model-description", "fmu-invalid-model-description", "fmu-unsupported-fmi-version",
               "fmu-no-interface", "fmu-no-linux-binary", "fmu-build-failed", "model-too-large"}
_DIAGNOSTIC = re.compile(
    r"(?:^|[\s(])(?:\S*/)?fmu/(sources/[\w./+-]{1,200}):(\d+)(?::(\d+))?: (fatal error|error|warning|note): (.*)$")
_KEPT_LINES = 20
_KEPT_DESCRIPTION_CAP = 64 << 20
_LINE_CAP = 300


class IngestRejected(Exception):
    """The FMU is refused; `slug` is a stable problem type."""

    def __init__(self, slug: str, detail: str, status: int = 422) -> None:
        super().__init__(detail)
        self.slug, self.detail, self.status = slug, detail, status


class SandboxUnavailable(Exception):
    """We could not inspect the FMU (our failure, not the upload's)."""


@dataclass(frozen=True)
class Ingested:
    path: Path
    description: dict[str, Any]
    built_from_sources: bool


class FmuCache:
    """Unpacked FMUs by sha256, bounded by `fmu_cache_max_bytes`: the least recently used ones that no run
    holds are removed first (they are unpacked again, from the blob store, when next needed)."""

    def __init__(self, settings: Settings, scratch: Scratch, template: LocalTemplate) -> None:
        self.settings = settings
        self.scratch = scratch
        self.template = template
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._in_use: dict[str, int] = {}
        self._sizes: dict[str, int] = {}
        for entry in os.scandir(scratch.fmus):  # what an earlier process of this host left
            if entry.name.endswith(".size") and os.path.isdir(entry.path[: -len(".size")]):
                try:
                    self._sizes[entry.name[: -len(".size")]] = int(Path(entry.path).read_text())
                except (OSError, ValueError):
                    continue

    def path(self, sha256: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise ValueError(f"not a sha256: {sha256!r}")
        return self.scratch.fmus / sha256

    def _lock(self, sha256: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(sha256, threading.Lock())

    def ensure(self, sha256: str, archive: Path | Callable[[], AbstractContextManager[Path]]) -> Path:
        """The unpacked FMU, ingesting the archive (a path, or fetched only then) when this host has not
        unpacked it yet."""
        target = self.path(sha256)
        with self._lock(sha256):
            if target.is_dir():
                os.utime(target)  # recently used: the last to be evicted
                return target
            with (nullcontext(archive) if isinstance(archive, Path) else archive()) as path:
                self.ingest(path, sha256, evict=False)
        self._evict(keep=sha256)
        return target

    def hold(self, sha256: str) -> None:
        """A run reads this FMU now: it is not evicted until `drop`."""
        with self._guard:
            self._in_use[sha256] = self._in_use.get(sha256, 0) + 1

    def drop(self, sha256: str) -> None:
        with self._guard:
            left = self._in_use.get(sha256, 1) - 1
            if left > 0:
                self._in_use[sha256] = left
            else:
                self._in_use.pop(sha256, None)

    def _evict(self, keep: str) -> None:
        """Remove least recently used FMUs nobody holds (never `keep`, just installed) until the cache is
        under its limit."""
        limit = self.settings.fmu_cache_max_bytes
        with self._guard:
            total = sum(self._sizes.values())
            if total <= limit:
                return
            candidates = [sha for sha in self._sizes if sha not in self._in_use and sha != keep]

        def last_used(sha: str) -> float:
            try:
                return self.path(sha).stat().st_mtime
            except OSError:
                return 0.0

        for sha in sorted(candidates, key=last_used):
            if total <= limit:
                break
            lock = self._lock(sha)
            if not lock.acquire(blocking=False):  # being unpacked or looked up right now: not a candidate
                continue
            try:
                with self._guard:
                    if sha in self._in_use:
                        continue
                    size = self._sizes.pop(sha, 0)
                log.info("evicting unpacked FMU %s (%d bytes) from the cache", sha, size)
                shutil.rmtree(self.path(sha), ignore_errors=True)
                (self.scratch.fmus / f"{sha}.size").unlink(missing_ok=True)
                Path(kept_description_path(str(self.path(sha)))).unlink(missing_ok=True)
                total -= size
            finally:
                lock.release()

    # -- ingest ------------------------------------------------------------------------------------------
    def ingest(self, archive: Path, sha256: str, *, evict: bool = True) -> Ingested:
        s = self.settings
        run_dir = self.scratch.new_run(f"ingest-{sha256[:16]}")
        run = None
        conn = None
        try:
            upload = run_dir / "upload.fmu"
            shutil.copyfile(archive, upload)
            upload.chmod(0o444)
            limits = {"memory_mb": max(2048, s.runner_memory_mb), "cpu_seconds": s.build_timeout_s,
                      "max_processes": 64, "max_file_mb": max(1, s.max_uncompressed_bytes // (1 << 20)),
                      "max_open_files": 1024}
            job = {"archive_limits": {"max_entries": s.max_archive_entries,
                                      "max_uncompressed_bytes": s.max_uncompressed_bytes,
                                      "max_model_description_bytes": s.max_model_description_bytes,
                                      "max_model_variables": s.max_model_variables}}
            job_id = f"ingest-{sha256[:16]}-{time.monotonic_ns() % 10**9}"
            try:
                conn = self.template.connection()
                run = conn.submit(job_id, "ingest", str(run_dir), None, limits, job)
            except TemplateGone as exc:
                raise SandboxUnavailable(str(exc)) from None
            # Until the gate: our own start-up (a platform failure when it hangs); then the build's time.
            ended = wait_until(run, time.monotonic() + START_TIMEOUT_S, lambda: run.started)
            if not ended and run.started and run.started_at is not None:
                ended = wait_until(run, run.started_at + s.build_timeout_s)
            if not ended:
                conn.kill(job_id)
                run.ended.wait(30)
                if run.started:
                    raise IngestRejected("fmu-build-failed", f"inspecting and building the FMU took longer than "
                                         f"{s.build_timeout_s:g} s and was stopped")
                raise SandboxUnavailable("the ingest sandbox did not start")
            run.reaped.wait(30)  # nothing of it may be alive while we look at what it left
            if run.error or run.setup_error or run.template_died or not run.started:
                raise SandboxUnavailable(f"the ingest sandbox failed: {run.fate()}")
            result = self._result(run.exit_status, run_dir, sha256)
            if evict:
                self._evict(keep=sha256)
            return result
        finally:
            if conn is not None and run is not None:
                conn.forget(run.job_id)
            shutil.rmtree(run_dir, ignore_errors=True)

    def _result(self, status: int | None, run_dir: Path, sha256: str) -> Ingested:
        out = run_dir / "out"
        if status == 0:
            raw = oc.read_capped(out / "description.json", 64 << 20)
            try:
                data = json.loads(raw) if raw else None
            except ValueError:
                data = None
            if not isinstance(data, dict) or not isinstance(data.get("description"), dict):
                raise IngestRejected("fmu-invalid-model-description", "the FMU could not be described")
            path = self._install(run_dir / "fmu", sha256)
            self._keep_description(out / KEPT_DESCRIPTION_FILE, path)
            return Ingested(path, data["description"], bool(data.get("built_from_sources")))
        if status == 3:
            raw = oc.read_capped(out / "error.json", 1 << 20)
            try:
                err = json.loads(raw) if raw else {}
            except ValueError:
                err = {}
            if isinstance(err, dict) and err.get("slug") in KNOWN_SLUGS:
                detail = str(err.get("detail") or "")[:4000]
                if err["slug"] == "fmu-build-failed" and err.get("build_output"):
                    detail = build_failure_detail(detail, str(err["build_output"]))
                status_code = 413 if err.get("status") == 413 else 422
                raise IngestRejected(str(err["slug"]), detail, status_code)
        what = f"signal {-status}" if status is not None and status < 0 else f"exit code {status}"
        raise IngestRejected("fmu-invalid", f"the FMU could not be inspected: its inspection ended with {what}")

    def _install(self, unpacked: Path, sha256: str) -> Path:
        """Check what the sandbox unpacked, make it ours and read-only, and rename it into the cache."""
        target = self.path(sha256)
        if target.is_dir():
            return target
        if not unpacked.is_dir() or unpacked.is_symlink():
            raise IngestRejected("fmu-invalid", "the FMU could not be unpacked")
        entries, total = 0, 0
        cap_entries = self.settings.max_archive_entries + 10_000  # the build adds its objects
        cap_bytes = self.settings.max_uncompressed_bytes + (512 << 20)
        as_root = os.geteuid() == 0
        for dirpath, dirnames, filenames in os.walk(unpacked):  # never follows links
            for name in dirnames + filenames:
                path = os.path.join(dirpath, name)
                st = os.lstat(path)
                entries += 1
                if stat.S_ISDIR(st.st_mode):
                    mode = 0o755
                elif stat.S_ISREG(st.st_mode):
                    total += st.st_size
                    mode = 0o755 if st.st_mode & 0o111 else 0o644
                else:
                    raise IngestRejected("fmu-symlink", f"the unpacked FMU holds a link or special file "
                                         f"({os.path.relpath(path, unpacked)!r})")
                if entries > cap_entries or total > cap_bytes:
                    raise IngestRejected("fmu-zip-bomb", "the unpacked FMU is larger than the limits", 413)
                if as_root:
                    os.lchown(path, 0, 0)
                os.chmod(path, mode)
        if as_root:
            os.lchown(unpacked, 0, 0)
        unpacked.chmod(0o755)
        try:
            os.rename(unpacked, target)
        except OSError:
            if not target.is_dir():
                raise
            return target
        (self.scratch.fmus / f"{sha256}.size").write_text(str(total))
        with self._guard:
            self._sizes[sha256] = total
        return target


    def _keep_description(self, written: Path, fmu_dir: Path) -> None:
        """FMPy's reading of the model description, as the ingest sandbox pickled it, kept beside the cached
        FMU (ours and read-only, as the FMU is) for its runs; a file that is not there, not regular or too
        large is left out, and the runs parse the XML themselves. Only runs of this FMU ever unpickle it,
        inside their sandboxes: it is evidence from the attacker, as the FMU's binary is."""
        target = Path(kept_description_path(str(fmu_dir)))
        raw = oc.read_capped(written, _KEPT_DESCRIPTION_CAP + 1)
        if raw is None or len(raw) > _KEPT_DESCRIPTION_CAP or target.exists():
            return
        part = target.with_name(f"{target.name}.{os.getpid()}-{threading.get_ident()}.part")
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        os.chmod(part, 0o644)
        os.replace(part, target)


def zip_tree(root: Path, fh: Any) -> None:
    """A deterministic zip of an unpacked FMU (sorted entries, fixed timestamps, modes kept)."""
    import zipfile

    with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
            info = zipfile.ZipInfo(path.relative_to(root).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100755 if path.stat().st_mode & 0o111 else 0o100644) << 16
            with open(path, "rb") as src, zf.open(info, "w") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)


def build_failure_detail(summary: str, output: str) -> str:
    """The compiler's diagnostics for the FMU's own source files, and nothing else of its output."""
    kept: list[str] = []
    first_file = None
    for line in output.splitlines():
        match = _DIAGNOSTIC.search(line)
        if match:
            source, row, col, kind, message = match.groups()
            where = f"{source}:{row}" + (f":{col}" if col else "")
            if first_file is None and "error" in kind:
                first_file = source
            kept.append(f"{where}: {kind}: {message}"[:_LINE_CAP])
        elif "undefined reference to" in line:
            symbol = line.rpartition("undefined reference to")[2].strip()
            kept.append(f"link error: undefined reference to {symbol}"[:_LINE_CAP])
        if len(kept) >= _KEPT_LINES:
            break
    if not kept:
        return f"{summary}; the build output names none of the FMU's own sources (a CMake or link failure)"
    head = f"{summary}: {first_file} does not compile" if first_file else summary
    return head + "\n" + "\n".join(kept)
