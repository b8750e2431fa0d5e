"""Content-addressed blob store on the local disk (sha256 -> bytes)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class BlobStore:
    """Blobs live at root/ab/abcdef...; writes are atomic (temp file + rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        os.chmod(root, 0o700)

    def path(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):
            raise ValueError(f"not a sha256: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put_file(self, source: Path, sha256: str | None = None) -> str:
        """Move `source` into the store (it is consumed) and return its sha256."""
        digest = sha256 or sha256_file(source)
        target = self.path(digest)
        if target.exists():
            source.unlink(missing_ok=True)
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(source, 0o600)
        try:
            os.replace(source, target)
        except OSError:  # another filesystem: copy, then rename atomically
            tmp = self._tmp(target.parent)
            shutil.copyfile(source, tmp)
            os.replace(tmp, target)
            source.unlink(missing_ok=True)
        return digest

    def put_bytes(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._tmp(target.parent)
        tmp.write_bytes(data)
        os.replace(tmp, target)
        return digest

    def read_bytes(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def delete(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)

    def healthy(self) -> bool:
        probe = self._tmp(self.root)
        try:
            probe.write_bytes(b"ok")
            return probe.read_bytes() == b"ok"
        finally:
            probe.unlink(missing_ok=True)

    def _tmp(self, directory: Path) -> Path:
        fd, name = tempfile.mkstemp(dir=directory, prefix=".tmp-")
        os.close(fd)
        return Path(name)
