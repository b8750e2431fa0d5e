"""Reading a synthesized template in the stack tests: logical ids end in a hash, which `short` drops, and
`render` writes intrinsic functions as `${Name}`, `${Name.Attribute}` and joined strings, so expectations
read like what the template means."""

from __future__ import annotations

import json
import re
from typing import Any

from conftest import INFRA, Synth

EXAMPLE = json.loads((INFRA / "environments" / "example.json").read_text())
PREFIX = "fmu-gateway-example"
ARN = "arn:${AWS::Partition}"
REGION_ACCOUNT = "${AWS::Region}:${AWS::AccountId}"
_HASH = re.compile(r"^(?P<name>.+?)[0-9A-F]{8}$")


def short(logical_id: str) -> str:
    m = _HASH.match(logical_id)
    return m["name"] if m and not logical_id.startswith("AWS::") else logical_id


def render(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1:
            ((fn, arg),) = value.items()
            if fn == "Ref":
                return f"${{{short(arg)}}}"
            if fn == "Fn::GetAtt":
                return f"${{{short(arg[0])}.{arg[1]}}}"
            if fn == "Fn::Join":
                return arg[0].join(str(render(x)) for x in arg[1])
            if fn == "Fn::Select" and isinstance(arg[1], dict) and "Fn::Split" in arg[1]:
                separator, source = arg[1]["Fn::Split"]
                return f"${{split({render(source)}, {separator!r})[{arg[0]}]}}"
        return {k: render(v) for k, v in value.items()}
    if isinstance(value, list):
        return [render(v) for v in value]
    return value


def resources(synth: Synth, kind: str) -> dict[str, dict[str, Any]]:
    return {
        short(lid): render(r.get("Properties", {}))
        for lid, r in synth.template["Resources"].items()
        if r["Type"] == kind
    }


def one(synth: Synth, kind: str, name: str) -> dict[str, Any]:
    return resources(synth, kind)[name]


def container(synth: Synth, task: str) -> dict[str, Any]:
    (container,) = one(synth, "AWS::ECS::TaskDefinition", f"Services{task}Task")["ContainerDefinitions"]
    return container


def listify(value: Any) -> list[Any]:
    return sorted(value) if isinstance(value, list) else [value]


def iam_statements(synth: Synth) -> list[tuple[Any, ...]]:
    """(policy, Sid, Effect, resources, actions, condition) of every statement of every IAM policy."""
    found = []
    for kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        for name, policy in resources(synth, kind).items():
            for st in policy["PolicyDocument"]["Statement"]:
                found.append(
                    (
                        name,
                        st.get("Sid"),
                        st["Effect"],
                        listify(st["Resource"]),
                        listify(st["Action"]),
                        st.get("Condition"),
                    )
                )
    return found
