"""The fork-server: a clean template process that forks one sandbox per job.

The template has imported Python, NumPy and FMPy (everything a run needs, see `preload`) and never loads
model code. It keeps a few *slots* ready ahead of demand, so that namespaces, mounts, the uid drop and the
fork itself leave the critical path. Where the machine allows namespaces (as root, or in a user namespace
where the template itself holds the capabilities), a slot is one process, forked straight into
namespaces of its own:

    job (pid 1 of its own pid namespace; new mount, IPC, UTS and network namespaces)
        mounts a private /tmp, /dev/shm and /proc, drops to the run's own uid (or every capability),
        rehearses, says ready, waits for one job, then Landlock, rlimits, seccomp, closes every
        descriptor, says "started" (the gate: model code comes next), runs it. When it exits, the kernel
        kills everything else in its namespace; the template, its parent, reaps it and reports its status.

(The template enters the new namespaces itself for the moment of the fork, then returns to its own.)
Unprivileged, a slot is a warden (our code) that makes the namespaces inside a user namespace of its own,
an init that mounts and reaps, and the job process. Without namespaces at all (inside a container) the
warden is a subreaper that forks the job process and, when it ends, reports its status and kills every
descendant.

Protocol (JSON lines). Supervisor -> template:
    {"op": "run", "id", "kind", "run_dir", "fmu_dir", "limits", "job" | "jobs"}   {"op": "kill", "id"}
Template -> supervisor:
    {"ev": "ready", ...capabilities}    {"ev": "assigned", "id", "uid"}   {"ev": "started", "id", "layers"}
    {"ev": "setup-failed", "id", "reason"}   {"ev": "progress", "id", "value"}   {"ev": "done", "id"}
    {"ev": "case", "id", "index"}   {"ev": "exit", "id", "code" | "signal" | "lost"}   {"ev": "reaped", "id"}
    {"ev": "error", "id", "reason"}
A "batch" job (kind "batch", "jobs": the cases of one sweep) runs its cases one after the other in the one
process, each announced by "case" (see simulate.run_batch). Everything a job process says after "started"
comes from model code: the template accepts only progress numbers, the next case's number and "done" from
it, each line short, and never blocks on it.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from fmu_sandbox import layers
from fmu_sandbox.protocol import LineReader, case_dir, decode, encode, kept_description_path

EXIT_SETUP = 70
_LINE_CAP = 2048
_KILL_GRACE_S = 5.0

# Everything a run imports, stdlib included: after the drop to the run's own uid the interpreter's files
# may be out of reach (a pyenv under /root), and a model that changes the locale or the working directory
# must find nothing left to import.
PRELOAD = (
    "base64 bz2 ctypes fcntl ctypes.util datetime encodings.ascii encodings.latin_1 encodings.utf_8 encodings.utf_16 "
    "encodings.utf_32 encodings.utf_16_le encodings.utf_16_be encodings.utf_32_le encodings.utf_32_be "
    "encodings.cp437 encodings.idna encodings.raw_unicode_escape encodings.unicode_escape "
    "gzip inspect ipaddress json linecache locale lzma pickle platform random shutil stringprep "
    "subprocess tempfile textwrap traceback unicodedata urllib.parse zipfile zlib lxml.etree attr attrs "
    "fmpy fmpy.fmi1 fmpy.fmi2 fmpy.fmi3 fmpy.logging fmpy.model_description fmpy.simulation fmpy.sundials "
    "fmpy.util fmpy.validation fmpy.build numpy numpy.ctypeslib numpy.lib.format numpy.lib.npyio "
    "numpy.lib._datasource numpy.linalg "
    "fmu_sandbox.simulate fmu_sandbox.ingest fmu_sandbox.archive fmu_sandbox.modeldescription"
).split()


def preload() -> None:
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    from fmu_sandbox.modeldescription import load_schemas

    load_schemas()  # upload validation reads FMPy's XSD files: before any uid drop or model code
    # Lazily built tables a run would otherwise build after the uid drop.
    "x".encode("ascii"), "x".encode("latin-1"), b"x".decode("utf-16", "ignore")


@dataclass
class Config:
    mode: str = "auto"  # root | userns | none | auto
    uid_base: int | None = None
    uid_count: int = 0
    pool: int = 2
    tmp_mb: int = 256
    protected: list[str] = field(default_factory=list)
    require: str = "best-effort"  # strict: Landlock and seccomp or nothing runs
    one_shot: bool = False  # a container's template: one job, then exit
    tmp_is_private: bool = False  # a container's /tmp and /dev/shm are its own already
    visible: list[str] = field(default_factory=list)  # what runs reach besides the runtime (the scratch root)
    rehearsal_fmu: str | None = None  # an unpacked FMU of our own library that idle slots warm up on

    @classmethod
    def from_json(cls, text: str) -> Config:
        data = json.loads(text) if text else {}
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass
class Slot:
    sid: int
    uid: int | None
    warden: int
    job_w: int
    events_r: int
    status_r: int
    state: str = "starting"  # starting | ready | running | dead
    job_id: str | None = None
    started: bool = False
    exit_sent: bool = False
    events: LineReader = field(default_factory=lambda: LineReader(_LINE_CAP))
    status: LineReader = field(default_factory=lambda: LineReader(_LINE_CAP))
    last_progress: float = 0.0
    kill_at: float | None = None
    cases: int = 0  # a batch's number of cases, and the case it said it runs now
    case: int = -1
    direct: bool = False  # the job process itself is the template's child (and its namespace's init)


def detect_mode(requested: str) -> str:
    """The namespace mode this machine allows, tried in a throwaway child."""
    candidates = [requested] if requested != "auto" else (["root"] if os.geteuid() == 0 else []) + ["userns"]
    for mode in candidates:
        if mode == "none":
            return "none"
        pid = os.fork()
        if pid == 0:
            try:
                layers.enter_namespaces(mode, layers.Layers())
                os._exit(0)
            except BaseException:
                os._exit(1)
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) == 0:
            return mode
    return "none"


class Template:
    def __init__(self, config: Config, ctl_in: int, ctl_out: int) -> None:
        self.cfg = config
        self.ctl_in, self.ctl_out = ctl_in, ctl_out
        self.sel = selectors.DefaultSelector()
        self.slots: dict[int, Slot] = {}
        self.by_warden: dict[int, Slot] = {}
        self.by_job: dict[str, Slot] = {}
        self.queue: deque[dict[str, Any]] = deque()
        self.next_sid = 0
        self.free_uids: deque[int] = deque()
        if config.uid_base is not None and os.geteuid() == 0:
            self.free_uids.extend(range(config.uid_base, config.uid_base + config.uid_count))
        self.failures = 0
        self.retry_at = 0.0
        self.jobs_served = 0
        self.closing = False
        self.ctl = LineReader(1 << 20)

    # -- start ---------------------------------------------------------------------------------------
    def start(self) -> None:
        layers.die_with_parent()
        if os.getppid() != _PARENT:  # the supervisor died while we started
            os._exit(EXIT_SETUP)
        preload()
        self.mode = detect_mode(self.cfg.mode)
        # As root the job process is forked straight into its namespaces. Unprivileged, a warden makes them
        # inside a user namespace of its own (a process cannot come back to namespaces its parent user
        # namespace owns, so the template cannot do it for the fork).
        self.direct = self.mode == "root"
        if self.direct:
            layers.empty_network()
        self.own_namespaces = layers.own_namespaces() if self.direct else {}
        self.ruleset = layers.RulesetTemplate(self.cfg.protected)
        self.seccomp = layers.SeccompProgram()
        errors = []
        if self.ruleset.abi <= 0:
            errors.append("Landlock is not available on this kernel")
        if self.seccomp.bpf is None:
            errors.append(f"seccomp is not available ({self.seccomp.error})")
        import fmpy

        self.send({"ev": "ready", "pid": os.getpid(), "mode": self.mode, "landlock_abi": self.ruleset.abi,
                   "seccomp": self.seccomp.bpf is not None, "as_root": os.geteuid() == 0,
                   "own_uids": bool(self.free_uids), "errors": errors, "fmpy_version": fmpy.__version__,
                   "python": sys.version.split()[0]})
        if errors and self.cfg.require == "strict":
            sys.stderr.write(f"sandbox template: strict mode and {'; '.join(errors)}\n")
            os._exit(EXIT_SETUP)
        import gc

        gc.collect()
        gc.freeze()  # the template's objects are never collected: forked children do not touch their pages

    # -- control channel -------------------------------------------------------------------------------
    def send(self, message: dict[str, Any]) -> None:
        data = encode(message)
        view = memoryview(data)
        while view:
            try:
                n = os.write(self.ctl_out, view)
            except BlockingIOError:
                selectors.DefaultSelector().select(0.01)
                continue
            except BrokenPipeError:
                self.shutdown()
                return
            view = view[n:]

    def serve(self) -> None:
        self.start()
        self.sigchld_r, sigchld_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        signal.set_wakeup_fd(sigchld_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        os.set_blocking(self.ctl_in, False)
        self.sel.register(self.ctl_in, selectors.EVENT_READ, ("ctl", None))
        self.sel.register(self.sigchld_r, selectors.EVENT_READ, ("sigchld", None))
        self.fill_pool()
        while True:
            timeout = self._next_timer()
            for key, _ in self.sel.select(timeout):
                kind, slot = key.data
                if kind == "ctl":
                    self.on_control()
                elif kind == "sigchld":
                    try:
                        while os.read(self.sigchld_r, 4096):
                            pass
                    except BlockingIOError:
                        pass
                    self.reap()
                elif kind == "events":
                    self.on_events(slot)
                elif kind == "status":
                    self.on_status(slot)
            self.reap()
            self.timers()
            if self.closing and not self.slots:
                os._exit(0)
            if self.cfg.one_shot and self.jobs_served and not any(s.job_id for s in self.slots.values()):
                self.shutdown()

    def on_control(self) -> None:
        try:
            data = os.read(self.ctl_in, 1 << 16)
        except BlockingIOError:
            return
        if not data:  # the supervisor is gone: so are we, and every run with us
            self.shutdown()
            return
        for line in self.ctl.feed(data):
            message = decode(line)
            if message is None:
                continue
            op = message.get("op")
            if op == "run":
                self.queue.append(message)
            elif op == "kill":
                self.kill(str(message.get("id")))
            elif op == "rehearsal":  # our own library model: slots started from now on warm up on it
                fmu_dir = message.get("fmu_dir")
                self.cfg.rehearsal_fmu = str(fmu_dir) if fmu_dir else None
        self.assign()

    def shutdown(self) -> None:
        self.closing = True
        self.queue.clear()
        for slot in list(self.slots.values()):
            self._terminate(slot, force=True)
        if not self.slots:
            os._exit(0)

    # -- slots ---------------------------------------------------------------------------------------
    def fill_pool(self, *, now: bool = True) -> None:
        """Keep `pool` slots ready. Right after a job was handed out (`now=False`) a new slot is started only
        if none is left: starting one (a fork, namespaces, a rehearsal) takes a core that the job just
        handed out wants; the pool is topped up when a run ends instead."""
        if self.closing or time.monotonic() < self.retry_at:
            return
        if self.cfg.one_shot and (self.jobs_served or self.slots):
            return
        spare = sum(1 for s in self.slots.values() if s.state in ("starting", "ready"))
        wanted = max(self.cfg.pool, min(len(self.queue), 64)) if now or spare == 0 or self.queue else 0
        while spare < wanted:
            if self.free_uids is not None and self.cfg.uid_base is not None and os.geteuid() == 0 \
                    and not self.free_uids:
                break
            self.spawn()
            spare += 1

    def spawn(self) -> None:
        uid = self.free_uids.popleft() if self.free_uids else None
        # A slot warms its pages up before its job (off the critical path) when nothing else runs; under
        # load that work would only take CPU from runs.
        idle = not self.queue and not any(s.state == "running" for s in self.slots.values())
        rehearsal = self.cfg.rehearsal_fmu if idle else None
        job_r, job_w = os.pipe2(os.O_CLOEXEC)
        events_r, events_w = os.pipe2(os.O_CLOEXEC)
        if self.direct:
            self._spawn_direct(uid, rehearsal, job_r, job_w, events_r, events_w)
            return
        status_r, status_w = os.pipe2(os.O_CLOEXEC)
        pid = os.fork()
        if pid == 0:  # the warden
            try:
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                keep = {0, 1, 2, job_r, events_w, status_w, *self.ruleset.fds}
                layers.close_fds_except(keep)
                _warden(self, uid, job_r, events_w, status_w, rehearsal)
            except BaseException as exc:  # noqa: BLE001 - a child never returns into the template's loop
                _say(status_w, f"fail {type(exc).__name__}: {exc}")
            os._exit(EXIT_SETUP)
        for fd in (job_r, events_w, status_w):
            os.close(fd)
        os.set_blocking(events_r, False)
        os.set_blocking(status_r, False)
        slot = Slot(self.next_sid, uid, pid, job_w, events_r, status_r)
        self.next_sid += 1
        self.slots[slot.sid] = slot
        self.by_warden[pid] = slot
        self.sel.register(events_r, selectors.EVENT_READ, ("events", slot))
        self.sel.register(status_r, selectors.EVENT_READ, ("status", slot))

    def _spawn_direct(self, uid: int | None, rehearsal: str | None, job_r: int, job_w: int, events_r: int,
                      events_w: int) -> None:
        """The job process, forked straight into new namespaces: the template enters them for the fork (its
        children's pid namespace, mount, IPC, UTS, network) and goes back to its own at once."""
        if not layers.unshare(layers.NS_ALL):
            for fd in (job_r, job_w, events_r, events_w):
                os.close(fd)
            raise OSError("unshare(namespaces) failed")
        try:
            pid = os.fork()
            if pid == 0:
                try:
                    signal.set_wakeup_fd(-1)
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    layers.close_fds_except({0, 1, 2, job_r, events_w, *self.ruleset.fds})
                    _job_in_namespaces(self, uid, job_r, events_w, rehearsal)
                except BaseException as exc:  # noqa: BLE001 - a child never returns into the template's loop
                    _say(events_w, f"fail {type(exc).__name__}: {exc}")
                os._exit(EXIT_SETUP)
        finally:
            layers.return_to(self.own_namespaces)
        os.close(job_r)
        os.close(events_w)
        os.set_blocking(events_r, False)
        slot = Slot(self.next_sid, uid, pid, job_w, events_r, -1, direct=True)
        self.next_sid += 1
        self.slots[slot.sid] = slot
        self.by_warden[pid] = slot
        self.sel.register(events_r, selectors.EVENT_READ, ("events", slot))

    def assign(self) -> None:
        while self.queue:
            slot = next((s for s in self.slots.values() if s.state == "ready"), None)
            if slot is None:
                break
            message = self.queue.popleft()
            job_id = str(message.get("id"))
            try:
                run_dir = str(message["run_dir"])
                if slot.uid is not None:
                    # The supervisor made these moments ago; nothing of a run is in them yet.
                    for path in (run_dir, os.path.join(run_dir, "out"), *_case_dirs(message)):
                        os.lchown(path, slot.uid, slot.uid)
                payload = encode({k: message.get(k) for k in ("id", "kind", "run_dir", "fmu_dir", "limits",
                                                              "job", "jobs", "read_only")})
                _write_all(slot.job_w, payload)
                os.close(slot.job_w)
                slot.job_w = -1
            except (OSError, KeyError) as exc:
                self.send({"ev": "error", "id": job_id, "reason": f"the job could not be delivered: {exc}"})
                self._terminate(slot, force=True)
                continue
            slot.state, slot.job_id = "running", job_id
            jobs = message.get("jobs")
            slot.cases = len(jobs) if message.get("kind") == "batch" and isinstance(jobs, list) else 0
            self.by_job[job_id] = slot
            self.jobs_served += 1
            self.send({"ev": "assigned", "id": job_id, "uid": slot.uid})
        self.fill_pool(now=False)

    def _drain(self, slot: Slot, pipe: str, size: int) -> bytes:
        """What one of a slot's pipes (`events_r`, `status_r`) holds now, b"" when nothing; the pipe closed
        (and no longer watched) once it ends or fails."""
        fd: int = getattr(slot, pipe)
        if fd < 0:  # a stale readiness event of a slot retired earlier in this round
            return b""
        try:
            data = os.read(fd, size)
        except BlockingIOError:
            return b""
        except OSError:
            data = b""
        if not data:
            self.sel.unregister(fd)
            os.close(fd)
            setattr(slot, pipe, -1)
        return data

    def on_events(self, slot: Slot) -> None:
        for line in slot.events.feed(self._drain(slot, "events_r", 1 << 16)):
            self._event(slot, line)

    def _event(self, slot: Slot, line: bytes) -> None:
        word, _, rest = line.partition(b" ")
        if slot.state == "starting":
            if word == b"fail":
                sys.stderr.write(f"sandbox template: a slot failed to start: {rest.decode(errors='replace')}\n")
            if word == b"ready":
                slot.state = "ready"
                self.failures = 0
                self.assign()
            return
        if slot.job_id is None:
            return
        if not slot.started:  # still our own code speaking
            if word == b"started":
                slot.started = True
                report = decode(rest) or {}
                self.send({"ev": "started", "id": slot.job_id, "layers": report})
            elif word == b"setup-failed":
                self.send({"ev": "setup-failed", "id": slot.job_id,
                           "reason": rest.decode("utf-8", "replace")[:400]})
            return
        # Model code from here on: a number, the next case or "done", at most a few times a second.
        if word == b"c":  # a batch's next case (only ever the next one, never past the last)
            if rest == str(slot.case + 1).encode() and slot.case + 1 < slot.cases:
                slot.case += 1
                slot.last_progress = 0.0
                self.send({"ev": "case", "id": slot.job_id, "index": slot.case})
        elif word == b"p":
            now = time.monotonic()
            if now - slot.last_progress >= 0.2:
                try:
                    value = float(rest)
                except ValueError:
                    return
                if 0.0 <= value <= 1.0:
                    slot.last_progress = now
                    self.send({"ev": "progress", "id": slot.job_id, "value": value})
        elif word == b"done":
            self.send({"ev": "done", "id": slot.job_id})


    def on_status(self, slot: Slot) -> None:
        for line in slot.status.feed(self._drain(slot, "status_r", 4096)):
            word, _, rest = line.partition(b" ")
            if word == b"fail":
                sys.stderr.write(f"sandbox template: a slot failed to start: {rest.decode(errors='replace')}\n")
            elif word in (b"code", b"signal") and slot.job_id and not slot.exit_sent:
                slot.exit_sent = True
                self.send({"ev": "exit", "id": slot.job_id, word.decode(): int(rest)})

    def reap(self) -> None:
        while True:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            slot = self.by_warden.pop(pid, None)
            if slot is not None:
                if slot.direct and slot.job_id and not slot.exit_sent:
                    # The job process itself: its status, first hand. Its namespace died with it.
                    self.on_events(slot)  # what it said before it went (started, done)
                    slot.exit_sent = True
                    word = "signal" if os.WIFSIGNALED(_status) else "code"
                    value = os.WTERMSIG(_status) if os.WIFSIGNALED(_status) else (
                        os.WEXITSTATUS(_status) if os.WIFEXITED(_status) else 255)
                    self.send({"ev": "exit", "id": slot.job_id, word: value})
                self._retire(slot)

    def _retire(self, slot: Slot) -> None:
        # Drain what the slot said before it went (its exit status may still be in the pipe).
        self.on_status(slot)
        if slot.status_r >= 0:
            self.sel.unregister(slot.status_r)
            os.close(slot.status_r)
            slot.status_r = -1
        self.on_events(slot)
        if slot.events_r >= 0:
            self.sel.unregister(slot.events_r)
            os.close(slot.events_r)
            slot.events_r = -1  # the number may be reused by the next slot: never touch it again
        if slot.job_w >= 0:
            os.close(slot.job_w)
            slot.job_w = -1
        self.slots.pop(slot.sid, None)
        if slot.uid is not None:
            # Its whole tree is dead: the uid owns nothing alive. Reused first (LIFO), so that reuse is the
            # common case that every test exercises, not a rarity after 256 runs.
            self.free_uids.appendleft(slot.uid)
        if slot.job_id is not None:
            self.by_job.pop(slot.job_id, None)
            if not slot.exit_sent:
                self.send({"ev": "exit", "id": slot.job_id, "lost": True})
            self.send({"ev": "reaped", "id": slot.job_id})
        elif slot.state == "starting" and not self.closing:
            self.failures += 1
            self.retry_at = time.monotonic() + min(5.0, 0.05 * 2 ** min(self.failures, 7))
            if self.failures >= 5:
                for message in list(self.queue):
                    self.send({"ev": "error", "id": message.get("id"),
                               "reason": "sandboxes fail to start on this machine (see the service log)"})
                self.queue.clear()
        self.fill_pool()

    # -- kill ----------------------------------------------------------------------------------------
    def kill(self, job_id: str) -> None:
        slot = self.by_job.get(job_id)
        if slot is not None:
            self._terminate(slot)
        else:  # not assigned yet
            for message in list(self.queue):
                if str(message.get("id")) == job_id:
                    self.queue.remove(message)
                    self.send({"ev": "error", "id": job_id, "reason": "killed before it started"})

    def _terminate(self, slot: Slot, force: bool = False) -> None:
        """Kill a run: the job process when it is its namespace's init (the kernel kills the rest of the
        namespace); else the warden, which kills the run on SIGTERM (SIGKILL if it lingers)."""
        if slot.direct:
            force = True
        try:
            os.kill(slot.warden, signal.SIGKILL if force else signal.SIGTERM)
        except ProcessLookupError:
            return
        if not force and slot.kill_at is None:
            slot.kill_at = time.monotonic() + _KILL_GRACE_S

    def _next_timer(self) -> float | None:
        times = [s.kill_at for s in self.slots.values() if s.kill_at is not None]
        if time.monotonic() < self.retry_at:
            times.append(self.retry_at)
        return max(0.0, min(times) - time.monotonic()) if times else None

    def timers(self) -> None:
        now = time.monotonic()
        for slot in list(self.slots.values()):
            if slot.kill_at is not None and now >= slot.kill_at:
                slot.kill_at = None
                self._terminate(slot, force=True)
        if self.retry_at and now >= self.retry_at:
            self.retry_at = 0.0
            self.fill_pool()


# -- the processes of one slot (children of the template; never return) ---------------------------------
def _say(fd: int, text: str) -> None:
    try:
        os.write(fd, (text.replace("\n", " ")[:_LINE_CAP - 1] + "\n").encode("utf-8", "replace"))
    except OSError:
        pass


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _status_line(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"code {os.WEXITSTATUS(status) if os.WIFEXITED(status) else 255}"


def _warden(t: Template, uid: int | None, job_r: int, events_w: int, status_w: int,
            rehearsal: str | None) -> None:
    parent = os.getppid()
    layers.die_with_parent()
    if os.getppid() != parent:
        os._exit(EXIT_SETUP)
    os.setsid()
    report = layers.Layers()
    layers.enter_namespaces(t.mode, report)
    pidns = "pid" in report.namespaces
    report.tree_kill = "pid-namespace" if pidns else "subreaper"
    if not pidns:
        layers.subreaper()
    child = os.fork()
    if child == 0:
        if pidns:
            _init(t, uid, job_r, events_w, status_w, report, rehearsal)
        else:
            os.close(status_w)
            _job(t, uid, job_r, events_w, report, rehearsal)
        os._exit(EXIT_SETUP)
    os.close(job_r)
    os.close(events_w)

    def stop(*_: Any) -> None:
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass

    signal.signal(signal.SIGTERM, stop)
    while True:
        try:
            pid, status = os.waitpid(child, 0)
            break
        except ChildProcessError:
            os._exit(0)
    if not pidns:  # we waited for the job process itself: report, then kill whatever it left behind
        _say(status_w, _status_line(status))
        layers.kill_descendants()
    os._exit(0)


def _init(t: Template, uid: int | None, job_r: int, events_w: int, status_w: int, report: layers.Layers,
          rehearsal: str | None) -> None:
    layers.die_with_parent()
    layers.init_mounts(t.cfg.tmp_mb, report, layers.runtime_paths() + t.cfg.visible)
    child = os.fork()
    if child == 0:
        os.close(status_w)
        _job(t, uid, job_r, events_w, report, rehearsal)
        os._exit(EXIT_SETUP)
    os.close(job_r)
    os.close(events_w)
    while True:  # pid 1: reap everything until the job process itself has ended
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            os._exit(0)
        if pid == child:
            _say(status_w, _status_line(status))
            os._exit(0)  # the kernel now kills everything else in the namespace


def _job_in_namespaces(t: Template, uid: int | None, job_r: int, events_w: int, rehearsal: str | None) -> None:
    """A direct slot: pid 1 of its own pid namespace, alone in its mount, IPC, UTS and network namespaces.
    (No parent-death check beyond the signal: in a new pid namespace getppid() says 0; a template that died
    first closed the job pipe, and an empty job ends this process.)"""
    layers.die_with_parent()
    os.setsid()
    report = layers.Layers(namespaces=["ipc", "mount", "network", "pid", "uts"], network="empty (the template's)",
                           tree_kill="pid-namespace")
    layers.private_mounts()
    layers.init_mounts(t.cfg.tmp_mb, report, layers.runtime_paths() + t.cfg.visible)
    _job(t, uid, job_r, events_w, report, rehearsal)


def _job(t: Template, uid: int | None, job_r: int, events_w: int, report: layers.Layers,
         rehearsal: str | None) -> None:
    """Becomes the run's identity, rehearses, says ready, waits for the job, locks itself in, runs it."""
    layers.become(uid, report)
    layers.die_with_parent()
    _rehearse(t, report, rehearsal)
    os.write(events_w, b"ready\n")
    chunks = []
    while chunk := os.read(job_r, 1 << 16):
        chunks.append(chunk)
    os.close(job_r)
    message = decode(b"".join(chunks).strip())
    if not message:
        os._exit(0)  # the template retired this slot unused
    try:
        run_dir = str(message["run_dir"])
        kind = str(message["kind"])
        message["memory_at_start"] = _memory_kb()  # /proc is out of reach once locked in
        _lock_in(t, message, run_dir, kind, report)
        os.chdir(run_dir)
        out = os.path.join(run_dir, "out")
        console = _high(os.open(os.path.join(out, "console.log"),
                                os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600))
        null = _high(os.open("/dev/null", os.O_RDONLY | os.O_CLOEXEC))
        os.dup2(null, 0)
        os.dup2(console, 1)
        os.dup2(console, 2)
        layers.close_fds_except({0, 1, 2, events_w})
        os.set_blocking(events_w, False)
        tmp = "/tmp" if report.private_tmp else os.path.join(out, "tmp")
        os.makedirs(tmp, exist_ok=True)
        os.environ.clear()
        # System tools first; the interpreter's own bin/ last (a venv's cmake where the system has none).
        path = f"/usr/local/bin:/usr/bin:/bin:{os.path.dirname(os.path.abspath(sys.executable))}"
        os.environ.update({"PATH": path, "LANG": "C.UTF-8", "TMPDIR": tmp,
                           "HOME": tmp, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                           "MKL_NUM_THREADS": "1"})
        import tempfile

        tempfile.tempdir = None
    except Exception as exc:  # noqa: BLE001 - whatever it was, it happened before any model code
        _say(events_w, f"setup-failed {type(exc).__name__}: {exc}")
        os._exit(EXIT_SETUP)
    _say(events_w, "started " + json.dumps(report.as_dict(), separators=(",", ":")))
    # ---- the gate: model code from here on ----
    from fmu_sandbox import ingest, simulate

    runner = {"simulate": simulate.run, "batch": simulate.run_batch, "ingest": ingest.run, "probe": _probe}.get(kind)
    try:
        code = runner(message, out, events_w) if runner else 2
    except BaseException as exc:  # noqa: BLE001 - the model broke our code (or a bug of ours): its failure
        try:  # to the run's console, which the supervisor shows (capped)
            import traceback

            text = "".join(traceback.format_exception(exc))
        except BaseException:  # noqa: BLE001
            text = repr(exc)
        try:
            os.write(2, text.encode("utf-8", "replace")[-8000:])
        except OSError:
            pass
        code = 1
    try:
        os.write(events_w, b"done\n")
    except OSError:
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001 - a model may have closed them
            pass
    os._exit(code)


def _rehearse(t: Template, report: layers.Layers, fmu_dir: str | None) -> None:
    """Walk the paths a job takes before it arrives: a forked process pays for every page it touches
    first (copy on write), and this way it pays now, not while a client waits. Nothing here is a job's:
    a sample message, a ruleset built and thrown away, and (when the template has one) a short run of
    our own library model."""
    decode(encode({"id": "rehearsal", "kind": "simulate", "run_dir": "/", "fmu_dir": fmu_dir,
                   "limits": {"memory_mb": 1, "cpu_seconds": 1.0}, "job": {"outputs": ["x"]}}))
    _memory_kb()
    t.ruleset.rehearse([("/", layers.READ_ONLY)])
    if t.seccomp.bpf is not None:
        t.seccomp.program()
    json.dumps(report.as_dict(), separators=(",", ":"))
    if fmu_dir:
        from fmu_sandbox import simulate

        simulate.rehearse(fmu_dir)


def _memory_kb() -> dict[str, int]:
    """Virtual and resident size of this process now (KiB)."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            size, resident = (int(x) for x in fh.read().split()[:2])
    except (OSError, ValueError):
        return {}
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    return {"vm_kb": size * page_kb, "rss_kb": resident * page_kb}


def _high(fd: int) -> int:
    """The same file on a descriptor above the standard three (so dup2 onto 0-2 cannot clobber it)."""
    import fcntl

    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


def _probe(message: dict[str, Any], out: str, events: int) -> int:
    """The supervisor's self-test: the layers are in the "started" report; nothing to run."""
    return 0


def _lock_in(t: Template, message: dict[str, Any], run_dir: str, kind: str, report: layers.Layers) -> None:
    if kind == "ingest":  # unpacks and builds in its run directory
        rules: list[tuple[str, int]] = [(run_dir, layers.READ_WRITE_EXEC)]
    else:  # writes its results to out/ (a batch: and each case's c<i>/) and scratch to its private /tmp
        rules = [(run_dir, layers.FS_READ_FILE | layers.FS_READ_DIR), (os.path.join(run_dir, "out"), layers.READ_WRITE)]
        rules += [(path, layers.READ_WRITE) for path in _case_dirs(message)]
    fmu_dir = message.get("fmu_dir")
    if fmu_dir:
        rules.append((str(fmu_dir), layers.READ_ONLY))
        kept = kept_description_path(str(fmu_dir))
        if os.path.isfile(kept):  # FMPy's reading of its model description, when its ingest kept one
            rules.append((kept, layers.FS_READ_FILE))
    for path in message.get("read_only") or []:
        rules.append((str(path), layers.READ_ONLY))
    if t.cfg.tmp_is_private and not report.namespaces:
        report.private_tmp = True
    if report.private_tmp:
        rules += [("/tmp", layers.READ_WRITE_EXEC), ("/dev/shm", layers.READ_WRITE)]
    if report.private_proc:  # its own /proc/<pid> (/proc/self now), never its init's or anyone else's
        rules.append(("/proc/self", layers.FS_READ_FILE | layers.FS_READ_DIR))
    strict = t.cfg.require == "strict"
    if t.ruleset.abi > 0:
        t.ruleset.apply(rules, report)
    elif strict:
        raise OSError("Landlock is required (strict) but not available")
    for fd in t.ruleset.fds:
        os.close(fd)
    limits = dict(message.get("limits") or {})
    layers.set_rlimits(limits, report, per_uid_processes=report.own_uid or report.user_namespace)
    if t.seccomp.bpf is not None:
        t.seccomp.load(report)
    elif strict:
        raise OSError("seccomp is required (strict) but not available")


def _case_dirs(message: dict[str, Any]) -> list[str]:
    """A batch's case directories (protocol.case_dir), made by the supervisor."""
    jobs = message.get("jobs")
    if message.get("kind") != "batch" or not isinstance(jobs, list):
        return []
    return [case_dir(str(message["run_dir"]), i) for i in range(len(jobs))]


_PARENT = os.getppid()


def main(argv: list[str]) -> int:
    """`python -m fmu_sandbox serve [--config JSON] [--ctl-fd N]`: the protocol on fd N (both ways), or on
    stdin/stdout (a container's template). Without --config the first line of the control channel is the
    configuration (so that nothing about the host is in the argv every run can read as its own)."""
    if "--ctl-fd" in argv:
        fd = int(argv[argv.index("--ctl-fd") + 1])
        ctl_in, ctl_out = fd, os.dup(fd)
    else:
        ctl_in, ctl_out = os.dup(0), os.dup(1)
        null = os.open("/dev/null", os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(2, 1)  # stray prints must never reach the protocol
    os.set_inheritable(ctl_in, False)
    os.set_inheritable(ctl_out, False)
    reader = LineReader(1 << 20)
    if "--config" in argv:
        config = Config.from_json(argv[argv.index("--config") + 1])
    else:
        lines: list[bytes] = []
        while not lines:
            data = os.read(ctl_in, 1 << 16)
            if not data:
                return 0
            lines = reader.feed(data)
        config = Config.from_json(lines[0].decode())
        leftover = b"\n".join(lines[1:])
        if leftover:
            reader.feed(leftover + b"\n")
    template = Template(config, ctl_in, ctl_out)
    template.ctl = reader
    template.serve()
    return 0
