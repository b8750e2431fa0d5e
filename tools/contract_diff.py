#!/usr/bin/env python3
"""Contract gate: breaking changes between the released contract and the current one.

    python tools/contract_diff.py [--released shared-specs/released/openapi.yaml]
                                  [--current shared-specs/openapi.yaml]

Reported as breaking (a client written against the released contract would fail):
  - an operation (path + method) removed, a path removed
  - a response status removed from an operation, a response media type removed
  - in a response body: a property removed, or a required property made optional; a type widened
    (the client gets values it does not expect)
  - in a request body or a parameter: a new required property or parameter, an optional one made
    required, an enum value removed, a type narrowed; a request media type removed
Schemas are compared after resolving local $refs, through properties, items and allOf.

The rule for versions (semver, with the 0.x rule of semver 2.0.0 §4: anything may change before 1.0,
and by convention here a minor bump announces it):
  - 1.x and later: a breaking change needs a major bump (2.0.0 after 1.4.2);
  - 0.x: a breaking change needs at least a minor bump (0.3.0 after 0.2.x), or a move to 1.0.0.
A break that the version does not announce fails the gate (exit 1). The version must never go down.
When a release is made, the current contract is copied to shared-specs/released/openapi.yaml.

Exit codes: 0 no unannounced break, 1 unannounced break (or version went down), 2 unreadable input.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$")


@dataclass(frozen=True)
class Break:
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


class Spec:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc

    def resolve(self, node: Any, seen: frozenset[str] = frozenset()) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/") or ref in seen:
                return {}
            seen = seen | {ref}
            target: Any = self.doc
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def schema(self, node: Any, depth: int = 0) -> dict[str, Any]:
        """The schema with $refs resolved and allOf merged (properties, required, type)."""
        node = self.resolve(node)
        if not isinstance(node, dict):
            return {}
        if "allOf" in node and depth < 20:
            merged: dict[str, Any] = {k: v for k, v in node.items() if k != "allOf"}
            props: dict[str, Any] = dict(merged.get("properties", {}))
            required = list(merged.get("required", []))
            for part in node["allOf"]:
                sub = self.schema(part, depth + 1)
                props.update(sub.get("properties", {}))
                required += sub.get("required", [])
                for key in ("type", "enum", "items"):
                    if key in sub and key not in merged:
                        merged[key] = sub[key]
            merged["properties"], merged["required"] = props, sorted(set(required))
            return merged
        return node


def types_of(spec: Spec, schema: dict[str, Any]) -> set[str] | None:
    """The JSON types a schema allows; None when it does not say (anything goes)."""
    if "type" in schema:
        t = schema["type"]
        found = set(t) if isinstance(t, list) else {t}
        if schema.get("nullable"):
            found.add("null")
        return found
    variants = schema.get("oneOf") or schema.get("anyOf")
    if variants:
        union: set[str] = set()
        for v in variants:
            sub = types_of(spec, spec.schema(v))
            if sub is None:
                return None
            union |= sub
        return union
    return None


def _covers(types: set[str], other: set[str]) -> bool:
    """Every type of `other` is allowed by `types` (number admits integer)."""
    return all(t in types or (t == "integer" and "number" in types) for t in other)


def compare_schema(
    spec_old: Spec,
    spec_new: Spec,
    old: Any,
    new: Any,
    where: str,
    direction: str,
    out: list[Break],
    depth: int = 0,
) -> None:
    """direction: "request" (the client sends it) or "response" (the client reads it)."""
    if depth > 25:
        return
    o, n = spec_old.schema(old), spec_new.schema(new)
    to, tn = types_of(spec_old, o), types_of(spec_new, n)
    if direction == "request":
        if to is not None and (tn is not None and not _covers(tn, to)):
            out.append(Break(where, f"type narrowed from {sorted(to)} to {sorted(tn)}"))
        if "enum" in o and "enum" in n:
            removed = [v for v in o["enum"] if v not in n["enum"]]
            if removed:
                out.append(Break(where, f"enum values removed: {removed}"))
        elif "enum" in n and "enum" not in o:
            out.append(Break(where, f"restricted to the enum {n['enum']}"))
    elif to is not None and tn is not None and not _covers(to, tn):
        out.append(Break(where, f"type widened from {sorted(to)} to {sorted(tn)}"))

    o_props, n_props = o.get("properties", {}) or {}, n.get("properties", {}) or {}
    o_req, n_req = set(o.get("required", [])), set(n.get("required", []))
    if direction == "response":
        for name in o_props:
            if name not in n_props and not _open(n):
                out.append(Break(f"{where}.{name}", "response property removed"))
            elif name in o_req and name not in n_req:
                out.append(Break(f"{where}.{name}", "response property made optional (was required)"))
    else:
        for name in sorted(n_req - o_req):
            what = (
                "required request property added" if name not in o_props else "request property made required"
            )
            out.append(Break(f"{where}.{name}", what))
    for name in o_props.keys() & n_props.keys():
        compare_schema(
            spec_old, spec_new, o_props[name], n_props[name], f"{where}.{name}", direction, out, depth + 1
        )
    if "items" in o and "items" in n:
        compare_schema(spec_old, spec_new, o["items"], n["items"], f"{where}[]", direction, out, depth + 1)


def _open(schema: dict[str, Any]) -> bool:
    """A response schema without declared properties (a free-form object) removes nothing."""
    return not schema.get("properties")


def _params(
    spec: Spec, path_item: dict[str, Any], op: dict[str, Any]
) -> dict[tuple[str, str], dict[str, Any]]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for p in [*path_item.get("parameters", []), *op.get("parameters", [])]:
        p = spec.resolve(p)
        found[(p.get("in", ""), p.get("name", ""))] = p
    return found


def _content(spec: Spec, node: Any) -> dict[str, Any]:
    node = spec.resolve(node) or {}
    content: dict[str, Any] = node.get("content", {}) or {}
    return content


def diff(old_doc: dict[str, Any], new_doc: dict[str, Any]) -> list[Break]:
    so, sn = Spec(old_doc), Spec(new_doc)
    out: list[Break] = []
    old_paths, new_paths = old_doc.get("paths", {}) or {}, new_doc.get("paths", {}) or {}
    for path, old_item in old_paths.items():
        old_item = so.resolve(old_item)
        new_item = sn.resolve(new_paths.get(path)) if path in new_paths else None
        for method in METHODS:
            if method not in old_item:
                continue
            op_where = f"{method.upper()} {path}"
            if new_item is None or method not in new_item:
                out.append(Break(op_where, "operation removed" if new_item is not None else "path removed"))
                continue
            compare_operation(so, sn, old_item, new_item, old_item[method], new_item[method], op_where, out)
    return out


def compare_operation(
    so: Spec,
    sn: Spec,
    old_item: dict[str, Any],
    new_item: dict[str, Any],
    old_op: dict[str, Any],
    new_op: dict[str, Any],
    where: str,
    out: list[Break],
) -> None:
    op, np_ = _params(so, old_item, old_op), _params(sn, new_item, new_op)
    for key, param in np_.items():
        label = f"{where} parameter {key[1]} ({key[0]})"
        if param.get("required") and (key not in op or not op[key].get("required")):
            out.append(
                Break(label, "required parameter added" if key not in op else "parameter made required")
            )
        if key in op:
            compare_schema(so, sn, op[key].get("schema", {}), param.get("schema", {}), label, "request", out)

    if "requestBody" in old_op:
        old_body = so.resolve(old_op["requestBody"])
        new_body = sn.resolve(new_op.get("requestBody", {}))
        old_c, new_c = _content(so, old_body), _content(sn, new_body)
        for media, media_obj in old_c.items():
            if media not in new_c:
                out.append(Break(f"{where} request {media}", "request media type removed"))
                continue
            compare_schema(
                so,
                sn,
                media_obj.get("schema", {}),
                new_c[media].get("schema", {}),
                f"{where} request",
                "request",
                out,
            )
    elif new_op.get("requestBody") and sn.resolve(new_op["requestBody"]).get("required"):
        out.append(Break(f"{where} request", "required request body added"))

    old_r, new_r = old_op.get("responses", {}) or {}, new_op.get("responses", {}) or {}
    for status, old_resp in old_r.items():
        status = str(status)
        if status not in {str(s) for s in new_r}:
            out.append(Break(f"{where} response {status}", "response status removed"))
            continue
        new_resp = new_r.get(status, new_r.get(int(status) if status.isdigit() else status))
        old_c, new_c = _content(so, old_resp), _content(sn, new_resp)
        for media, media_obj in old_c.items():
            if media not in new_c:
                out.append(Break(f"{where} response {status} {media}", "response media type removed"))
                continue
            compare_schema(
                so,
                sn,
                media_obj.get("schema", {}),
                new_c[media].get("schema", {}),
                f"{where} response {status}",
                "response",
                out,
            )


def parse_version(text: str) -> tuple[int, int, int]:
    m = _SEMVER.match(str(text).strip())
    if not m:
        raise ValueError(f"info.version {text!r} is not semver (MAJOR.MINOR.PATCH)")
    return int(m[1]), int(m[2]), int(m[3])


def announces_break(released: tuple[int, int, int], current: tuple[int, int, int]) -> bool:
    if current[0] > released[0]:
        return True
    return released[0] == 0 and current[0] == 0 and current[1] > released[1]


def check(released_doc: dict[str, Any], current_doc: dict[str, Any]) -> tuple[bool, list[str]]:
    """(passes, report lines)."""
    lines: list[str] = []
    old_v = parse_version(released_doc.get("info", {}).get("version", ""))
    new_v = parse_version(current_doc.get("info", {}).get("version", ""))
    breaks = diff(released_doc, current_doc)
    fmt = ".".join
    lines.append(
        f"released {fmt(map(str, old_v))} -> current {fmt(map(str, new_v))}: {len(breaks)} breaking change(s)"
    )
    lines += [f"  BREAKING {b}" for b in breaks]
    if new_v < old_v:
        lines.append("FAIL: info.version went down")
        return False, lines
    if breaks and not announces_break(old_v, new_v):
        need = f"{old_v[0] + 1}.0.0" if old_v[0] >= 1 else f"0.{old_v[1] + 1}.0 (or 1.0.0)"
        lines.append(f"FAIL: breaking changes need info.version >= {need}")
        return False, lines
    lines.append("OK" if not breaks else "OK: the version announces the breaking changes")
    return True, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--released", type=Path, default=ROOT / "shared-specs" / "released" / "openapi.yaml")
    parser.add_argument("--current", type=Path, default=ROOT / "shared-specs" / "openapi.yaml")
    args = parser.parse_args(argv)
    try:
        released = yaml.safe_load(args.released.read_text())
        current = yaml.safe_load(args.current.read_text())
        ok, lines = check(released, current)
    except (OSError, yaml.YAMLError, ValueError) as exc:
        sys.stderr.write(f"contract-diff: error: {exc}\n")
        return 2
    sys.stdout.write("\n".join(f"contract-diff: {line}" for line in lines) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
