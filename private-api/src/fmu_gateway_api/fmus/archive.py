"""Upload validation for FMU archives and building binaries from shipped sources.

Pure library code: no web framework imports. Every rejection is an `ArchiveRejected` with a stable slug."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import zipfile
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from fmu_gateway_api.fmus.modeldescription import (
    DefaultExperiment,
    ModelDescriptionError,
    Variable,
    jsonable,
    parse_model_description,
)

__all__ = [
    "ArchiveLimits",
    "ArchiveRejected",
    "DefaultExperiment",
    "FmuDescription",
    "Variable",
    "build_from_sources",
    "inspect_archive",
]

MODEL_DESCRIPTION = "modelDescription.xml"
_LINUX_PLATFORM = {"2": "linux64", "3": "x86_64-linux"}
_RATIO_MIN_ENTRY_BYTES = 1 << 20
_SOURCE_SUFFIXES = (".c", ".cc", ".cpp", ".cxx")
_DRIVE = re.compile(r"^[A-Za-z]:")
_SPECIAL_FILES = (stat.S_IFLNK, stat.S_IFCHR, stat.S_IFBLK, stat.S_IFIFO, stat.S_IFSOCK)
_BUILD_LOG_LINES = 20
_BUILD_LOG_TAIL_BYTES = 64 * 1024
_CHUNK = 64 * 1024

_BUILD_HELPER = """
import sys
from fmpy.build import build_platform_binary
try:
    build_platform_binary(sys.argv[1], build_dir=sys.argv[2])
except Exception as exc:
    sys.stderr.write(f"build error: {type(exc).__name__}: {exc}\\n")
    sys.exit(1)
"""


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int = 5000
    max_uncompressed_bytes: int = 1 << 30  # total declared uncompressed size
    max_compression_ratio: float = 200.0  # per entry, for entries > 1 MiB
    max_model_description_bytes: int = 16 << 20


class ArchiveRejected(Exception):
    """A rejected upload: `slug` is a stable problem type, `detail` is for a person."""

    def __init__(self, slug: str, detail: str, status: int = 422) -> None:
        super().__init__(f"{slug}: {detail}")
        self.slug = slug
        self.detail = detail
        self.status = status


@dataclass(frozen=True)
class FmuDescription:
    fmi_version: str
    model_name: str
    instantiation_token: str
    description: str | None
    generation_tool: str | None
    interfaces: tuple[str, ...]
    model_identifiers: dict[str, str]
    platforms: tuple[str, ...]
    has_sources: bool
    needs_build: bool
    default_experiment: DefaultExperiment | None
    variables: tuple[Variable, ...]

    def to_dict(self) -> dict[str, Any]:
        """The description as JSON-able data (lists, dicts, str, numbers, bools, None)."""
        result: dict[str, Any] = jsonable(asdict(self))
        return result


def _unsafe_reason(name: str) -> str | None:
    if not name:
        return "has an empty name"
    if "\x00" in name:
        return "contains a NUL byte"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "is an absolute path"
    if ".." in re.split(r"[/\\]", name):
        return "contains a '..' path component"
    return None


def _is_special(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return stat.S_IFMT(mode) in _SPECIAL_FILES


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, OSError) as exc:
        raise ArchiveRejected("fmu-not-a-zip", f"the upload is not a readable ZIP archive ({exc})") from None


def _check_entries(zf: zipfile.ZipFile, limits: ArchiveLimits) -> list[zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > limits.max_entries:
        raise ArchiveRejected("fmu-too-many-entries", f"the archive has {len(infos)} entries, more than the "
                              f"limit of {limits.max_entries}")
    seen: set[str] = set()
    for info in infos:
        # orig_filename: zipfile cuts `filename` at the first NUL, which is exactly the trick to catch.
        reason = _unsafe_reason(info.orig_filename)
        if reason is None and info.filename in seen:
            reason = "appears more than once"
        if reason is not None:
            raise ArchiveRejected("fmu-unsafe-path", f"entry {info.orig_filename!r} {reason}")
        seen.add(info.filename)
    for info in infos:
        if _is_special(info):
            kind = "a symbolic link" if stat.S_ISLNK(info.external_attr >> 16) else "a special file"
            raise ArchiveRejected("fmu-symlink",
                                  f"entry {info.filename!r} is {kind}, which FMUs may not contain")
    total = sum(info.file_size for info in infos)
    if total > limits.max_uncompressed_bytes:
        raise ArchiveRejected("fmu-zip-bomb", f"the archive declares {total} bytes uncompressed, more than "
                              f"the limit of {limits.max_uncompressed_bytes}", status=413)
    for info in infos:
        if info.file_size > _RATIO_MIN_ENTRY_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_compression_ratio:
                raise ArchiveRejected("fmu-zip-bomb", f"entry {info.filename!r} has a compression ratio of "
                                      f"{ratio:.0f}:1, above the limit of {limits.max_compression_ratio:g}:1",
                                      status=413)
    return infos


def _copy_capped(src: IO[bytes], dst: IO[bytes], cap: int, what: str) -> int:
    """Copy at most `cap` bytes; more than that is a bomb whatever the headers declared."""
    copied = 0
    while chunk := src.read(_CHUNK):
        copied += len(chunk)
        if copied > cap:
            raise ArchiveRejected("fmu-zip-bomb", f"{what} expands beyond {cap} bytes", status=413)
        dst.write(chunk)
    return copied


def _read_model_description(zf: zipfile.ZipFile, limits: ArchiveLimits) -> bytes:
    try:
        info = zf.getinfo(MODEL_DESCRIPTION)
    except KeyError:
        raise ArchiveRejected("fmu-missing-model-description",
                              f"the archive has no {MODEL_DESCRIPTION} at its root") from None
    cap = limits.max_model_description_bytes
    if info.is_dir():
        raise ArchiveRejected("fmu-missing-model-description", f"{MODEL_DESCRIPTION} is a directory")
    if info.file_size > cap:
        raise ArchiveRejected("fmu-zip-bomb", f"{MODEL_DESCRIPTION} is {info.file_size} bytes, more than the "
                              f"limit of {cap}", status=413)
    with tempfile.SpooledTemporaryFile(max_size=cap + 1) as buf:
        try:
            with zf.open(info) as src:
                _copy_capped(src, buf, cap, MODEL_DESCRIPTION)
        except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, OSError) as exc:
            raise ArchiveRejected("fmu-not-a-zip", f"{MODEL_DESCRIPTION} cannot be read ({exc})") from None
        buf.seek(0)
        return buf.read()


def _platforms(names: list[str]) -> tuple[str, ...]:
    found = set()
    for name in names:
        parts = PurePosixPath(name).parts
        if len(parts) >= 3 and parts[0] == "binaries" and not name.endswith("/"):
            found.add(parts[1])
    return tuple(sorted(found))


def inspect_archive(path: Path, limits: ArchiveLimits = ArchiveLimits()) -> FmuDescription:  # noqa: B008
    """Validate an uploaded FMU and describe it.

    Checks, in order: ZIP readability, entry count, entry paths, links and special files, declared and
    per-entry compressed sizes, modelDescription.xml (present, safe, valid for FMPy), FMI version,
    interfaces, and a Linux binary (or sources to build one from). Raises ArchiveRejected on the first
    failure; `needs_build` is True when sources must be compiled before the FMU can run here."""
    with _open_zip(path) as zf:
        infos = _check_entries(zf, limits)
        xml = _read_model_description(zf, limits)
    try:
        md = parse_model_description(xml)
    except ModelDescriptionError as exc:
        raise ArchiveRejected(exc.slug, exc.detail) from None

    names = [info.filename for info in infos if not info.is_dir()]
    name_set = set(names)
    source_files = [n for n in names if n.startswith("sources/")]
    has_sources = bool(source_files)
    major = md.fmi_version.split(".", 1)[0]
    linux = _LINUX_PLATFORM[major]
    has_binary = any(f"binaries/{linux}/{mid}.so" in name_set for mid in md.model_identifiers.values())
    buildable = any(n.lower().endswith(_SOURCE_SUFFIXES) for n in source_files) or (
        major == "3" and "sources/buildDescription.xml" in name_set)
    if not has_binary and not buildable:
        wanted = " or ".join(sorted({f"binaries/{linux}/{mid}.so" for mid in md.model_identifiers.values()}))
        raise ArchiveRejected("fmu-no-linux-binary", f"the FMU has no Linux binary ({wanted}) and no sources "
                              "to build one from")
    return FmuDescription(
        fmi_version=md.fmi_version,
        model_name=md.model_name,
        instantiation_token=md.instantiation_token,
        description=md.description,
        generation_tool=md.generation_tool,
        interfaces=md.interfaces,
        model_identifiers=md.model_identifiers,
        platforms=_platforms(names),
        has_sources=has_sources,
        needs_build=not has_binary,
        default_experiment=md.default_experiment,
        variables=md.variables,
    )


def _extract(fmu: Path, dest: Path, limits: ArchiveLimits) -> None:
    """Extract an inspected archive; sizes are capped while writing and every target stays inside `dest`."""
    root = dest.resolve()
    budget = limits.max_uncompressed_bytes
    with _open_zip(fmu) as zf:
        for info in _check_entries(zf, limits):
            target = (root / info.filename).resolve()
            if not target.is_relative_to(root):
                raise ArchiveRejected("fmu-unsafe-path", f"entry {info.filename!r} escapes the archive")
            if info.is_dir():
                with contextlib.suppress(FileExistsError):
                    target.mkdir(parents=True, exist_ok=True)
                continue
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(target, "xb") as dst:
                    budget -= _copy_capped(src, dst, min(info.file_size, budget), f"entry {info.filename!r}")
            except (OSError, zipfile.BadZipFile, zlib.error, EOFError, RuntimeError) as exc:
                raise ArchiveRejected("fmu-build-failed", f"entry {info.filename!r} cannot be extracted "
                                      f"({type(exc).__name__}: {exc})") from None


def _zip_dir(src: Path, out: Path) -> None:
    files = sorted(p for p in src.rglob("*") if p.is_file() and not p.is_symlink())
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in files:
            info = zipfile.ZipInfo(file.relative_to(src).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100755 if file.suffix in (".so", ".dll", ".dylib") else 0o100644) << 16
            with open(file, "rb") as fh, zf.open(info, "w") as dst:
                shutil.copyfileobj(fh, dst, _CHUNK)


def _tail(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    return "\n".join(lines[-_BUILD_LOG_LINES:])


def _first_error(output: str) -> str:
    for line in output.splitlines():
        if "error" in line.lower():
            return line.strip()
    return "no error message"


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _log_tail(log: Path) -> str:
    # Only the end matters, and a hostile build can print without limit.
    with open(log, "rb") as fh:
        fh.seek(max(0, log.stat().st_size - _BUILD_LOG_TAIL_BYTES))
        return fh.read().decode("utf-8", "replace")


def _run_build(unzipdir: Path, build_dir: Path, home: Path, timeout_s: float) -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8"}
    log = home.parent / "build.log"
    with open(log, "wb") as out:
        # A new session so that a timeout kills cmake, make and the compiler too, not just the Python helper.
        proc = subprocess.Popen(
            [sys.executable, "-c", _BUILD_HELPER, str(unzipdir), str(build_dir)],
            cwd=home, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise ArchiveRejected("fmu-build-failed", f"building the binary from sources timed out after "
                                  f"{timeout_s:g} s\n{_tail(_log_tail(log))}") from None
        finally:
            if proc.poll() is None:
                _kill_group(proc)
    if proc.returncode != 0:
        # Temporary paths mean nothing to the uploader; "sources/model.c:3:1: error" does.
        output = re.sub(rf"(?<![\w.]){re.escape(str(unzipdir))}/", "", _log_tail(log))
        output = output.replace(str(home.parent), "<build>")
        raise ArchiveRejected("fmu-build-failed", f"building the binary from sources failed: "
                              f"{_first_error(output)}\nLast lines of the build output:\n{_tail(output)}")


def build_from_sources(fmu: Path, out: Path, timeout_s: float = 120) -> None:
    """Compile the Linux binary of an FMU that ships sources and write the result to `out`.

    The archive is extracted into a fresh temporary directory and FMPy's `build_platform_binary` runs in
    a subprocess with a scrubbed environment and a wall-clock timeout. Raises ArchiveRejected
    (`fmu-build-failed`) when the build fails, times out or produces no usable binary."""
    limits = ArchiveLimits()
    inspect_archive(fmu, limits)
    with tempfile.TemporaryDirectory(prefix="fmu-build-") as tmp:
        work = Path(tmp)
        unzipdir, build_dir, home = work / "fmu", work / "build", work / "home"
        for d in (unzipdir, build_dir, home):
            d.mkdir()
        _extract(fmu, unzipdir, limits)
        _run_build(unzipdir, build_dir, home, timeout_s)
        partial = work / "built.fmu"
        _zip_dir(unzipdir, partial)
        try:
            built = inspect_archive(partial, limits)
        except ArchiveRejected as exc:
            raise ArchiveRejected("fmu-build-failed", f"the built FMU is not valid: {exc.detail}") from None
        if built.needs_build:
            raise ArchiveRejected("fmu-build-failed", "the build finished but produced no Linux binary for "
                                  f"{', '.join(sorted(set(built.model_identifiers.values())))}")
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(partial), str(out))
