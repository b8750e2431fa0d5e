"""shared-specs/pricing.yaml, validated against its JSON Schema when the service starts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml


class PricingError(ValueError):
    """The pricing file is missing or invalid: the service refuses to start."""


@dataclass(frozen=True)
class Tier:
    name: str
    description: str
    billing: str  # prepaid | metered
    run_price_credits: int
    included_credits: int
    max_run_seconds: float
    max_fmu_bytes: int
    concurrent_runs: int
    requests_per_minute: int
    meter_event_name: str | None = None

    @property
    def metered(self) -> bool:
        return self.billing == "metered"


@dataclass(frozen=True)
class CreditPack:
    id: str
    credits: int
    price_cents: int


@dataclass(frozen=True)
class Pricing:
    currency: str
    default_tier: str
    tiers: dict[str, Tier]
    packs: dict[str, CreditPack]
    pay_per_run_cents: int
    document: dict[str, Any]

    def tier(self, name: str) -> Tier:
        return self.tiers.get(name) or self.tiers[self.default_tier]

    @classmethod
    def load(cls, path: Path) -> Pricing:
        try:
            doc = yaml.safe_load(path.read_text())
        except (OSError, yaml.YAMLError) as exc:
            raise PricingError(f"cannot read pricing file {path}: {exc}") from exc
        schema = json.loads(path.with_name("pricing.schema.json").read_text())
        try:
            jsonschema.validate(doc, schema)
        except jsonschema.ValidationError as exc:
            raise PricingError(f"{path} is invalid at {'/'.join(map(str, exc.path))}: {exc.message}") from exc
        if doc["default_tier"] not in doc["tiers"]:
            raise PricingError(f"default_tier {doc['default_tier']!r} is not a tier")
        tiers = {name: Tier(name=name, **spec) for name, spec in doc["tiers"].items()}
        packs = {p["id"]: CreditPack(**p) for p in doc["credit_packs"]}
        return cls(currency=doc["currency"], default_tier=doc["default_tier"], tiers=tiers, packs=packs,
                   pay_per_run_cents=doc["pay_per_run"]["price_cents"], document=doc)
