"""Content-addressed blobs (sha256 -> bytes) behind one interface: a local directory (the embedded
default) or S3, shared by every API and worker process.

Kinds keep what lives differently apart (S3 keys `<prefix><kind>/<sha256>`, so lifecycle rules and IAM
can tell them apart): `fmus` (uploaded archives), `results` (result documents), `logs`. The local store
keeps its one flat layout (`root/ab/abcdef...`) for every kind."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, Protocol

Kind = Literal["fmus", "results", "logs"]
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _checked(sha256: str) -> str:
    if not _SHA256.match(sha256):
        raise ValueError(f"not a sha256: {sha256!r}")
    return sha256


class BlobMissing(FileNotFoundError):
    pass


class BlobStore(Protocol):
    name: str

    def put_file(self, source: Path, sha256: str | None = None, *, kind: Kind = "results") -> str:
        """Store `source` (it is consumed) and return its sha256."""

    def put_bytes(self, data: bytes, *, kind: Kind = "results") -> str: ...

    def read_bytes(self, sha256: str, *, kind: Kind = "results") -> bytes: ...

    def exists(self, sha256: str, *, kind: Kind = "results") -> bool: ...

    def delete(self, sha256: str, *, kind: Kind = "results") -> None: ...

    def local_copy(self, sha256: str, *, kind: Kind) -> contextlib.AbstractContextManager[Path]:
        """A local file with the blob's bytes while the context lasts (the local store's own file)."""

    def healthy(self) -> bool: ...


class LocalBlobStore:
    """Blobs at root/ab/abcdef...; writes are atomic (temp file + rename)."""

    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        os.chmod(root, 0o700)

    def path(self, sha256: str) -> Path:
        return self.root / _checked(sha256)[:2] / sha256

    def exists(self, sha256: str, *, kind: Kind = "results") -> bool:
        return self.path(sha256).is_file()

    def put_file(self, source: Path, sha256: str | None = None, *, kind: Kind = "results") -> str:
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

    def put_bytes(self, data: bytes, *, kind: Kind = "results") -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._tmp(target.parent)
        tmp.write_bytes(data)
        os.replace(tmp, target)
        return digest

    def read_bytes(self, sha256: str, *, kind: Kind = "results") -> bytes:
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise BlobMissing(sha256) from None

    def delete(self, sha256: str, *, kind: Kind = "results") -> None:
        self.path(sha256).unlink(missing_ok=True)

    @contextlib.contextmanager
    def local_copy(self, sha256: str, *, kind: Kind) -> Iterator[Path]:
        path = self.path(sha256)
        if not path.is_file():
            raise BlobMissing(sha256)
        yield path

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


class S3BlobStore:
    """Blobs as S3 objects `<prefix><kind>/<sha256>`. A local copy is downloaded to `scratch` and checked
    against its name (the bytes are what the id says, or the copy is refused)."""

    name = "s3"

    def __init__(self, client: Any, bucket: str, prefix: str, scratch: Path) -> None:
        self.client, self.bucket, self.prefix = client, bucket, prefix
        self.scratch = scratch

    def key(self, sha256: str, kind: Kind) -> str:
        return f"{self.prefix}{kind}/{_checked(sha256)}"

    def exists(self, sha256: str, *, kind: Kind = "results") -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(sha256, kind))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def put_file(self, source: Path, sha256: str | None = None, *, kind: Kind = "results") -> str:
        digest = sha256 or sha256_file(source)
        try:
            self.client.upload_file(str(source), self.bucket, self.key(digest, kind))
        finally:
            source.unlink(missing_ok=True)
        return digest

    def put_bytes(self, data: bytes, *, kind: Kind = "results") -> str:
        digest = hashlib.sha256(data).hexdigest()
        self.client.put_object(Bucket=self.bucket, Key=self.key(digest, kind), Body=data)
        return digest

    def read_bytes(self, sha256: str, *, kind: Kind = "results") -> bytes:
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self.key(sha256, kind))["Body"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                raise BlobMissing(sha256) from None
            raise
        with contextlib.closing(body):
            data: bytes = body.read()
        return data

    def delete(self, sha256: str, *, kind: Kind = "results") -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.key(sha256, kind))

    @contextlib.contextmanager
    def local_copy(self, sha256: str, *, kind: Kind) -> Iterator[Path]:
        from botocore.exceptions import ClientError

        self.scratch.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, name = tempfile.mkstemp(dir=self.scratch, prefix=f"{kind}-")
        os.close(fd)
        path = Path(name)
        try:
            try:
                self.client.download_file(self.bucket, self.key(sha256, kind), name)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                    raise BlobMissing(sha256) from None
                raise
            if sha256_file(path) != sha256:
                raise BlobMissing(f"{sha256}: the stored bytes do not match their name")
            yield path
        finally:
            path.unlink(missing_ok=True)

    def healthy(self) -> bool:
        self.client.head_bucket(Bucket=self.bucket)
        return True


def make_blob_store(settings: Any, scratch: Path) -> BlobStore:
    if settings.blob_store == "s3":
        from fmu_gateway_api.kit.extras import require

        require("boto3", "ecs", "FMU_GATEWAY_BLOB_STORE=s3")
        if not settings.s3_bucket:
            raise ValueError("FMU_GATEWAY_BLOB_STORE=s3 needs FMU_GATEWAY_S3_BUCKET")
        import boto3

        client = boto3.client("s3", region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url)
        return S3BlobStore(client, settings.s3_bucket, settings.s3_prefix, scratch)
    return LocalBlobStore(settings.data_dir / "blobs")
