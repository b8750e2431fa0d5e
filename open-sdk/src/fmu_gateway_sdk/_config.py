"""Where the SDK finds its gateway and key: arguments, then environment, then the user's key file."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

KEY_ENV = "FMU_GATEWAY_API_KEY"
URL_ENV = "FMU_GATEWAY_URL"
CONFIG_DIR_ENV = "FMU_GATEWAY_CONFIG_DIR"
DEFAULT_URL = "http://127.0.0.1:8000"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def resolve_base_url(base_url: str | None) -> str:
    return (base_url or os.environ.get(URL_ENV) or DEFAULT_URL).rstrip("/")


def is_local(base_url: str) -> bool:
    """A gateway on this machine: the only kind for which the SDK creates a key by itself."""
    return (urlsplit(base_url).hostname or "") in LOCAL_HOSTS


def config_dir() -> Path:
    override = os.environ.get(CONFIG_DIR_ENV)
    return Path(override) if override else platformdirs.user_config_path("fmu-gateway")


def legacy_key_path() -> Path:
    return Path.home() / ".fmu_gateway_key"


def key_path(base_url: str) -> Path:
    """`key` for the default gateway; one file per other local gateway (each has its own accounts)."""
    if base_url == DEFAULT_URL:
        return config_dir() / "key"
    parts = urlsplit(base_url)
    tag = f"{parts.hostname or 'host'}-{parts.port or 'default'}".replace(":", "_")
    return config_dir() / f"key-{tag}"


def read_stored_key(base_url: str) -> str | None:
    candidates = [key_path(base_url)]
    if base_url == DEFAULT_URL and CONFIG_DIR_ENV not in os.environ:
        candidates.append(legacy_key_path())
    for path in candidates:
        try:
            key = path.read_text().strip()
        except OSError:
            continue
        if key:
            return key
    return None


def store_key(base_url: str, api_key: str) -> Path:
    """Write the key readable by the user only (0600), replacing any earlier one atomically."""
    path = key_path(base_url)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, (api_key + "\n").encode())
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path
