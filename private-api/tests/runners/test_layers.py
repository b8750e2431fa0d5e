"""Each sandbox layer, tested against this kernel: a forked child applies it, then tries what it forbids.

These are the ctypes and binding layers the template uses (fmu_sandbox.layers); the hostile suite
(test_hostile.py) attacks the same layers through the API with models of our own C."""

from __future__ import annotations

import ctypes
import errno
import os
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from fmu_sandbox import layers

_libc = ctypes.CDLL(None, use_errno=True)


def in_child(setup: Callable[[], None], probe: Callable[[], object]) -> str:
    """Fork; apply `setup`; run `probe`; return "ok", or the errno name / exception it raised."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            setup()
            probe()
            answer = "ok"
        except OSError as exc:
            answer = errno.errorcode.get(exc.errno or 0, type(exc).__name__)
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            answer = type(exc).__name__
        os.write(w, answer.encode())
        os._exit(0)
    os.close(w)
    answer = os.read(r, 200).decode()
    os.close(r)
    os.waitpid(pid, 0)
    return answer


def syscall_ok(result: int) -> None:
    if result != 0:
        raise OSError(ctypes.get_errno(), "")


SECCOMP = layers.SeccompProgram()


def seccomp() -> None:
    SECCOMP.load(layers.Layers())


@pytest.mark.parametrize(("name", "probe", "expected"), [
    ("socket(AF_INET)", lambda: socket.socket(socket.AF_INET), "EPERM"),
    ("socket(AF_UNIX)", lambda: socket.socket(socket.AF_UNIX), "EPERM"),
    ("socketpair", lambda: socket.socketpair(), "ok"),
    ("ptrace", lambda: syscall_ok(_libc.ptrace(16, os.getppid(), 0, 0)), "EPERM"),
    ("unshare(user)", lambda: syscall_ok(_libc.unshare(layers.CLONE_NEWUSER)), "EPERM"),
    ("mount", lambda: syscall_ok(_libc.mount(b"none", b"/tmp", b"tmpfs", 0, None)), "EPERM"),
    ("bpf", lambda: syscall_ok(_libc.syscall(321, 0, 0, 0)), "EPERM"),
    ("keyctl", lambda: syscall_ok(_libc.syscall(250, 0, 0, 0)), "EPERM"),
    ("io_uring_setup", lambda: syscall_ok(_libc.syscall(425, 1, 0)), "EPERM"),
    ("perf_event_open", lambda: syscall_ok(_libc.syscall(298, 0, 0, -1, -1, 0)), "EPERM"),
    ("shmget", lambda: syscall_ok(_libc.shmget(0, 4096, 0o1000 | 0o600) < 0 and -1 or 0), "EPERM"),
    ("clone(CLONE_NEWNET)", lambda: syscall_ok(_libc.syscall(56, layers.CLONE_NEWNET | 17, 0, 0, 0, 0)), "EPERM"),
    ("clone3", lambda: syscall_ok(_libc.syscall(435, 0, 0)), "ENOSYS"),
    ("fork", lambda: os.waitpid(pid, 0) if (pid := os.fork()) else os._exit(0), "ok"),
])
def test_seccomp_refuses_what_a_simulation_never_needs(name: str, probe: Callable[[], object], expected: str) -> None:
    assert SECCOMP.bpf is not None, SECCOMP.error
    assert in_child(seccomp, probe) == expected, name


@pytest.fixture(scope="module")
def ruleset() -> layers.RulesetTemplate:
    rules = layers.RulesetTemplate(protected=[])
    if rules.abi <= 0:
        pytest.fail("Landlock is not available on this kernel")
    return rules


def test_landlock_confines_files_to_the_run(ruleset: layers.RulesetTemplate) -> None:
    with tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
        run, fmu, other = Path(tmp, "run"), Path(tmp, "fmu"), Path(tmp, "other")
        for d in (run, fmu, other):
            d.mkdir()
        (fmu / "model.so").write_bytes(b"x")
        (other / "secret").write_text("s")

        def lock() -> None:
            ruleset.apply([(str(run), layers.READ_WRITE), (str(fmu), layers.READ_ONLY)], layers.Layers())

        assert in_child(lock, lambda: (run / "out.txt").write_text("ok")) == "ok"
        assert in_child(lock, lambda: (fmu / "model.so").read_bytes()) == "ok"
        assert in_child(lock, lambda: (fmu / "model.so").write_bytes(b"y")) == "EACCES"
        assert in_child(lock, lambda: (other / "secret").read_text()) == "EACCES"
        assert in_child(lock, lambda: os.listdir(tmp)) == "EACCES"
        assert in_child(lock, lambda: Path("/etc/passwd").read_text()) == "EACCES"
        assert in_child(lock, lambda: os.symlink("/etc/passwd", run / "link")) == "EACCES"
        assert in_child(lock, lambda: os.mkfifo(run / "fifo")) == "EACCES"
        assert in_child(lock, lambda: open("/usr/lib/os-release").read()) == "ok"  # the runtime stays readable


def test_landlock_denies_tcp_and_scopes_signals_and_abstract_sockets(ruleset: layers.RulesetTemplate) -> None:
    def lock() -> None:
        ruleset.apply([], layers.Layers())

    def connect() -> None:
        with socket.create_connection(("127.0.0.1", 9), timeout=2):
            pass

    def bind() -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))

    def abstract() -> None:
        with socket.socket(socket.AF_UNIX) as server, socket.socket(socket.AF_UNIX) as client:
            name = f"\0fmugw-test-{os.getpid()}"
            server.bind(name)
            server.listen()
            client.connect(name)

    assert in_child(lock, connect) == "EACCES"
    assert in_child(lock, bind) == "EACCES"
    assert in_child(lock, lambda: os.kill(os.getppid(), 0)) == "EPERM"  # outside its Landlock domain
    outer = socket.socket(socket.AF_UNIX)
    name = f"\0fmugw-outer-{os.getpid()}"
    outer.bind(name)
    outer.listen()
    try:
        assert in_child(lock, lambda: socket.socket(socket.AF_UNIX).connect(name)) == "EPERM"
    finally:
        outer.close()
    assert in_child(lock, abstract) == "ok"  # within its own domain, as a program may


def test_rlimits_bound_memory_files_and_cpu() -> None:
    limits = {"memory_mb": 512, "cpu_seconds": 5, "max_file_mb": 1, "max_processes": 64}

    def limit() -> None:
        layers.set_rlimits(limits, layers.Layers(), per_uid_processes=False)

    assert in_child(limit, lambda: bytearray(1 << 30)) == "MemoryError"
    with tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
        big = Path(tmp, "big")
        assert in_child(limit, lambda: big.write_bytes(b"\0" * (2 << 20))) == "EFBIG"


@pytest.mark.skipif(os.geteuid() != 0, reason="the run's own uid needs root (as the service runs in CI)")
def test_a_run_gets_its_own_uid_and_no_way_back() -> None:
    def become() -> None:
        layers.become(975998, layers.Layers())

    assert in_child(become, lambda: os.setuid(0)) == "EPERM"
    assert in_child(become, lambda: Path("/root").iterdir().__next__()) == "EACCES"
