"""A real FMU Gateway process (`fmu-gateway-api serve`) on a free loopback port, with a data directory,
scratch directory and (optionally) database of its own, as the tests of every package start one."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

from fmu_gateway_testkit.models import LIBRARY_DIR

# A test gateway answers many sign-ups from one address (every test makes its own accounts); the edge's
# own tests set tight limits on a gateway of their own.
TEST_DEFAULTS = {"FMU_GATEWAY_ENVIRONMENT": "test", "FMU_GATEWAY_LOG_LEVEL": "WARNING",
                 "FMU_GATEWAY_SIGNUP_PER_ADDRESS_PER_HOUR": "100000", "FMU_GATEWAY_SIGNUP_PER_HOUR": "100000"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class GatewayProcess:
    """One gateway process; `start` again after `kill` restarts it on the same data and database."""

    def __init__(self, data_dir: Path, *, database_url: str | None = None, env: Mapping[str, str] | None = None,
                 library_dir: Path = LIBRARY_DIR, command: Sequence[str] = ("serve",)) -> None:
        """`command`: `serve` (the all-in-one default), `serve --role api`, or `worker`."""
        self.data_dir = data_dir
        self.command = list(command)
        self.scratch = Path(tempfile.mkdtemp(prefix="fmu-gw-scratch-", dir="/var/tmp"))
        self.log_path = data_dir / "gateway.log"
        clean = {k: v for k, v in os.environ.items()
                 if not k.startswith(("FMU_GATEWAY_", "STRIPE_")) and k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
        self.env: dict[str, str] = {**clean, **TEST_DEFAULTS, "FMU_GATEWAY_DATA_DIR": str(data_dir),
                                    "FMU_GATEWAY_SCRATCH_DIR": str(self.scratch),
                                    "FMU_GATEWAY_LIBRARY_DIR": str(library_dir)}
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.env.update(env or {})
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self, timeout_s: float = 60.0) -> GatewayProcess:
        port = free_port()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "fmu_gateway_api.cli", *self.command, "--port",
                                          str(port)], env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout_s
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the gateway exited ({self.proc.returncode}):\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/v1/ready", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the gateway did not become ready within {timeout_s:g} s:\n{self.log()}")
            time.sleep(0.1)

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def rss_bytes(self) -> int:
        """The gateway process's resident memory (its sandboxes are other processes)."""
        with open(f"/proc/{self.pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS")

    def children(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.pid)], capture_output=True, text=True,
                             check=False)
        return [int(p) for p in out.stdout.split()]

    def metric(self, name: str) -> float:
        """One unlabelled series of the process's /metrics (the test environment answers without a token)."""
        text = httpx.get(f"{self.url}/metrics", timeout=10).text
        for line in text.splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
        raise KeyError(name)

    def migrate(self) -> None:
        """`fmu-gateway-api migrate` with this process's settings (a one-shot step before roles start)."""
        subprocess.run([sys.executable, "-m", "fmu_gateway_api.cli", "migrate"], env=self.env, check=True,
                       capture_output=True, timeout=120)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.is_file() else ""

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.scratch, ignore_errors=True)


@contextmanager
def serve_gateway(data_dir: Path | None = None, *, database_url: str | None = None,
                  env: Mapping[str, str] | None = None) -> Iterator[GatewayProcess]:
    """A started gateway process, stopped (and its scratch and temporary data removed) afterwards."""
    owned = data_dir is None
    data = data_dir or Path(tempfile.mkdtemp(prefix="fmu-gw-data-"))
    gateway = GatewayProcess(data, database_url=database_url, env=env)
    try:
        yield gateway.start()
    finally:
        gateway.cleanup()
        if owned:
            shutil.rmtree(data, ignore_errors=True)
