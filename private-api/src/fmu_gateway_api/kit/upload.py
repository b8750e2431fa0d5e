"""Streams one file part of a multipart/form-data request to disk, hashing as it goes and stopping at a
size cap, so an upload never sits in memory and an oversized one is cut off early."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from python_multipart.multipart import MultipartParser, parse_options_header

from fmu_gateway_api.errors import InvalidRequest, PayloadTooLarge, UnsupportedMediaType


@dataclass
class ReceivedFile:
    path: Path
    filename: str
    size: int
    sha256: str


class _TooLarge(Exception):
    pass


async def receive_file(content_type: str | None, stream: AsyncIterator[bytes], directory: Path,
                       max_bytes: int, field: str = "file") -> ReceivedFile:
    """Write the part named `field` to a temporary file in `directory`; the caller owns (and deletes) it."""
    mime, params = parse_options_header(content_type or "")
    if mime != b"multipart/form-data" or b"boundary" not in params:
        raise UnsupportedMediaType("Upload the FMU as multipart/form-data with a part named 'file'.")
    directory.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=directory, prefix="upload-", suffix=".fmu")
    out = os.fdopen(fd, "wb")
    digest = hashlib.sha256()
    state: dict[str, object] = {"size": 0, "field": None, "filename": None, "found": False, "in_file": False}
    header_field = bytearray()
    header_value = bytearray()
    headers: dict[bytes, bytes] = {}

    def on_part_begin() -> None:
        headers.clear()
        state["in_file"] = False

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header_field.extend(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header_value.extend(data[start:end])

    def on_header_end() -> None:
        headers[bytes(header_field).lower()] = bytes(header_value)
        header_field.clear()
        header_value.clear()

    def on_headers_finished() -> None:
        _disp, opts = parse_options_header(headers.get(b"content-disposition", b""))
        if opts.get(b"name", b"").decode("utf-8", "replace") == field and not state["found"]:
            state["in_file"] = True
            state["found"] = True
            state["filename"] = opts.get(b"filename", b"model.fmu").decode("utf-8", "replace")

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if not state["in_file"]:
            return
        chunk = data[start:end]
        size = int(state["size"]) + len(chunk)  # type: ignore[call-overload]
        if size > max_bytes:
            raise _TooLarge
        state["size"] = size
        digest.update(chunk)
        out.write(chunk)

    def on_part_end() -> None:
        state["in_file"] = False

    parser = MultipartParser(params[b"boundary"], {
        "on_part_begin": on_part_begin, "on_header_field": on_header_field,
        "on_header_value": on_header_value, "on_header_end": on_header_end,
        "on_headers_finished": on_headers_finished, "on_part_data": on_part_data, "on_part_end": on_part_end,
    })
    try:
        try:
            async for chunk in stream:
                parser.write(chunk)
            parser.finalize()
        finally:
            out.close()
    except _TooLarge:
        Path(name).unlink(missing_ok=True)
        raise PayloadTooLarge(f"The FMU is larger than the limit of {max_bytes} bytes.",
                              slug="fmu-too-large", limit_bytes=max_bytes) from None
    except Exception as exc:
        Path(name).unlink(missing_ok=True)
        if isinstance(exc, PayloadTooLarge | UnsupportedMediaType):
            raise
        raise InvalidRequest(f"The multipart body could not be read: {exc}", slug="malformed-upload") from exc
    if not state["found"]:
        Path(name).unlink(missing_ok=True)
        raise InvalidRequest(f"The multipart body has no part named '{field}'.", slug="malformed-upload")
    filename = os.path.basename(str(state["filename"]).replace("\\", "/"))[:255] or "model.fmu"
    return ReceivedFile(Path(name), filename, int(state["size"]), digest.hexdigest())  # type: ignore[call-overload]
