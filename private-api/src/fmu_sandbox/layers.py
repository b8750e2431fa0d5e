"""The isolation layers a sandboxed run enters, one function each, in the order the template applies them.

    namespaces  new mount, pid, network, IPC and UTS namespaces (as root, or inside a user namespace of
                our own when unprivileged); a private tmpfs on /tmp and /dev/shm and a fresh /proc
    identity    the run's own uid (as root) or no capabilities left (in a user namespace)
    landlock    the runtime read-only, the job's FMU read-only, its run directory (and private /tmp)
                read-write, nothing else of the host; TCP bind/connect denied; signals and abstract unix
                sockets scoped to the run (py-landlock's bindings, ABI 1-7)
    seccomp     deny what a simulation never needs (ptrace, mount, namespaces, bpf, keyctl, sockets...);
                compiled once by libseccomp (pyseccomp) in the template, loaded as raw BPF per run
    rlimits     memory (address space), CPU seconds, file size, processes, open files, no core dumps

Every function records what it achieved in a `Layers` report: provenance says exactly which layers a run
had, and strict mode refuses to run without Landlock and seccomp. Stdlib, py-landlock and pyseccomp only.
"""

from __future__ import annotations

import ctypes
import errno
import os
import resource
import stat
import sys
import sysconfig
from dataclasses import asdict, dataclass, field
from typing import Any

_libc = ctypes.CDLL(None, use_errno=True)

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEW_ANY = (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET
                 | CLONE_NEWCGROUP | 0x00000080)  # 0x80: CLONE_NEWTIME
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 0x1, 0x2, 0x4, 0x8, 0x4000, 0x40000
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS, PR_SET_CHILD_SUBREAPER = 1, 4, 38, 36
SYS_CAPSET = 126  # x86_64
SECCOMP_SET_MODE_FILTER = 1
SYS_SECCOMP = 317  # x86_64


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def prctl(option: int, arg: int = 0) -> None:
    _check(_libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0), f"prctl({option})")


def die_with_parent() -> None:
    """SIGKILL when our parent dies (set again after any change of credentials: the kernel clears it)."""
    prctl(PR_SET_PDEATHSIG, 9)


# -- the report -------------------------------------------------------------------------------------------
@dataclass
class Layers:
    """What a run actually got. Every key is a layer; provenance carries it as is."""

    namespaces: list[str] = field(default_factory=list)
    network: str = ""  # "empty (the template's)", "empty (its own)", "the container's (none)" or "host"
    user_namespace: bool = False
    private_tmp: bool = False
    private_proc: bool = False
    own_uid: bool = False
    uid: int = -1
    no_new_privs: bool = False
    landlock_abi: int = 0
    landlock: bool = False
    seccomp: bool = False
    rlimits: bool = False
    tree_kill: str = ""  # "pid-namespace" or "subreaper"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- namespaces ---------------------------------------------------------------------------------------------
def unshare(flags: int) -> bool:
    return bool(_libc.unshare(ctypes.c_int(flags)) == 0)


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


NS_FLAGS = {"mount": CLONE_NEWNS, "pid": CLONE_NEWPID, "network": CLONE_NEWNET, "ipc": CLONE_NEWIPC,
            "uts": CLONE_NEWUTS}
# Per run: mount, pid, IPC and UTS. The network namespace is the template's own, empty one (entered once,
# see `empty_network`): creating and tearing down one per run costs more than the rest of the sandbox, and
# a run has no sockets to use it with anyway (seccomp refuses socket(); Landlock refuses TCP).
NS_ALL = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS
_NS_FILES = {"mnt": CLONE_NEWNS, "ipc": CLONE_NEWIPC, "uts": CLONE_NEWUTS, "pid": CLONE_NEWPID}


def empty_network() -> None:
    """A network namespace with nothing in it (loopback down) for the template and every run it forks."""
    if not unshare(CLONE_NEWNET):
        raise OSError(ctypes.get_errno(), "unshare(network namespace)")


def own_namespaces() -> dict[str, int]:
    """Descriptors of our own namespaces, to come back to after entering new ones for a fork."""
    return {name: os.open(f"/proc/self/ns/{name}", os.O_RDONLY | os.O_CLOEXEC) for name in _NS_FILES}


def return_to(namespaces: dict[str, int]) -> None:
    """Back to our own namespaces (and our own pid namespace for the next children)."""
    for name, fd in namespaces.items():
        _check(_libc.setns(fd, _NS_FILES[name]), f"setns({name})")


def private_mounts() -> None:
    """Nothing mounted in this mount namespace propagates back to the host."""
    _check(_libc.mount(b"none", b"/", None, ctypes.c_ulong(MS_REC | MS_PRIVATE), None), "mount --make-rprivate /")


def enter_namespaces(mode: str, report: Layers) -> None:
    """Called in the warden (before it forks the run's init). `mode`: root | userns | none."""
    if mode == "none":
        return
    flags = 0
    for f in NS_FLAGS.values():
        flags |= f
    if mode == "userns":
        uid, gid = os.geteuid(), os.getegid()
        if not unshare(flags | CLONE_NEWUSER):
            raise OSError(ctypes.get_errno(), "unshare(user namespace)")
        # Unprivileged: map our own ids to themselves; setgroups must be denied first.
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")
        report.user_namespace = True
    elif not unshare(flags):
        raise OSError(ctypes.get_errno(), "unshare(namespaces)")
    report.namespaces = sorted(NS_FLAGS)
    report.network = "empty (its own)"
    # Nothing we mount from here on propagates back to the host.
    _check(_libc.mount(b"none", b"/", None, ctypes.c_ulong(MS_REC | MS_PRIVATE), None), "mount --make-rprivate /")


def _mount(source: bytes, target: bytes, fstype: bytes, flags: int, data: bytes | None) -> None:
    _check(_libc.mount(source, target, fstype, ctypes.c_ulong(flags), data), f"mount {target.decode()}")


MS_BIND = 0x1000


def init_mounts(tmp_mb: int, report: Layers, keep: list[str]) -> None:
    """In the run's init (pid 1 of its namespace): private /tmp and /dev/shm, a /proc of its own. What the
    run must still reach under /tmp or /dev/shm (a checkout or venv there, the scratch directory) is bound
    back into the private tmpfs at the same path."""
    shadowed = []
    for path in keep:
        real = os.path.realpath(path)
        if real.startswith(("/tmp/", "/dev/shm/")) and os.path.exists(real):
            shadowed.append((real, os.open(real, os.O_PATH | os.O_CLOEXEC)))
    _mount(b"tmpfs", b"/tmp", b"tmpfs", MS_NOSUID | MS_NODEV, f"size={tmp_mb}m,mode=1777".encode())
    _mount(b"tmpfs", b"/dev/shm", b"tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
           f"size={min(tmp_mb, 64)}m,mode=1777".encode())
    for real, fd in sorted(shadowed):
        if os.path.isdir(f"/proc/self/fd/{fd}"):
            os.makedirs(real, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(real), exist_ok=True)
            os.close(os.open(real, os.O_WRONLY | os.O_CREAT, 0o600))
        _mount(f"/proc/self/fd/{fd}".encode(), real.encode(), b"", MS_BIND | MS_REC, None)
        os.close(fd)
    report.private_tmp = True
    try:
        _mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
        report.private_proc = True
    except OSError:
        pass  # /proc stays the host's, and Landlock keeps the run out of it
    try:
        _libc.sethostname(b"sandbox", 7)
    except OSError:
        pass


# -- identity -------------------------------------------------------------------------------------------
class _CapHeader(ctypes.Structure):
    _fields_ = (("version", ctypes.c_uint32), ("pid", ctypes.c_int))


class _CapData(ctypes.Structure):
    _fields_ = (("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32))


def drop_capabilities() -> None:
    """Empty effective, permitted and inheritable sets (a user namespace leaves us all of them)."""
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (_CapData * 2)()
    _check(_libc.syscall(SYS_CAPSET, ctypes.byref(header), data), "capset")


def become(uid: int | None, report: Layers) -> None:
    """The run's own identity: its uid (as root), or no capabilities (unprivileged / user namespace)."""
    if uid is not None and os.geteuid() == 0:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
        report.own_uid = True
    elif report.user_namespace:
        drop_capabilities()
    report.uid = os.getuid()
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    report.no_new_privs = True


# -- landlock -------------------------------------------------------------------------------------------
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_REMOVE_DIR, FS_REMOVE_FILE, FS_MAKE_CHAR, FS_MAKE_DIR, FS_MAKE_REG = 1 << 4, 1 << 5, 1 << 6, 1 << 7, 1 << 8
FS_MAKE_SOCK, FS_MAKE_FIFO, FS_MAKE_BLOCK, FS_MAKE_SYM, FS_REFER = 1 << 9, 1 << 10, 1 << 11, 1 << 12, 1 << 13
FS_TRUNCATE, FS_IOCTL_DEV = 1 << 14, 1 << 15
FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
READ_ONLY = FS_READ_FILE | FS_READ_DIR | FS_EXECUTE
# A run directory: files and directories, never links, FIFOs, sockets or devices (nothing to plant).
READ_WRITE = (FS_READ_FILE | FS_READ_DIR | FS_WRITE_FILE | FS_TRUNCATE | FS_MAKE_REG | FS_MAKE_DIR
              | FS_REMOVE_FILE | FS_REMOVE_DIR)
READ_WRITE_EXEC = READ_WRITE | FS_EXECUTE


def landlock_abi() -> int:
    try:
        from py_landlock import landlock_sys

        return int(landlock_sys.get_abi_version())
    except Exception:  # not built in, disabled at boot, or the bindings are missing
        return 0


def runtime_paths() -> list[str]:
    """What the interpreter and its packages need to read (and map executable) after the job starts."""
    paths = {"/usr", "/lib", "/lib64", "/bin", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d",
             "/etc/localtime", "/etc/alternatives"}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        paths.add(sysconfig.get_paths()[key])
    paths.add(os.path.join(sys.base_prefix, "lib"))  # libpython and lib-dynload of a non-system Python
    paths.add(os.path.dirname(os.path.realpath(sys.executable)))
    paths.add(os.path.dirname(os.path.abspath(sys.executable)))  # a venv's bin/ (tools such as cmake)
    paths.add(os.path.join(sys.prefix, "pyvenv.cfg"))  # what a venv's interpreter reads first
    paths.add(os.path.dirname(os.path.abspath(__file__)))  # this package, wherever it is installed
    return sorted(p for p in paths if os.path.exists(p))


class RulesetTemplate:
    """The static part of every run's Landlock ruleset: runtime paths opened once in the template (as
    root, before any uid drop: a pyenv under /root is not reachable later), fds inherited by each run."""

    def __init__(self, protected: list[str]) -> None:
        self.abi = landlock_abi()
        self.static: list[tuple[int, int]] = []
        if self.abi <= 0:
            return
        from py_landlock.abi import ABIVersion, get_supported_fs, get_supported_net, get_supported_scope

        # Plain ints, computed once: what every run's ruleset handles.
        abi = ABIVersion(self.abi)
        self.handled_fs = int(get_supported_fs(abi))
        self.handled_net = int(get_supported_net(abi))  # handled, no rule: TCP bind/connect denied
        self.scoped = int(get_supported_scope(abi))  # signals and abstract unix sockets stay in the run
        real_protected = [os.path.realpath(p) for p in protected]
        for path in runtime_paths():
            real = os.path.realpath(path)
            for secret in real_protected:
                if secret == real or secret.startswith(real.rstrip("/") + "/"):
                    raise RuntimeError(f"refusing to expose {real}: it contains the protected path {secret}")
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            self.static.append((fd, READ_ONLY if os.path.isdir(path) else READ_ONLY & FILE_RIGHTS))
        for dev, rights in (("/dev/null", FS_READ_FILE | FS_WRITE_FILE), ("/dev/zero", FS_READ_FILE),
                            ("/dev/urandom", FS_READ_FILE), ("/dev/random", FS_READ_FILE)):
            if os.path.exists(dev):
                self.static.append((os.open(dev, os.O_PATH | os.O_CLOEXEC), rights))

    @property
    def fds(self) -> list[int]:
        return [fd for fd, _ in self.static]

    def _build(self, rules: list[tuple[str, int]]) -> int:
        from py_landlock import landlock_sys

        attr = landlock_sys.RulesetAttr()
        attr.handled_access_fs = self.handled_fs
        attr.handled_access_net = self.handled_net
        attr.scoped = self.scoped
        ruleset = landlock_sys.create_ruleset(attr)
        try:
            rule = landlock_sys.PathBeneathAttr()
            for fd, rights in self.static:
                rule.allowed_access, rule.parent_fd = rights & self.handled_fs, fd
                landlock_sys.add_rule(ruleset, rule)
            for path, rights in rules:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                try:
                    is_dir = stat.S_ISDIR(os.fstat(fd).st_mode)
                    rule.allowed_access = (rights if is_dir else rights & FILE_RIGHTS) & self.handled_fs
                    rule.parent_fd = fd
                    landlock_sys.add_rule(ruleset, rule)
                finally:
                    os.close(fd)
        except BaseException:
            os.close(ruleset)
            raise
        return int(ruleset)

    def apply(self, rules: list[tuple[str, int]], report: Layers) -> None:
        """Create this run's ruleset (static + `rules`), enforce it on this process and its children."""
        from py_landlock import landlock_sys

        ruleset = self._build(rules)
        try:
            landlock_sys.restrict_self(landlock_sys.RulesetFd(ruleset), None)
        finally:
            os.close(ruleset)
        report.landlock_abi = self.abi
        report.landlock = True

    def rehearse(self, rules: list[tuple[str, int]]) -> None:
        """Everything `apply` does but the enforcement (a slot warms its pages before its job arrives)."""
        if self.abi > 0:
            os.close(self._build(rules))


# -- seccomp --------------------------------------------------------------------------------------------
DENIED_SYSCALLS = (
    # other processes' memory and debugging
    "ptrace process_vm_readv process_vm_writev kcmp pidfd_getfd process_madvise "
    # the file system tree, namespaces and the machine
    "mount umount2 pivot_root chroot unshare setns fsopen fsconfig fsmount fspick open_tree move_mount "
    "mount_setattr open_by_handle_at name_to_handle_at quotactl quotactl_fd swapon swapoff acct reboot "
    "kexec_load kexec_file_load init_module finit_module delete_module syslog "
    "sethostname setdomainname settimeofday clock_settime clock_adjtime adjtimex iopl ioperm vhangup "
    # kernel attack surface a simulation never uses
    "bpf perf_event_open userfaultfd keyctl add_key request_key lookup_dcookie fanotify_init "
    "io_uring_setup io_uring_enter io_uring_register uselib personality "
    # host-wide IPC objects (System V) and every socket but a pair: a run has nobody to talk to
    "shmget msgget semget socket"
).split()


class SeccompProgram:
    """A deny-list filter compiled once with libseccomp; each run loads the raw BPF (microseconds)."""

    def __init__(self) -> None:
        self.bpf: bytes | None = None
        self.error: str | None = None
        try:
            self.bpf = self._compile()
        except Exception as exc:  # libseccomp missing, or a kernel without seccomp filters
            self.error = f"{type(exc).__name__}: {exc}"

    @staticmethod
    def _compile() -> bytes:
        import tempfile

        import pyseccomp as sc

        flt = sc.SyscallFilter(sc.ALLOW)  # other architectures (x32, i386) are killed by libseccomp
        deny = sc.ERRNO(errno.EPERM)
        for name in DENIED_SYSCALLS:
            try:
                flt.add_rule(deny, name)
            except (OSError, ValueError):
                continue  # unknown on this architecture
        # clone() with any namespace flag; clone3 hides its flags in memory, so it is refused as unknown
        # (glibc falls back to clone).
        for bit in (CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
                    CLONE_NEWCGROUP, 0x80):
            flt.add_rule(deny, "clone", sc.Arg(0, sc.MASKED_EQ, bit, bit))
        flt.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
        with tempfile.TemporaryFile() as fh:
            flt.export_bpf(fh)
            fh.seek(0)
            return fh.read()

    def load(self, report: Layers) -> None:
        if self.bpf is None:
            raise OSError(errno.ENOSYS, f"seccomp is not available: {self.error}")
        _check(_libc.syscall(SYS_SECCOMP, SECCOMP_SET_MODE_FILTER, 0, ctypes.byref(self.program())), "seccomp")
        report.seccomp = True

    def program(self) -> _SockFprog:
        assert self.bpf is not None
        return _SockFprog(len(self.bpf) // 8, self.bpf)


class _SockFprog(ctypes.Structure):
    _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.c_char_p))


# -- rlimits ----------------------------------------------------------------------------------------------
def set_rlimits(limits: dict[str, Any], report: Layers, *, per_uid_processes: bool) -> None:
    mb = 1024 * 1024
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cpu = int(limits["cpu_seconds"]) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))
    fsize = int(limits["max_file_mb"]) * mb
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    nofile = int(limits.get("max_open_files", 1024))
    resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
    if per_uid_processes:  # counts every process of the uid: only meaningful when the uid is the run's own
        nproc = int(limits["max_processes"])
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    memory = int(limits["memory_mb"]) * mb
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    report.rlimits = True


# -- file descriptors -------------------------------------------------------------------------------------
def close_fds_except(keep: set[int]) -> None:
    """Close every descriptor not in `keep` (0-2 included unless kept)."""
    last = -1
    for fd in sorted(keep) + [1 << 20]:
        if fd - last > 1:
            os.closerange(last + 1, min(fd, 1 << 20))
        last = fd


def subreaper() -> None:
    prctl(PR_SET_CHILD_SUBREAPER, 1)


def kill_descendants() -> None:
    """As a subreaper: SIGKILL every descendant (orphans are re-parented to us), until none is left."""
    me = os.getpid()
    for _ in range(200):
        children = _children(me)
        if not children:
            return
        for pid in children:
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                found += [int(p) for p in fh.read().split()]
        except OSError:
            continue
    return found
