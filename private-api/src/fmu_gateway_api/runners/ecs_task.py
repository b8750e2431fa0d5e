"""The in-task side of the ECS backend: what one Fargate task of the runner image runs for one job.

    python -I -B /opt/fmu-gateway/ecs_task.py

Stdlib and boto3 only (it imports nothing of the service), next to sandbox.py in the runner image. From its
environment (the container overrides of RunTask): FMU_GATEWAY_JOB_ID, FMU_GATEWAY_JOB_TOKEN,
FMU_GATEWAY_S3_BUCKET, FMU_GATEWAY_CALLBACK_URL, FMU_GATEWAY_JOB_TIMEOUT_S, FMU_GATEWAY_MAX_OUTPUT_BYTES;
optional FMU_GATEWAY_TASK_SCRATCH (default /job, the task's ephemeral volume), AWS_REGION and
FMU_GATEWAY_AWS_ENDPOINT_URL.

1. download jobs/<id>/job.json and jobs/<id>/model.fmu into the scratch directory;
2. run the same sandbox.py every backend runs, as a subprocess with a scrubbed environment (no token, no
   AWS variables), killed at the job's timeout;
3. upload what the sandbox left in out/ (regular files of known names only, size-capped) to
   jobs/<id>/out/;
4. write jobs/<id>/done.json and POST the same report ({"exit_code": N, "timed_out": bool, "log": tail})
   to the callback URL with `Authorization: Bearer <job token>`.

The exit code of this process is 0 when the report was delivered (to S3 at least), else 1.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

SANDBOX = Path(__file__).with_name("sandbox.py")
OUT_NAMES = ("result.npy", "outcome.json", "error.json", "progress")
JOB_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
EXIT_BAD_JOB = 4
LOG_CAP = 8000
SANDBOX_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "HOME": "/nonexistent"}

Poster = Callable[[str, str, dict[str, Any]], int]


def post_report(url: str, token: str, report: dict[str, Any]) -> int:
    """POST the report with the job token; a few retries on network errors and 5xx. Returns the status."""
    data = json.dumps(report).encode()
    status = 0
    for attempt in range(4):
        request = urllib.request.Request(url, data=data, method="POST", headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (our own URL)
                return int(response.status)
        except urllib.error.HTTPError as exc:
            status = exc.code
            if exc.code < 500:
                return status
        except (urllib.error.URLError, OSError) as exc:
            print(f"ecs_task: the callback failed: {exc}", file=sys.stderr)  # noqa: T201
        time.sleep(0.5 * 2**attempt)
    return status


def _s3_client(env: Mapping[str, str]) -> Any:
    import boto3

    endpoint = env.get("FMU_GATEWAY_AWS_ENDPOINT_URL") or None
    return boto3.client("s3", region_name=env.get("AWS_REGION") or None, endpoint_url=endpoint)


def run_sandbox(job_file: Path, timeout_s: float, stop: threading.Event) -> tuple[int, bool, str]:
    """sandbox.py JOB_FILE with a scrubbed environment: (exit code, timed out, stdout+stderr tail)."""
    log_path = job_file.parent / "sandbox.log"
    with log_path.open("wb") as log_fh:
        proc = subprocess.Popen([sys.executable, "-I", "-B", str(SANDBOX), str(job_file)], env=SANDBOX_ENV,
                                cwd=str(job_file.parent), stdin=subprocess.DEVNULL, stdout=log_fh,
                                stderr=subprocess.STDOUT, start_new_session=True, close_fds=True)
        deadline = time.monotonic() + timeout_s
        timed_out = False
        while True:
            try:
                code = proc.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                pass
            if stop.is_set() or time.monotonic() >= deadline:
                timed_out = not stop.is_set()
                _killpg(proc.pid)
                code = proc.wait()
                break
        _killpg(proc.pid)  # anything the model left running in its session
    with log_path.open("rb") as fh:
        fh.seek(max(0, log_path.stat().st_size - LOG_CAP))
        tail = fh.read().decode("utf-8", "replace")
    return code, timed_out, tail


def _killpg(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


def run_job(env: Mapping[str, str], *, s3: Any = None, post: Poster | None = None,
            scratch: Path | None = None, stop: threading.Event | None = None) -> int:
    """Everything the task does for its one job; the test suite calls it with moto's S3 and the
    TestClient as the poster."""
    job_id = env.get("FMU_GATEWAY_JOB_ID", "")
    if not JOB_ID_RE.match(job_id):
        print("ecs_task: no valid FMU_GATEWAY_JOB_ID", file=sys.stderr)  # noqa: T201
        return 1
    bucket, token = env["FMU_GATEWAY_S3_BUCKET"], env["FMU_GATEWAY_JOB_TOKEN"]
    url = env["FMU_GATEWAY_CALLBACK_URL"]
    timeout_s = float(env.get("FMU_GATEWAY_JOB_TIMEOUT_S") or 60)
    max_output = int(env.get("FMU_GATEWAY_MAX_OUTPUT_BYTES") or 256 << 20)
    s3 = s3 if s3 is not None else _s3_client(env)
    post = post or post_report
    stop = stop or threading.Event()
    prefix = f"jobs/{job_id}/"
    root = Path(scratch or env.get("FMU_GATEWAY_TASK_SCRATCH") or "/job")
    workdir = root / f"run-{job_id}"
    report: dict[str, Any]
    try:
        workdir.mkdir(parents=True, mode=0o700)
        for name in ("job.json", "model.fmu"):
            s3.download_file(bucket, prefix + name, str(workdir / name))
        (workdir / "out").mkdir(mode=0o700)
        code, timed_out, tail = run_sandbox(workdir / "job.json", timeout_s, stop)
        report = {"exit_code": code, "timed_out": timed_out, "log": tail}
        if not timed_out and not stop.is_set():
            report["output_too_large"] = not _upload_out(s3, bucket, prefix, workdir / "out", max_output)
    except Exception as exc:  # S3, the scratch volume: the platform failed, not the model
        print(f"ecs_task: {type(exc).__name__}: {exc}", file=sys.stderr)  # noqa: T201
        report = {"exit_code": EXIT_BAD_JOB, "timed_out": False, "log": "",
                  "error": f"{type(exc).__name__}: {str(exc)[:300]}"}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if stop.is_set():
        return 1  # stopped (cancelled): nobody waits for a report
    delivered = False
    try:
        s3.put_object(Bucket=bucket, Key=prefix + "done.json", Body=json.dumps(report).encode(),
                      ContentType="application/json")
        delivered = True
    except Exception as exc:
        print(f"ecs_task: could not write done.json: {exc}", file=sys.stderr)  # noqa: T201
    status = post(url, token, report)
    if not 200 <= status < 300:
        print(f"ecs_task: the callback answered {status}", file=sys.stderr)  # noqa: T201
    return 0 if delivered or 200 <= status < 300 else 1


def _upload_out(s3: Any, bucket: str, prefix: str, out: Path, max_output: int) -> bool:
    """The sandbox owns out/: known names only, regular files (never through a link), size-capped.
    False (and nothing more uploaded) once the files are above the output limit."""
    budget = max_output + (16 << 20)
    for name in OUT_NAMES:
        try:
            fd = os.open(out / name, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                continue
            budget -= st.st_size
            if budget < 0:
                return False
            s3.upload_fileobj(fh, bucket, f"{prefix}out/{name}")
    return True


def main() -> int:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())  # StopTask: end the sandbox, report nothing
    return run_job(os.environ, stop=stop)


if __name__ == "__main__":
    sys.exit(main())
