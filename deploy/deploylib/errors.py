"""Exit codes of `make deploy` (documented in deploy/README.md) and the error that carries one."""

from __future__ import annotations

EXIT_OK = 0
EXIT_AWS = 1  # an AWS error not covered below
EXIT_CONFIG = 2  # bad arguments, parameters or sizes: found before any AWS call
EXIT_MISSING = 3  # a prerequisite is missing (a secret, a consistent set of services)
EXIT_IMAGE = 4  # building, logging in to the registry or pushing failed
EXIT_ROLLOUT_TIMEOUT = 5  # a deployment still in progress when the watch timed out
EXIT_ROLLOUT_FAILED = 6  # a deployment failed: circuit breaker, alarm rollback, replaced
EXIT_MIGRATION = 7  # the migration task did not start, failed or did not finish in time
EXIT_STACK = 8  # cdk synth/deploy failed


class DeployError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def say(message: str) -> None:
    print(f"deploy: {message}", flush=True)  # noqa: T201  (a CLI that reports its steps)
