"""The in-task side of the ECS backend: what one Fargate task of the runner image runs for one job.

    python -I -B /opt/fmu-gateway/ecs_task.py

Stdlib only (plus certifi's CA bundle for HTTPS, and the sandbox package; it imports nothing of the
service), in the runner image. The task holds no AWS credentials and needs no task role: everything it may touch in S3
is named by presigned URLs for its own job, which expire with the job. From its environment (the
container overrides of RunTask): FMU_GATEWAY_JOB_ID, FMU_GATEWAY_JOB_TOKEN, FMU_GATEWAY_JOB_MANIFEST_URL,
FMU_GATEWAY_CALLBACK_URL, FMU_GATEWAY_JOB_TIMEOUT_S, FMU_GATEWAY_MAX_OUTPUT_BYTES; optional
FMU_GATEWAY_TASK_SCRATCH (default /job, the task's ephemeral volume).

1. GET the manifest (jobs/<id>/task.json, written by the API: {"job", "model", "done", "out": {name: url}},
   GET URLs for the first two, PUT URLs for the rest), then job.json and model.fmu into the scratch
   directory;
2. run the job through the same sandbox template every backend uses (fmu_sandbox.once: the FMU unpacked in
   one sandbox, simulated in another, scrubbed environment: no token, no URLs), killed at the job's timeout;
3. PUT what the sandbox left in out/ (regular files of known names only, size-capped) to its URLs;
4. PUT done.json and POST the same report ({"exit_code": N, "started": bool, "timed_out": bool, "log":
   tail, "layers": {...}}) to the callback URL with `Authorization: Bearer <job token>`. "started" says
   whether the job passed its gate (model code ran); only then is a failure the model's.

The exit code of this process is 0 when the report was delivered (to S3 at least), else 1.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import ssl
import stat
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any

from fmu_sandbox import once

OUT_NAMES = ("result.npy", "text.json", "outcome.json", "error.json")
JOB_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
LOG_CAP = 8000
MANIFEST_CAP = 1 << 20

Poster = Callable[[str, str, dict[str, Any]], int]


class TransferError(RuntimeError):
    """A GET or PUT of the job's objects failed for good."""


def _tls() -> ssl.SSLContext:
    """The runner image carries no system CA store (a run has no network); HTTPS uses certifi's bundle."""
    try:
        import certifi
    except ImportError:
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())


_TLS: ssl.SSLContext | None = None


def _open(request: urllib.request.Request, timeout: float) -> Any:
    global _TLS
    if request.type == "https" and _TLS is None:
        _TLS = _tls()
    # No proxy: the task talks to S3 (a VPC endpoint) and the gateway directly.
    handlers: list[Any] = [urllib.request.ProxyHandler({})]
    if request.type == "https":
        handlers.append(urllib.request.HTTPSHandler(context=_TLS))
    return urllib.request.build_opener(*handlers).open(request, timeout=timeout)


def _exchange(method: str, url: str, *, data: bytes | IO[bytes] | None = None,
              headers: Mapping[str, str] | None = None, sink: IO[bytes] | None = None, cap: int = MANIFEST_CAP,
              attempts: int = 5, timeout: float = 60.0) -> tuple[int, bytes, str]:
    """One HTTP exchange, retried on network errors and 5xx with backoff: (status, body, last error), the
    status 0 when nothing answered. The body is streamed into `sink`, else returned (at most `cap` bytes); a
    file to send goes again from its start on every attempt."""
    status, last = 0, ""
    for attempt in range(attempts):
        sent = dict(headers or {})
        if isinstance(data, bytes):
            sent["Content-Length"] = str(len(data))
        elif data is not None:
            data.seek(0)
            sent["Content-Length"] = str(os.fstat(data.fileno()).st_size)
        try:
            with _open(urllib.request.Request(url, data=data, method=method, headers=sent), timeout) as response:
                status = int(response.status)
                if sink is not None:
                    shutil.copyfileobj(response, sink, 1 << 20)
                    return status, b"", ""
                payload = bytes(response.read(cap + 1))
                if len(payload) > cap:
                    raise TransferError(f"{method} answered more than {cap} bytes")
                return status, payload, ""
        except urllib.error.HTTPError as exc:
            status, last = exc.code, f"{method} answered {exc.code}"
            exc.close()
            if exc.code < 500:
                return status, b"", last
        except (urllib.error.URLError, OSError) as exc:
            last = f"{method} failed: {exc}"
        if sink is not None:
            sink.seek(0)
            sink.truncate()
        if attempt + 1 < attempts:
            time.sleep(0.5 * 2**attempt)
    return status, b"", last


def _transfer(method: str, url: str, *, data: bytes | IO[bytes] | None = None, sink: IO[bytes] | None = None,
              attempts: int = 5, timeout: float = 60.0) -> bytes:
    """A GET or PUT of one of the job's objects through its presigned URL; TransferError unless it worked
    (a 4xx, such as an expired URL, fails at once)."""
    headers = {"Content-Type": "application/octet-stream"} if method == "PUT" else None
    status, body, last = _exchange(method, url, data=data, headers=headers, sink=sink, attempts=attempts,
                                   timeout=timeout)
    if not 200 <= status < 300:
        raise TransferError(last or f"{method} answered {status}")
    return body


def post_report(url: str, token: str, report: dict[str, Any]) -> int:
    """POST the report with the job token; a few retries on network errors and 5xx. Returns the status."""
    status, _, last = _exchange("POST", url, data=json.dumps(report).encode(), attempts=4, timeout=30, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    if status == 0:
        print(f"ecs_task: the callback failed: {last}", file=sys.stderr)  # noqa: T201
    return status


def _open_regular(path: Path) -> IO[bytes] | None:
    """A file the sandbox left, opened without following links; None unless it is a regular file."""
    try:
        fh = os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb")
    except OSError:
        return None
    if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
        fh.close()
        return None
    return fh


def read_manifest(url: str) -> dict[str, Any]:
    manifest = json.loads(_transfer("GET", url))
    out = manifest.get("out") if isinstance(manifest, dict) else None
    urls = [manifest.get(k) for k in ("job", "model", "done")] + list((out or {}).values())
    if not isinstance(out, dict) or not all(isinstance(u, str) and u.startswith(("https://", "http://"))
                                            for u in urls):
        raise TransferError("the job manifest is not of this gateway")
    return dict(manifest)


def run_job(env: Mapping[str, str], *, post: Poster | None = None, scratch: Path | None = None,
            stop: threading.Event | None = None) -> int:
    """Everything the task does for its one job; the test suite calls it against moto's S3 server with
    the gateway's TestClient as the poster."""
    job_id = env.get("FMU_GATEWAY_JOB_ID", "")
    if not JOB_ID_RE.match(job_id):
        print("ecs_task: no valid FMU_GATEWAY_JOB_ID", file=sys.stderr)  # noqa: T201
        return 1
    token, url = env["FMU_GATEWAY_JOB_TOKEN"], env["FMU_GATEWAY_CALLBACK_URL"]
    timeout_s = float(env.get("FMU_GATEWAY_JOB_TIMEOUT_S") or 60)
    max_output = int(env.get("FMU_GATEWAY_MAX_OUTPUT_BYTES") or 256 << 20)
    post = post or post_report
    stop = stop or threading.Event()
    root = Path(scratch or env.get("FMU_GATEWAY_TASK_SCRATCH") or "/job")
    workdir = root / f"run-{job_id}"
    report: dict[str, Any]
    manifest: dict[str, Any] = {}
    try:
        manifest = read_manifest(env["FMU_GATEWAY_JOB_MANIFEST_URL"])
        workdir.mkdir(parents=True, mode=0o700)
        for name, key in (("job.json", "job"), ("model.fmu", "model")):
            with (workdir / name).open("wb") as fh:
                _transfer("GET", manifest[key], sink=fh)
        relay = ProgressRelay(manifest["out"].get("progress"))
        spec = json.loads((workdir / "job.json").read_bytes())
        outcome = once.run_job(workdir / "sandbox", workdir / "model.fmu", spec["job"], spec["limits"], timeout_s,
                               stop, relay.tick)
        out = workdir / "sandbox" / "run" / "out"
        report = {"exit_code": once.exit_status(outcome), "started": bool(outcome.get("started")),
                  "timed_out": bool(outcome.get("timed_out")), "layers": outcome.get("layers"),
                  "log": _tail(out / "console.log")}
        if outcome.get("error"):
            report["error"] = str(outcome["error"])[:300]
        if report["started"] and not report["timed_out"] and not stop.is_set():
            report["output_too_large"] = not _upload_out(manifest["out"], out, max_output)
    except Exception as exc:  # S3, the scratch volume: the platform failed, not the model
        print(f"ecs_task: {type(exc).__name__}: {exc}", file=sys.stderr)  # noqa: T201
        report = {"exit_code": None, "started": False, "timed_out": False, "log": "",
                  "error": f"{type(exc).__name__}: {str(exc)[:300]}"}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if stop.is_set():
        return 1  # stopped (cancelled): nobody waits for a report
    delivered = False
    if manifest.get("done"):
        try:
            _transfer("PUT", manifest["done"], data=json.dumps(report).encode())
            delivered = True
        except Exception as exc:
            print(f"ecs_task: could not write done.json: {exc}", file=sys.stderr)  # noqa: T201
    status = post(url, token, report)
    if not 200 <= status < 300:
        print(f"ecs_task: the callback answered {status}", file=sys.stderr)  # noqa: T201
    return 0 if delivered or 200 <= status < 300 else 1


class ProgressRelay:
    """PUTs the run's progress to its presigned URL every few seconds while the job runs, so that the
    gateway can show it. A courtesy: a failed PUT is dropped, never retried or fatal."""

    def __init__(self, url: str | None, every_s: float = 2.0) -> None:
        self.url, self.every_s = url, every_s
        self._next = time.monotonic() + every_s
        self._sent: float | None = None

    def tick(self, value: float | None) -> None:
        if self.url is None or value is None or value == self._sent or time.monotonic() < self._next:
            return
        self._next = time.monotonic() + self.every_s
        try:
            _transfer("PUT", self.url, data=f"{value:.4f}".encode(), attempts=1, timeout=5)
            self._sent = value
        except TransferError:
            pass


def _tail(path: Path) -> str:
    fh = _open_regular(path)
    if fh is None:
        return ""
    with fh:
        size = os.fstat(fh.fileno()).st_size
        fh.seek(max(0, size - LOG_CAP))
        return fh.read().decode("utf-8", "replace")


def _upload_out(urls: Mapping[str, str], out: Path, max_output: int) -> bool:
    """The sandbox owns out/: known names only, regular files (never through a link), size-capped.
    False (and nothing more uploaded) once the files are above the output limit."""
    budget = max_output + (16 << 20)
    for name in OUT_NAMES:
        fh = _open_regular(out / name) if name in urls else None
        if fh is None:
            continue
        with fh:
            budget -= os.fstat(fh.fileno()).st_size
            if budget < 0:
                return False
            _transfer("PUT", urls[name], data=fh)
    return True


def main() -> int:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())  # StopTask: end the sandbox, report nothing
    return run_job(os.environ, stop=stop)


if __name__ == "__main__":
    sys.exit(main())
