"""Whether the Docker tests can run here: why not (a reason starting "needs Docker:", which CI refuses to
skip), or None when an engine answers and has the image."""

from __future__ import annotations

_MISSING: dict[str, str | None] = {}


def docker_missing(image: str) -> str | None:
    if image in _MISSING:
        return _MISSING[image]
    reason = None
    try:
        import docker

        engine = docker.from_env(timeout=10)
        engine.ping()
    except Exception as exc:  # noqa: BLE001 - any failure means no engine
        reason = f"needs Docker: no Docker engine answers ({type(exc).__name__}); run deploy/ci-docker.sh"
    else:
        try:
            engine.images.get(image)
        except Exception:  # noqa: BLE001 - any failure means no image
            reason = f"needs Docker: the image {image} is missing; run `make runner-image`"
        finally:
            engine.close()
    _MISSING[image] = reason
    return reason
