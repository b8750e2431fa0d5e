"""Streams one file part of a multipart/form-data request to disk, hashing as it goes and stopping at a
size cap, so an upload never sits in memory and an oversized one is cut off early."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from python_multipart.multipart import MultipartParser, parse_options_header

from fmu_gateway_api.errors import InvalidRequest, PayloadTooLarge, UnsupportedMediaType

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks


@dataclass
class ReceivedFile:
    path: Path
    filename: str
    size: int
    sha256: str


class _TooLarge(Exception):
    pass


class _FilePart:
    """The parser's callbacks: headers of each part, and the bytes of the first part named `field` written to
    `out` and hashed, up to `max_bytes`."""

    def __init__(self, field: str, out: BinaryIO, max_bytes: int) -> None:
        self.field, self.out, self.max_bytes = field, out, max_bytes
        self.digest = hashlib.sha256()
        self.size = 0
        self.found = False
        self.filename = "model.fmu"
        self._in_file = False
        self._name = bytearray()
        self._value = bytearray()
        self._headers: dict[bytes, bytes] = {}

    def callbacks(self) -> MultipartCallbacks:
        return {"on_part_begin": self.part_begin, "on_header_field": self.header_field,
                "on_header_value": self.header_value, "on_header_end": self.header_end,
                "on_headers_finished": self.headers_finished, "on_part_data": self.part_data,
                "on_part_end": self.part_end}

    def part_begin(self) -> None:
        self._headers.clear()
        self._in_file = False

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self._name.extend(data[start:end])

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self._value.extend(data[start:end])

    def header_end(self) -> None:
        self._headers[bytes(self._name).lower()] = bytes(self._value)
        self._name.clear()
        self._value.clear()

    def headers_finished(self) -> None:
        _disposition, opts = parse_options_header(self._headers.get(b"content-disposition", b""))
        if opts.get(b"name", b"").decode("utf-8", "replace") == self.field and not self.found:
            self._in_file = self.found = True
            # Kept as the FMU's name: no NUL or other control characters (PostgreSQL's text refuses NUL).
            name = opts.get(b"filename", b"model.fmu").decode("utf-8", "replace")
            self.filename = "".join(c for c in name if c.isprintable())

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if not self._in_file:
            return
        chunk = data[start:end]
        if self.size + len(chunk) > self.max_bytes:
            raise _TooLarge
        self.size += len(chunk)
        self.digest.update(chunk)
        self.out.write(chunk)

    def part_end(self) -> None:
        self._in_file = False


async def receive_file(content_type: str | None, stream: AsyncIterator[bytes], directory: Path,
                       max_bytes: int, field: str = "file") -> ReceivedFile:
    """Write the part named `field` to a temporary file in `directory`; the caller owns (and deletes) it."""
    mime, params = parse_options_header(content_type or "")
    if mime != b"multipart/form-data" or b"boundary" not in params:
        raise UnsupportedMediaType("Upload the FMU as multipart/form-data with a part named 'file'.")
    directory.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=directory, prefix="upload-", suffix=".fmu")
    try:
        with os.fdopen(fd, "wb") as out:
            part = _FilePart(field, out, max_bytes)
            parser = MultipartParser(params[b"boundary"], part.callbacks())
            async for chunk in stream:
                parser.write(chunk)
            parser.finalize()
    except _TooLarge:
        Path(name).unlink(missing_ok=True)
        raise PayloadTooLarge(f"The FMU is larger than the limit of {max_bytes} bytes.",
                              slug="fmu-too-large", limit_bytes=max_bytes) from None
    except Exception as exc:
        Path(name).unlink(missing_ok=True)
        if isinstance(exc, PayloadTooLarge | UnsupportedMediaType):
            raise
        raise InvalidRequest(f"The multipart body could not be read: {exc}", slug="malformed-upload") from exc
    if not part.found:
        Path(name).unlink(missing_ok=True)
        raise InvalidRequest(f"The multipart body has no part named '{field}'.", slug="malformed-upload")
    filename = os.path.basename(part.filename.replace("\\", "/"))[:255] or "model.fmu"
    return ReceivedFile(Path(name), filename, part.size, part.digest.hexdigest())
