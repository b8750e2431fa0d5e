"""Images: build (or reuse) them, log in to the registry, push them once per tag.

The repositories have immutable tags and the tag is the commit, so a second `make deploy` of the same
commit must not push again (the registry refuses to move a tag). Before pushing, the registry is asked
for the tag's manifest (Docker Registry HTTP API v2, the protocol `docker push` speaks, with the same
credentials): when it is there, its digest is the image of that commit and nothing is pushed.
"""

from __future__ import annotations

import base64
import os
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import EXIT_CONFIG, EXIT_IMAGE, DeployError, say

API_REPO, RUNNER_REPO = "fmu-gateway-api", "fmu-gateway-runner"
MANIFEST_TYPES = ", ".join(
    (
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    )
)


@dataclass(frozen=True)
class Registry:
    host: str
    username: str
    password: str

    @property
    def auth(self) -> dict[str, str]:
        return {"username": self.username, "password": self.password}

    @property
    def base_url(self) -> str:
        local = self.host.startswith(("127.", "localhost"))  # the engine treats these as plain HTTP too
        return f"{'http' if local else 'https'}://{self.host}"


def image_tag(root: Path) -> str:
    """The commit (12 hex digits). A work tree with changes has no honest commit tag: refuse it."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        sha, changes = git("rev-parse", "--short=12", "HEAD"), git("status", "--porcelain")
    except (OSError, subprocess.CalledProcessError) as exc:
        raise DeployError(f"no git commit to tag the images with ({exc}); pass --tag", EXIT_CONFIG) from None
    if changes:
        raise DeployError(
            f"the work tree has uncommitted changes: images tagged {sha} would not be commit {sha}. "
            "Commit them, or pass --tag",
            EXIT_CONFIG,
        )
    return sha


def docker_client() -> Any:
    import docker

    try:
        client = docker.from_env(timeout=600)
        client.ping()
    except Exception as exc:
        raise DeployError(f"the Docker engine does not answer: {exc}", EXIT_IMAGE) from None
    return client


def build_images(root: Path, api_image: str, runner_image: str) -> None:
    for script, env_name, image in (
        ("build-runner-image.sh", "FMU_GATEWAY_RUNNER_IMAGE", runner_image),
        ("build-api-image.sh", "FMU_GATEWAY_API_IMAGE", api_image),
    ):
        t0 = time.monotonic()
        proc = subprocess.run(
            ["bash", str(root / "deploy" / script)], env={**os.environ, env_name: image}, check=False
        )
        if proc.returncode != 0:
            raise DeployError(f"deploy/{script} failed (exit {proc.returncode})", EXIT_IMAGE)
        say(f"  {image}: ready ({time.monotonic() - t0:.1f} s)")


def login(ecr: Any, registry_override: str | None, repository_uri: str) -> Registry:
    """An ECR authorization token, and the Docker engine logged in with it."""
    data = ecr.get_authorization_token()["authorizationData"][0]
    user, _, password = base64.b64decode(data["authorizationToken"]).decode().partition(":")
    registry = Registry(registry_override or repository_uri.split("/", 1)[0], user, password)
    try:
        docker_client().login(username=user, password=password, registry=registry.host, reauth=True)
    except DeployError:
        raise
    except Exception as exc:
        raise DeployError(f"docker login to {registry.host} failed: {exc}", EXIT_IMAGE) from None
    say(f"  logged in to {registry.host} as {user}")
    return registry


def remote_digest(registry: Registry, repo: str, tag: str) -> str | None:
    """The digest the registry holds for repo:tag, or None when the tag is not there."""
    request = urllib.request.Request(
        f"{registry.base_url}/v2/{repo}/manifests/{tag}",
        method="HEAD",
        headers={
            "Accept": MANIFEST_TYPES,
            "Authorization": "Basic "
            + base64.b64encode(f"{registry.username}:{registry.password}".encode()).decode(),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  (the registry, https)
            digest = response.headers.get("Docker-Content-Digest")
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise DeployError(f"the registry answered {exc.code} for {repo}:{tag}", EXIT_IMAGE) from None
    except OSError as exc:
        raise DeployError(f"the registry {registry.host} does not answer: {exc}", EXIT_IMAGE) from None
    if not digest:
        raise DeployError(f"the registry gave no digest for {repo}:{tag}", EXIT_IMAGE)
    return digest


def publish(local: str, registry: Registry, repo: str, tag: str) -> str:
    """Return <registry>/<repo>@<digest> of repo:tag, pushing `local` only when the tag is not there yet."""
    repository = f"{registry.host}/{repo}"
    existing = remote_digest(registry, repo, tag)
    if existing is not None:
        say(f"  {repo}:{tag} is in the registry already ({existing}): not pushed again (immutable tag)")
        return f"{repository}@{existing}"
    client = docker_client()
    try:
        image = client.images.get(local)
    except Exception as exc:
        raise DeployError(f"no local image {local}: {exc}", EXIT_IMAGE) from None
    image.tag(repository, tag)
    digest = None
    t0 = time.monotonic()
    for event in client.images.push(repository, tag, stream=True, decode=True, auth_config=registry.auth):
        if "error" in event:
            raise DeployError(f"pushing {repository}:{tag} failed: {event['error']}", EXIT_IMAGE)
        digest = (event.get("aux") or {}).get("Digest", digest)
    if not digest:
        raise DeployError(f"pushing {repository}:{tag} reported no digest", EXIT_IMAGE)
    say(f"  pushed {repository}:{tag} -> {digest} ({time.monotonic() - t0:.1f} s)")
    return f"{repository}@{digest}"
