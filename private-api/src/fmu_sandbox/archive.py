"""Upload validation for FMU archives, run inside the ingest sandbox (see ingest.py).

Pure library code. Every rejection is an `ArchiveRejected` with a stable slug."""

from __future__ import annotations

import contextlib
import re
import stat
import tempfile
import zipfile
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from fmu_sandbox.modeldescription import (
    DefaultExperiment,
    ModelDescriptionError,
    ParsedModelDescription,
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
    "expected_binary",
    "extract",
    "inspect_archive",
    "inspect_tree",
]

MODEL_DESCRIPTION = "modelDescription.xml"
_LINUX_PLATFORM = {"2": "linux64", "3": "x86_64-linux"}
_RATIO_MIN_ENTRY_BYTES = 1 << 20
_SOURCE_SUFFIXES = (".c", ".cc", ".cpp", ".cxx")
_DRIVE = re.compile(r"^[A-Za-z]:")
_SPECIAL_FILES = (stat.S_IFLNK, stat.S_IFCHR, stat.S_IFBLK, stat.S_IFIFO, stat.S_IFSOCK)
_CHUNK = 64 * 1024
_RATIO_MIN_TOTAL_BYTES = 16 << 20


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int = 5000
    max_uncompressed_bytes: int = 1 << 30  # total declared uncompressed size
    max_compression_ratio: float = 200.0  # per entry, for entries > 1 MiB
    max_model_description_bytes: int = 16 << 20
    max_model_variables: int = 200_000


class ArchiveRejected(Exception):
    """A rejected upload: `slug` is a stable problem type, `detail` is for a person."""

    def __init__(self, slug: str, detail: str, status: int = 422) -> None:
        super().__init__(f"{slug}: {detail}")
        self.slug = slug
        self.detail = detail
        self.status = status
        self.extra: dict[str, str] = {}


@dataclass(frozen=True)
class FmuDescription(ParsedModelDescription):
    """What the model description says, and the archive's layout: its platforms, whether it ships sources
    and whether it needs them built (no Linux binary)."""

    platforms: tuple[str, ...] = ()
    has_sources: bool = False
    needs_build: bool = False

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
    """The archive's entries, each name once: byte-identical duplicates (layered standards ship them) are
    kept once, and `extract` proves them identical; duplicates that differ are refused."""
    infos = zf.infolist()
    if len(infos) > limits.max_entries:
        raise ArchiveRejected("fmu-too-many-entries", f"the archive has {len(infos)} entries, more than the "
                              f"limit of {limits.max_entries}")
    first: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        # orig_filename: zipfile cuts `filename` at the first NUL, which is exactly the trick to catch.
        reason = _unsafe_reason(info.orig_filename)
        key = info.filename.rstrip("/")  # `a/` and `a` are one path: a directory and a file cannot share it
        earlier = first.get(key)
        if reason is None and earlier is not None and (
                earlier.file_size != info.file_size or earlier.CRC != info.CRC or earlier.is_dir() != info.is_dir()):
            reason = "appears more than once with different contents"
        if reason is not None:
            raise ArchiveRejected("fmu-unsafe-path", f"entry {info.orig_filename!r} {reason}")
        first.setdefault(key, info)
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
    # Many small entries that each pass the per-entry check still make a bomb together.
    packed = sum(info.compress_size for info in infos)
    if total > _RATIO_MIN_TOTAL_BYTES and total / max(packed, 1) > limits.max_compression_ratio:
        raise ArchiveRejected("fmu-zip-bomb", f"the archive expands {total / max(packed, 1):.0f}-fold "
                              f"({packed} bytes to {total}), above the limit of "
                              f"{limits.max_compression_ratio:g}:1", status=413)
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
        raise ArchiveRejected("model-too-large", f"{MODEL_DESCRIPTION} is {info.file_size} bytes, more than "
                              f"this gateway's limit of {cap}")
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
    return _describe(xml, [info.filename for info in infos if not info.is_dir()], limits)


def _describe(xml: bytes, names: list[str], limits: ArchiveLimits) -> FmuDescription:
    try:
        md = parse_model_description(xml, limits.max_model_variables)
    except ModelDescriptionError as exc:
        raise ArchiveRejected(exc.slug, exc.detail) from None
    name_set = set(names)
    source_files = [n for n in names if n.startswith("sources/")]
    has_sources = bool(source_files)
    major = md.fmi_version.split(".", 1)[0]
    linux = _LINUX_PLATFORM[major]
    has_binary = any(f"binaries/{linux}/{mid}.so" in name_set for mid in md.model_identifiers.values())
    buildable = any(n.lower().endswith(_SOURCE_SUFFIXES) for n in source_files) or (
        major == "3" and "sources/buildDescription.xml" in name_set)
    if not has_binary and not buildable:
        raise ArchiveRejected("fmu-no-linux-binary", f"the FMU has no Linux binary "
                              f"({expected_binary(names, md.fmi_version, md.model_identifiers)}) and no sources "
                              "to build one from")
    return FmuDescription(**vars(md), platforms=_platforms(names), has_sources=has_sources,
                          needs_build=not has_binary)


def expected_binary(names: list[str], fmi_version: str, model_identifiers: dict[str, str]) -> str:
    """The Linux binary this FMU would need, and what its binaries/ folder holds instead (a tool that
    names the file after something else than the model identifier)."""
    linux = _LINUX_PLATFORM[fmi_version.split(".", 1)[0]]
    identifiers = sorted(set(model_identifiers.values()))
    wanted = " or ".join(f"binaries/{linux}/{mid}.so" for mid in identifiers)
    present = sorted(n.rpartition("/")[2] for n in names if n.startswith(f"binaries/{linux}/"))
    if not present:
        return f"expected {wanted}"
    return (f"expected {wanted}; binaries/{linux}/ holds {', '.join(present[:10])}, which is not named after "
            f"the model identifier {' or '.join(identifiers)}")


def extract(fmu: Path, dest: Path, limits: ArchiveLimits) -> None:
    """Extract an inspected archive: sizes are capped while writing (whatever the headers say), every target
    stays inside `dest`, and a repeated entry must be byte-identical to the one already written."""
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
                if target.exists():
                    with zf.open(info) as src, open(target, "rb") as have:
                        if not _same(src, have):
                            raise ArchiveRejected("fmu-unsafe-path", f"entry {info.filename!r} appears more "
                                                  "than once with different contents")
                    continue
                with zf.open(info) as src, open(target, "xb") as dst:
                    budget -= _copy_capped(src, dst, budget, "the archive")
            except (OSError, zipfile.BadZipFile, zlib.error, EOFError, RuntimeError) as exc:
                raise ArchiveRejected("fmu-not-a-zip", f"entry {info.filename!r} cannot be extracted "
                                      f"({type(exc).__name__}: {exc})") from None


def _same(a: IO[bytes], b: IO[bytes]) -> bool:
    while True:
        x, y = a.read(_CHUNK), b.read(_CHUNK)
        if x != y:
            return False
        if not x:
            return True


def inspect_tree(root: Path, limits: ArchiveLimits = ArchiveLimits()) -> FmuDescription:  # noqa: B008
    """Describe an extracted FMU (after a build): the same checks as `inspect_archive` on the files."""
    md_path = root / MODEL_DESCRIPTION
    if not md_path.is_file():
        raise ArchiveRejected("fmu-missing-model-description", f"{MODEL_DESCRIPTION} is missing")
    if md_path.stat().st_size > limits.max_model_description_bytes:
        raise ArchiveRejected("model-too-large", f"{MODEL_DESCRIPTION} is larger than this gateway's limit of "
                              f"{limits.max_model_description_bytes} bytes")
    names = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and not p.is_symlink()]
    return _describe(md_path.read_bytes(), names, limits)
