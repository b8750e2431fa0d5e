"""A minimal Docker Registry HTTP API v2, in process, for `docker login` and `docker push` in tests.

moto mocks ECR's control plane (repositories, authorization tokens) but not the registry that
`docker push` talks to, and no registry image can be pulled here. This server speaks the part of the
distribution protocol the Docker engine uses to log in and push, and to read a manifest back:

    GET  /v2/                                   version check; 401 + Basic challenge without credentials
    HEAD /v2/<name>/blobs/<digest>              does the layer exist?
    POST /v2/<name>/blobs/uploads/              start an upload (or ?mount=&from= cross-repository mount)
    PATCH <upload location>                     append a chunk (Content-Length or chunked encoding)
    PUT  <upload location>?digest=<digest>      finish; the digest is verified
    PUT  /v2/<name>/manifests/<reference>       store a manifest; answers with its Docker-Content-Digest
    GET|HEAD /v2/<name>/manifests/<reference>   read it back by tag or digest

Blobs are kept on disk (a pushed image is ~100 MB). Every request is recorded in `requests`.
The Docker engine treats 127.0.0.0/8 registries as insecure (plain HTTP) without configuration.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

_BLOB = re.compile(r"^/v2/(?P<name>.+)/blobs/(?P<digest>sha256:[0-9a-f]{64})$")
_UPLOADS = re.compile(r"^/v2/(?P<name>.+)/blobs/uploads/?$")
_UPLOAD = re.compile(r"^/v2/(?P<name>.+)/blobs/uploads/(?P<id>[0-9a-f]{32})$")
_MANIFEST = re.compile(r"^/v2/(?P<name>.+)/manifests/(?P<ref>[^/]+)$")


class LocalRegistry:
    """`with LocalRegistry(root, username=..., password=...) as reg:` serves on 127.0.0.1:<free port>.

    `immutable_tags=True` refuses to store a manifest under a tag that exists, as ECR does for a repository
    with immutable tags (TAG_INVALID), whatever the manifest.
    """

    def __init__(
        self,
        root: Path,
        *,
        username: str | None = None,
        password: str | None = None,
        immutable_tags: bool = False,
    ) -> None:
        self.root = root
        self.immutable_tags = immutable_tags
        self.credentials = (username, password) if username is not None else None
        (root / "blobs").mkdir(parents=True, exist_ok=True)
        (root / "uploads").mkdir(parents=True, exist_ok=True)
        self.manifests: dict[tuple[str, str], tuple[str, bytes]] = {}  # (repo, tag or digest) -> (type, body)
        self.requests: list[tuple[str, str]] = []
        self.logins: list[str] = []  # usernames that authenticated
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> LocalRegistry:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def blob_path(self, digest: str) -> Path:
        return self.root / "blobs" / digest.replace(":", "_")

    def manifest(self, repo: str, reference: str) -> tuple[str, bytes] | None:
        return self.manifests.get((repo, reference))

    def layers_present(self, repo: str, reference: str) -> bool:
        """Every blob a stored manifest names is stored and matches its digest's size."""
        found = self.manifest(repo, reference)
        if found is None:
            return False
        doc = json.loads(found[1])
        for blob in [doc["config"], *doc["layers"]]:
            path = self.blob_path(blob["digest"])
            if not path.is_file() or path.stat().st_size != blob["size"]:
                return False
        return True


def _handler_for(registry: LocalRegistry) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002  (quiet test output)
            return

        # -- plumbing -----------------------------------------------------------------------------------
        def _reply(
            self, status: int, body: bytes = b"", headers: dict[str, str] | None = None, *, head: bool = False
        ) -> None:
            self.send_response(status)
            self.send_header("Docker-Distribution-API-Version", "registry/2.0")
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            if "Content-Length" not in (headers or {}):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body and not head:
                self.wfile.write(body)

        def _error(self, status: int, code: str, message: str) -> None:
            body = json.dumps({"errors": [{"code": code, "message": message}]}).encode()
            self._reply(status, body, {"Content-Type": "application/json"})

        def _body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _authorized(self) -> bool:
            if registry.credentials is None:
                return True
            header = self.headers.get("Authorization", "")
            if header.startswith("Basic "):
                user, _, password = base64.b64decode(header[6:]).decode().partition(":")
                if (user, password) == registry.credentials:
                    with registry._lock:
                        registry.logins.append(user)
                    return True
            self._body()
            self._reply(
                401,
                b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
                {
                    "WWW-Authenticate": 'Basic realm="fmu-gateway-test-registry"',
                    "Content-Type": "application/json",
                },
            )
            return False

        def _route(self, method: str) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            with registry._lock:
                registry.requests.append((method, self.path))
            if not self._authorized():
                return
            path = url.path
            if path in ("/v2", "/v2/"):
                self._body()
                self._reply(200, b"{}", {"Content-Type": "application/json"}, head=method == "HEAD")
            elif m := _BLOB.match(path):
                self._blob(method, m["digest"])
            elif m := _UPLOADS.match(path):
                self._start_upload(method, m["name"], query)
            elif m := _UPLOAD.match(path):
                self._continue_upload(method, m["name"], m["id"], query)
            elif m := _MANIFEST.match(path):
                self._manifest(method, m["name"], m["ref"])
            else:
                self._body()
                self._error(404, "NAME_UNKNOWN", f"no route for {method} {path}")

        # -- blobs --------------------------------------------------------------------------------------
        def _blob(self, method: str, digest: str) -> None:
            self._body()
            path = registry.blob_path(digest)
            if method not in ("GET", "HEAD"):
                self._error(405, "UNSUPPORTED", "blobs are read-only")
            elif not path.is_file():
                self._error(404, "BLOB_UNKNOWN", f"unknown blob {digest}")
            else:
                data = b"" if method == "HEAD" else path.read_bytes()
                self._reply(
                    200,
                    data,
                    {
                        "Content-Length": str(path.stat().st_size),
                        "Docker-Content-Digest": digest,
                        "Content-Type": "application/octet-stream",
                    },
                    head=method == "HEAD",
                )

        def _start_upload(self, method: str, name: str, query: dict[str, str]) -> None:
            body = self._body()
            if method != "POST":
                self._error(405, "UNSUPPORTED", "POST starts an upload")
                return
            mount = query.get("mount")
            if mount and registry.blob_path(mount).is_file():
                self._reply(
                    201, headers={"Location": f"/v2/{name}/blobs/{mount}", "Docker-Content-Digest": mount}
                )
                return
            if "digest" in query:  # monolithic upload
                self._finish(name, body, query["digest"])
                return
            upload_id = uuid.uuid4().hex
            (registry.root / "uploads" / upload_id).write_bytes(b"")
            self._reply(
                202,
                headers={
                    "Location": f"/v2/{name}/blobs/uploads/{upload_id}",
                    "Range": "0-0",
                    "Docker-Upload-UUID": upload_id,
                },
            )

        def _continue_upload(self, method: str, name: str, upload_id: str, query: dict[str, str]) -> None:
            part = registry.root / "uploads" / upload_id
            body = self._body()
            if not part.is_file():
                self._error(404, "BLOB_UPLOAD_UNKNOWN", f"unknown upload {upload_id}")
                return
            if method in ("PATCH", "PUT") and body:
                with part.open("ab") as f:
                    f.write(body)
            if method == "PATCH":
                size = part.stat().st_size
                self._reply(
                    202,
                    headers={
                        "Location": f"/v2/{name}/blobs/uploads/{upload_id}",
                        "Range": f"0-{max(size - 1, 0)}",
                        "Docker-Upload-UUID": upload_id,
                    },
                )
            elif method == "PUT":
                self._finish(name, part.read_bytes(), query.get("digest", ""))
                part.unlink(missing_ok=True)
            elif method == "DELETE":
                part.unlink(missing_ok=True)
                self._reply(204)
            else:
                size = part.stat().st_size
                self._reply(204, headers={"Range": f"0-{max(size - 1, 0)}", "Docker-Upload-UUID": upload_id})

        def _finish(self, name: str, data: bytes, digest: str) -> None:
            actual = "sha256:" + hashlib.sha256(data).hexdigest()
            if digest != actual:
                self._error(400, "DIGEST_INVALID", f"expected {digest}, got {actual}")
                return
            registry.blob_path(actual).write_bytes(data)
            self._reply(
                201, headers={"Location": f"/v2/{name}/blobs/{actual}", "Docker-Content-Digest": actual}
            )

        # -- manifests ----------------------------------------------------------------------------------
        def _manifest(self, method: str, name: str, ref: str) -> None:
            body = self._body()
            if method == "PUT":
                digest = "sha256:" + hashlib.sha256(body).hexdigest()
                media_type = self.headers.get(
                    "Content-Type", "application/vnd.docker.distribution.manifest.v2+json"
                )
                moving_a_tag = not ref.startswith("sha256:") and (name, ref) in registry.manifests
                if registry.immutable_tags and moving_a_tag:
                    self._error(
                        400,
                        "TAG_INVALID",
                        f"The image tag '{ref}' already exists in the '{name}' repository and cannot be "
                        "overwritten because the repository is immutable.",
                    )
                    return
                for blob in _referenced_blobs(body):
                    if not registry.blob_path(blob).is_file():
                        self._error(400, "MANIFEST_BLOB_UNKNOWN", f"blob {blob} was not pushed")
                        return
                with registry._lock:
                    registry.manifests[(name, ref)] = (media_type, body)
                    registry.manifests[(name, digest)] = (media_type, body)
                self._reply(
                    201,
                    headers={"Location": f"/v2/{name}/manifests/{digest}", "Docker-Content-Digest": digest},
                )
            elif method in ("GET", "HEAD"):
                found = registry.manifest(name, ref)
                if found is None:
                    self._error(404, "MANIFEST_UNKNOWN", f"unknown manifest {name}:{ref}")
                    return
                media_type, data = found
                self._reply(
                    200,
                    data,
                    {
                        "Content-Type": media_type,
                        "Content-Length": str(len(data)),
                        "Docker-Content-Digest": "sha256:" + hashlib.sha256(data).hexdigest(),
                    },
                    head=method == "HEAD",
                )
            else:
                self._error(405, "UNSUPPORTED", f"{method} on a manifest")

        def do_GET(self) -> None:
            self._route("GET")

        def do_HEAD(self) -> None:
            self._route("HEAD")

        def do_POST(self) -> None:
            self._route("POST")

        def do_PATCH(self) -> None:
            self._route("PATCH")

        def do_PUT(self) -> None:
            self._route("PUT")

        def do_DELETE(self) -> None:
            self._route("DELETE")

    return Handler


def _referenced_blobs(body: bytes) -> list[str]:
    try:
        doc = json.loads(body)
    except ValueError:
        return []
    if "config" not in doc:  # a manifest list / index names manifests, not blobs
        return []
    return [doc["config"]["digest"], *(layer["digest"] for layer in doc.get("layers", []))]
