"""Optional backends come with extras of the package (`pip install 'fmu-gateway-api[docker]'`): a setting that
names one whose extra is not installed stops the service at start with a message that says which."""

from __future__ import annotations

import importlib.util


class MissingExtra(RuntimeError):
    pass


def require(module: str, extra: str, why: str) -> None:
    """Refuse to go on when `module` is not importable: `why` needs the `extra` of fmu-gateway-api."""
    if importlib.util.find_spec(module) is None:
        raise MissingExtra(f"{why} needs the '{extra}' extra: pip install 'fmu-gateway-api[{extra}]'")
