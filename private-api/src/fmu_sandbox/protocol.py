"""The fork-server's wire format: one JSON object per line, both ways. Stdlib only: the service imports
this module too (it speaks the supervisor's side)."""

from __future__ import annotations

import json
import os
from typing import Any


def case_dir(run_dir: str, case: int) -> str:
    """Where a batch's case writes what a single run writes to out/: c<case> beside out/, in the run
    directory the sandbox may not change (Landlock), so that no case directory can be swapped for a link.
    The supervisor makes it; the sandbox writes it (see fmu_sandbox.simulate.run_batch)."""
    return os.path.join(run_dir, f"c{case}")


def kept_description_path(fmu_dir: str) -> str:
    """Where FMPy's own reading of an unpacked FMU's model description is kept (pickled), beside the FMU in
    the read-only cache: its ingest sandbox writes it once, and each run of that FMU loads it instead of
    parsing the XML again (see fmu_sandbox.simulate.kept_description)."""
    return fmu_dir.rstrip("/") + ".fmpy"


KEPT_DESCRIPTION_FILE = "fmpy-description.pickle"  # what the ingest sandbox writes to its out/


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":"), allow_nan=False).encode() + b"\n"


def decode(line: bytes) -> dict[str, Any] | None:
    """A message, or None for anything that is not a JSON object (never an exception)."""
    try:
        value = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


class LineReader:
    """Splits a byte stream into lines. A line longer than `cap` is dropped whole (its sender is not to be
    trusted to be brief), and the buffer never holds more than `cap` bytes."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.buf = bytearray()
        self.skipping = False

    def feed(self, data: bytes) -> list[bytes]:
        lines: list[bytes] = []
        start = 0
        while True:
            end = data.find(b"\n", start)
            if end < 0:
                break
            if self.skipping:
                self.skipping = False
            elif len(self.buf) + end - start <= self.cap:
                self.buf += data[start:end]
                lines.append(bytes(self.buf))
            self.buf.clear()
            start = end + 1
        rest = data[start:]
        if not self.skipping:
            if len(self.buf) + len(rest) > self.cap:
                self.buf.clear()
                self.skipping = True
            else:
                self.buf += rest
        return lines
