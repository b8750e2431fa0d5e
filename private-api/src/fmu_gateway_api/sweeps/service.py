"""Sweeps: expand the cases, check each one against the model, quote them as one, admit and pay them as
one (or nothing), and read progress and the table back from the cases' simulation rows."""

from __future__ import annotations

import csv
import io
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from fmu_gateway_api.auth.edge import Caller
from fmu_gateway_api.billing import service as billing
from fmu_gateway_api.billing.pricing import Tier
from fmu_gateway_api.billing.repository import BillingRepository
from fmu_gateway_api.callbacks import service as callbacks
from fmu_gateway_api.context import Context
from fmu_gateway_api.errors import Conflict, InvalidRequest, NotFound, ProblemError
from fmu_gateway_api.fmus.service import ResolvedFmu, resolve
from fmu_gateway_api.kit import idempotency
from fmu_gateway_api.kit.ids import new_id
from fmu_gateway_api.observability import request_id_var
from fmu_gateway_api.simulations import service as simulations
from fmu_gateway_api.simulations.repository import SimulationRepository
from fmu_gateway_api.simulations.results import kpi_key
from fmu_gateway_api.simulations.schemas import SimulationError
from fmu_gateway_api.sweeps.repository import SweepRepository
from fmu_gateway_api.sweeps.schemas import (
    MAX_CASES,
    SweepCounts,
    SweepCreate,
    SweepOut,
    SweepQuote,
    SweepRow,
    SweepStatus,
)
from fmu_gateway_api.tables import Sweep, utcnow

TERMINAL = ("succeeded", "failed", "cancelled")


class InvalidSweep(InvalidRequest):
    slug, title = "invalid-sweep", "Invalid sweep"


def expand(spec: SweepCreate) -> list[dict[str, Any]]:
    """The cases' start values, in case order: the list as given, every combination of the grid (the last
    name varying fastest), or Latin-hypercube samples (one stratum per sample in each range, seeded)."""
    given = [name for name in ("cases", "grid", "lhs") if getattr(spec, name) is not None]
    if len(given) != 1:
        raise InvalidSweep(f"give exactly one of cases, grid and lhs (got {', '.join(given) or 'none'})")
    if spec.cases is not None:
        return [dict(case) for case in spec.cases]
    if spec.grid is not None:
        count = math.prod(len(values) for values in spec.grid.values())
        if count > MAX_CASES:
            raise InvalidSweep(f"the grid has {count} combinations, above the limit of {MAX_CASES} cases a sweep",
                               slug="too-many-cases", limit=MAX_CASES)
        names = list(spec.grid)
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*spec.grid.values())]
    assert spec.lhs is not None
    lhs = spec.lhs
    rng = np.random.default_rng(lhs.seed)
    columns: dict[str, list[float]] = {}
    for name, (low, high) in lhs.ranges.items():
        if not (math.isfinite(low) and math.isfinite(high)) or high < low:
            raise InvalidSweep(f"lhs.ranges['{name}'] must be two finite numbers, low <= high", variable=name)
        strata = (rng.permutation(lhs.samples) + rng.random(lhs.samples)) / lhs.samples
        columns[name] = [float(low + u * (high - low)) for u in strata]
    return [{name: values[i] for name, values in columns.items()} for i in range(lhs.samples)]


def parameters_of(points: list[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(name for point in points for name in point))


@dataclass
class Plan:
    """A sweep checked against the model: every case canonical, hashed and looked up in the cache."""

    fmu: ResolvedFmu
    tier: Tier
    points: list[dict[str, Any]]
    canonical: list[dict[str, Any]]
    digests: list[str]
    hits: list[Any]
    admitted: int

    def price(self, cases: int) -> int:
        return sum(0 if hit is not None else self.tier.run_price_credits for hit in self.hits[:cases])


def plan(session: Session, ctx: Context, caller: Caller, spec: SweepCreate) -> Plan:
    if spec.callback_url is not None:
        callbacks.check_url(spec.callback_url, ctx.settings)
    points = expand(spec)
    tier = ctx.pricing.tier(simulations.account_tier(session, caller))
    fmu = resolve(session, ctx, caller, spec.base.fmu_id)
    max_timeout = min(ctx.settings.sim_max_timeout_s, tier.max_run_seconds)
    base_values = dict(spec.base.start_values)
    if spec.base.callback_url is not None:
        raise InvalidSweep("give the sweep's callback_url, not its base's (one callback when every case has ended)")
    shared = fmu.source == "library"
    repo = SimulationRepository(session)
    canonical, digests, hits = [], [], []
    for index, point in enumerate(points):
        request = spec.base.model_copy(update={"start_values": {**base_values, **point}})
        try:
            form = simulations.canonicalise(ctx, fmu, request, max_timeout)
        except ProblemError as exc:
            exc.detail = f"case {index}: {exc.detail}"
            exc.extra["case"] = index
            raise
        digest = simulations.request_hash(fmu.sha256, form)
        hit = None
        if spec.base.cache:
            hit = repo.find_cached(digest, None if shared else caller.account_id)
            if hit is not None and not ctx.blobs.exists(hit.result_sha256 or ""):
                hit = None
        canonical.append(form)
        digests.append(digest)
        hits.append(hit)
    admitted = min(len(points), spec.max_cases) if spec.max_cases is not None else len(points)
    return Plan(fmu, tier, points, canonical, digests, hits, admitted)


def quote(session: Session, ctx: Context, caller: Caller, spec: SweepCreate) -> SweepQuote:
    p = plan(session, ctx, caller, spec)
    balance = BillingRepository(session).balance(caller.account_id)
    price = p.price(p.admitted)
    affordable, spent = 0, 0
    for hit in p.hits:
        cost = 0 if hit is not None else p.tier.run_price_credits
        if not p.tier.metered and spent + cost > balance:
            break
        spent += cost
        affordable += 1
    return SweepQuote(case_count=len(p.points), admitted_cases=p.admitted,
                      cached_cases=sum(1 for hit in p.hits[:p.admitted] if hit is not None),
                      price_per_run_credits=p.tier.run_price_credits, price_credits=price, balance_credits=balance,
                      affordable_cases=affordable, sufficient=p.tier.metered or balance >= price, tier=p.tier.name,
                      billing=p.tier.billing, currency=ctx.pricing.currency)


def submit(session: Session, ctx: Context, caller: Caller, spec: SweepCreate,
           idempotency_key: str | None) -> tuple[Sweep, bool]:
    """Admit a sweep: every admitted case a paid, queued simulation (a cached one succeeded at once), in
    this transaction; or 402 having changed nothing. Returns the sweep and whether it was a replay."""
    key = idempotency.Key(caller.account_id, "createSweep", idempotency_key,
                          spec.model_dump(mode="json") if idempotency_key else None)
    earlier = key.replay(session)
    if earlier is not None:
        return get(session, caller, earlier), True
    p = plan(session, ctx, caller, spec)
    now = utcnow()
    sweep = Sweep(id=new_id("swp"), account_id=caller.account_id, fmu_id=p.fmu.fmu_id, fmu_sha256=p.fmu.sha256,
                  spec=spec.model_dump(mode="json"), parameters=parameters_of(p.points),
                  kpis=[kpi_key(k) for k in p.canonical[0]["kpis"]] if p.canonical else [],
                  case_count=p.admitted, price_credits=0, created_at=now, callback_url=spec.callback_url)
    lane = simulations.lane_of(ctx, p.canonical[0]["timeout_s"]) if p.canonical else "standard"
    cases = []
    for index in range(p.admitted):
        form, hit = p.canonical[index], p.hits[index]
        case: dict[str, Any] = {
            "id": new_id("sim"), "account_id": caller.account_id, "fmu_id": p.fmu.fmu_id,
            "fmu_sha256": p.fmu.sha256, "request": form, "request_hash": p.digests[index], "status": "queued",
            "timeout_s": form["timeout_s"], "created_at": now, "cached": False, "attempts": 0,
            "request_id": request_id_var.get(), "lane": lane, "sweep_id": sweep.id, "sweep_case": index,
            "result_sha256": None, "kpis": None, "provenance": None, "started_at": None, "finished_at": None,
            "callback_url": None}
        if hit is not None:
            provenance = dict(hit.provenance or {})
            provenance.pop("cached_from", None)
            if hit.account_id == caller.account_id:
                provenance["cached_from"] = hit.id
            case.update(status="succeeded", cached=True, result_sha256=hit.result_sha256, kpis=hit.kpis,
                        started_at=now, finished_at=now, provenance=provenance)
        cases.append(case)
    sweep.price_credits = billing.charge_cases(session, ctx, caller.account_id, sweep.id, cases, p.tier)
    SweepRepository(session).add(sweep, cases)
    key.remember(session, sweep.id)
    if any(case["status"] == "queued" for case in cases):
        ctx.bus.publish(session, "jobs")
    else:  # every case served from the cache: the sweep has ended as it was admitted
        callbacks.sweep_progressed(session, ctx, sweep.id)
    return sweep, False


def get(session: Session, caller: Caller, sweep_id: str) -> Sweep:
    sweep = SweepRepository(session).get_for_account(caller.account_id, sweep_id)
    if sweep is None:
        raise NotFound(f"no sweep '{sweep_id}' in this account")
    return sweep


def view(session: Session, sweep: Sweep) -> SweepOut:
    counts, last = SweepRepository(session).counts(sweep.id)
    ended = sum(counts.get(s, 0) for s in TERMINAL)
    status = _status(sweep, counts)
    return SweepOut(id=sweep.id, status=status, fmu_id=sweep.fmu_id, fmu_sha256=sweep.fmu_sha256,
                    case_count=sweep.case_count, counts=SweepCounts(**counts),
                    progress=ended / sweep.case_count if sweep.case_count else 1.0,
                    price_credits=sweep.price_credits, parameters=sweep.parameters, kpis=sweep.kpis,
                    created_at=sweep.created_at, finished_at=last if ended == sweep.case_count else None,
                    results_url=f"/v1/sweeps/{sweep.id}/results")


def _status(sweep: Sweep, counts: dict[str, int]) -> SweepStatus:
    if sweep.cancel_requested_at is not None:
        return "cancelled"
    return "running" if counts.get("queued", 0) + counts.get("running", 0) else "completed"


def cancel(session: Session, ctx: Context, caller: Caller, sweep_id: str) -> Sweep:
    """Cancel every case still queued (each refunded as a cancelled simulation is), and every case a worker
    claimed in a batch that its sandbox has not begun (refunded the same way); running cases finish."""
    sweep = get(session, caller, sweep_id)
    counts, _ = SweepRepository(session).counts(sweep.id)
    status = _status(sweep, counts)
    if status != "running":
        raise Conflict(f"sweep '{sweep_id}' has already ended ({status})", slug="sweep-ended", sweep_status=status)
    now = utcnow()
    SweepRepository(session).request_cancel(sweep.id, now)
    for sim in SweepRepository(session).cancel_queued(sweep.id, now):
        billing.finalize(session, ctx, sim, refund=True)
        ctx.bus.publish(session, "done", sim.id)
    for sim_id in SweepRepository(session).running_cases(sweep.id):  # claimed in a batch, maybe not begun
        ctx.bus.publish(session, "cancel", f"pending:{sim_id}")
    callbacks.sweep_progressed(session, ctx, sweep.id)
    session.refresh(sweep)
    return sweep


def table(session: Session, sweep: Sweep) -> tuple[SweepStatus, list[SweepRow]]:
    counts, _ = SweepRepository(session).counts(sweep.id)
    rows = []
    for sim_id, case, status, cached, request, kpis, error in SweepRepository(session).table(sweep.id):
        values = request.get("start_values") or {}
        rows.append(SweepRow(
            case=case, simulation_id=sim_id, status=status, cached=cached,
            start_values={name: values.get(name) for name in sweep.parameters},
            kpis={name: (kpis or {}).get(name) for name in sweep.kpis},
            error=SimulationError(type=error.get("type", "error"), detail=error.get("detail", "")) if error else None))
    return _status(sweep, counts), rows


def csv_chunks(sweep: Sweep, rows: list[SweepRow]) -> Iterator[str]:
    header = ["case", "simulation_id", "status", "cached", *sweep.parameters, *sweep.kpis, "error"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for i, row in enumerate(rows):
        writer.writerow([row.case, row.simulation_id, row.status, str(row.cached).lower(),
                         *(_cell(row.start_values.get(n)) for n in sweep.parameters),
                         *(_cell(row.kpis.get(n)) for n in sweep.kpis),
                         row.error.type if row.error else ""])
        if i % 500 == 499:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return repr(value)
    return str(value)
