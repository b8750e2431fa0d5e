"""Where the SDK finds its gateway and key: arguments, then environment, then the user's config directory.

The config directory (`~/.config/fmu-gateway`, or FMU_GATEWAY_CONFIG_DIR) holds one key file per gateway
(`key` for the default local one, `key-<host>-<port>` for others; mode 0600) and an optional
`config.toml`:

    url = "https://gateway.example.com"         # the gateway to use (FMU_GATEWAY_URL wins over it)
    public_url = "https://gateway.example.com"  # `run --auto`: used when no local gateway answers
"""

from __future__ import annotations

import os
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
import platformdirs

KEY_ENV = "FMU_GATEWAY_API_KEY"
URL_ENV = "FMU_GATEWAY_URL"
CONFIG_DIR_ENV = "FMU_GATEWAY_CONFIG_DIR"
DEFAULT_URL = "http://127.0.0.1:8000"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
KeySource = Literal["argument", "environment", "file", "created"]


@dataclass(frozen=True)
class KeyOrigin:
    """Where the key in use came from: `path` for a stored (or just created and stored) key."""

    source: KeySource
    path: Path | None = None


def config_dir() -> Path:
    override = os.environ.get(CONFIG_DIR_ENV)
    return Path(override) if override else platformdirs.user_config_path("fmu-gateway")


def config_file() -> Path:
    return config_dir() / "config.toml"


def read_config() -> dict[str, Any]:
    """config.toml as a dict ({} when there is none); a malformed file is an error that names it."""
    path = config_file()
    try:
        text = path.read_text()
    except OSError:
        return {}
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: {exc}") from None


def resolve_base_url(base_url: str | None) -> str:
    """The argument, FMU_GATEWAY_URL, `url` in config.toml, else the local gateway."""
    configured = read_config().get("url")
    return (base_url or os.environ.get(URL_ENV) or configured or DEFAULT_URL).rstrip("/")


def is_local(base_url: str) -> bool:
    """A gateway on this machine: the only kind for which the SDK creates a key unasked."""
    return (urlsplit(base_url).hostname or "") in LOCAL_HOSTS


def find_gateway(base_url: str | None, *, transport: httpx.BaseTransport | None = None) -> tuple[str, str]:
    """`run --auto`: the gateway to use and why: the argument, FMU_GATEWAY_URL, `url` in config.toml, a
    gateway answering at http://127.0.0.1:8000, then `public_url` in config.toml. LookupError when none."""
    if base_url:
        return base_url.rstrip("/"), "--url"
    if os.environ.get(URL_ENV):
        return os.environ[URL_ENV].rstrip("/"), URL_ENV
    config = read_config()
    if config.get("url"):
        return str(config["url"]).rstrip("/"), f"url in {config_file()}"
    if _answers(DEFAULT_URL, transport):
        return DEFAULT_URL, f"a gateway answers at {DEFAULT_URL}"
    if config.get("public_url"):
        return str(config["public_url"]).rstrip("/"), f"public_url in {config_file()}"
    raise LookupError(
        f"no gateway found: no --url, no {URL_ENV}, no url in {config_file()}, nothing answers at "
        f"{DEFAULT_URL} and no public_url in {config_file()}. Start a local gateway (`make run` in the "
        f"FMU Gateway repository) or name one with --url")


def _answers(base_url: str, transport: httpx.BaseTransport | None) -> bool:
    try:
        with httpx.Client(base_url=base_url, timeout=2.0, transport=transport) as client:
            response = client.get("/v1/health")
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def legacy_key_path() -> Path:
    return Path.home() / ".fmu_gateway_key"


def key_path(base_url: str) -> Path:
    """`key` for the default gateway; one file per other gateway (each has its own accounts)."""
    if base_url == DEFAULT_URL:
        return config_dir() / "key"
    parts = urlsplit(base_url)
    tag = f"{parts.hostname or 'host'}-{parts.port or 'default'}".replace(":", "_")
    return config_dir() / f"key-{tag}"


def read_stored_key(base_url: str) -> tuple[str, Path] | None:
    """The stored key for this gateway and the file it is in (the legacy ~/.fmu_gateway_key too)."""
    candidates = [key_path(base_url)]
    if base_url == DEFAULT_URL and CONFIG_DIR_ENV not in os.environ:
        candidates.append(legacy_key_path())
    for path in candidates:
        try:
            key = path.read_text().strip()
        except OSError:
            continue
        if key:
            return key, path
    return None


def store_key(base_url: str, api_key: str) -> tuple[Path, Path | None]:
    """Write the key readable by the user only (0600). An earlier key file is kept next to it, renamed
    (`key.replaced-<time>`): a key is the only way into its account. Returns (file, the renamed one)."""
    path = key_path(base_url)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    kept = None
    if path.exists():
        stamp = time.strftime("%Y%m%dT%H%M%S")
        kept = path.with_name(f"{path.name}.replaced-{stamp}")
        n = 1
        while kept.exists():
            n += 1
            kept = path.with_name(f"{path.name}.replaced-{stamp}-{n}")
        os.replace(path, kept)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, (api_key + "\n").encode())
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path, kept


def announce(message: str) -> None:
    """Tell the person at the terminal (or notebook) something they need to know, once, on stderr."""
    sys.stderr.write(f"fmu-gateway: {message}\n")
    sys.stderr.flush()
