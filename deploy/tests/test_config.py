"""The stack's parameters and a release (deploy/infra/fmu_gateway_infra/config.py), Fargate's table: plain
Python, checked by deploy.py before any AWS call."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import pytest
from conftest import FAKE_RELEASE, INFRA, ROOT
from template import (
    EXAMPLE,
)

sys.path.insert(0, str(INFRA))
from fmu_gateway_infra.config import ConfigError, Parameters, Release  # noqa: E402
from fmu_gateway_infra.fargate import check_size  # noqa: E402


@pytest.mark.parametrize(
    ("cpu", "memory", "message"),
    [
        (256, 512, None),
        (1024, 8192, None),
        (16384, 122880, None),
        (
            1024,
            1024,
            "api: memory 1024 MiB does not go with cpu 1024 on Fargate (2048..8192 MiB in steps of 1024)",
        ),
        (
            8192,
            18432,
            "api: memory 18432 MiB does not go with cpu 8192 on Fargate (16384..61440 MiB in steps of 4096)",
        ),
        (3072, 6144, "api: cpu 3072 is not a Fargate size (one of 256, 512, 1024, 2048, 4096, 8192, 16384)"),
    ],
)
def test_fargate_sizes(cpu: int, memory: int, message: str | None) -> None:
    if message is None:
        check_size("api", cpu, memory)
    else:
        with pytest.raises(ValueError, match=re.escape(message)):
            check_size("api", cpu, memory)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"workerCpu": 2048, "workerMemory": 2048}, "worker: memory 2048 MiB does not go with cpu 2048"),
        ({"publicUrl": "http://api.example.com"}, "publicUrl 'http://api.example.com': an https:// URL"),
        ({"certificateArn": "arn:aws:acm:x"}, "certificateArn 'arn:aws:acm:x' is not an ACM certificate ARN"),
        ({"logRetentionDays": 31}, "logRetentionDays 31 is not one CloudWatch Logs accepts"),
        ({"s3Prefix": "gw"}, "s3Prefix: empty, or a relative key prefix ending in '/'"),
        ({"workerMinTasks": 0}, "workerMinTasks must be at least 1"),
        ({"multiAz": "yes"}, "parameter multiAz: 'yes' is not a bool"),
        ({"apiCpus": 1}, "unknown parameters: apiCpus"),
        (
            {"workerEphemeralStorageGib": 10},
            "worker: ephemeral storage 10 GiB is outside Fargate's 21..200 GiB",
        ),
    ],
)
def test_parameters_are_checked(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        Parameters.from_mapping("example", {**EXAMPLE, **change})


def test_a_release_names_images_by_digest_and_complete_secret_arns() -> None:
    assert Release.from_json(json.dumps(FAKE_RELEASE)).api_revision == 7
    with pytest.raises(ConfigError, match="apiImage|api_image"):
        Release.from_json(json.dumps({**FAKE_RELEASE, "apiImage": "fmu-gateway-api:latest"}))
    partial = {
        **FAKE_RELEASE["secretArns"],
        "STRIPE_API_KEY": "arn:aws:secretsmanager:eu-central-1:1:secret:x",
    }
    with pytest.raises(ConfigError, match="secret STRIPE_API_KEY: .* is not a complete Secrets Manager ARN"):
        Release.from_json(json.dumps({**FAKE_RELEASE, "secretArns": partial}))


def test_every_parameter_is_documented_in_the_readme() -> None:
    readme = (ROOT / "deploy" / "README.md").read_text()
    from dataclasses import fields

    from fmu_gateway_infra.config import _camel

    missing = [
        _camel(f.name)
        for f in fields(Parameters)
        if f.name != "environment" and f"`{_camel(f.name)}`" not in readme
    ]
    assert missing == []
