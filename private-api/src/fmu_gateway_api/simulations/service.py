"""Simulations: check a request against the model, canonicalise it, serve it from the cache or queue it."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from fmu_gateway_api.accounts.repository import AccountRepository
from fmu_gateway_api.auth.edge import Caller
from fmu_gateway_api.billing import service as billing
from fmu_gateway_api.billing.pricing import Tier
from fmu_gateway_api.callbacks import service as callbacks
from fmu_gateway_api.context import Context
from fmu_gateway_api.errors import Conflict, InvalidRequest, NotFound, Unauthorized
from fmu_gateway_api.fmus.service import ResolvedFmu, resolve
from fmu_gateway_api.kit import idempotency
from fmu_gateway_api.kit.ids import new_id
from fmu_gateway_api.observability import request_id_var
from fmu_gateway_api.simulations.repository import SimulationRepository
from fmu_gateway_api.simulations.results import kpi_key, split_element
from fmu_gateway_api.simulations.schemas import SimulationCreate
from fmu_gateway_api.tables import Simulation, utcnow

# The FMPy this service is installed with (the workers' image is the API's; the runner images are built from
# the same pinned wheels). A cached result serves a request only when the runner that made it reported this
# same version: an upgrade of FMPy on either side never answers with numbers of the other.
FMPY_VERSION = importlib.metadata.version("fmpy")
RESULT_FORMAT = 2  # 2: String/Binary columns, non-finite numbers spelled out (earlier results are not reused)
_REAL = {"Real", "Float64", "Float32"}
_INT = {"Integer", "Int8", "UInt8", "Int16", "UInt16", "Int32", "UInt32", "Int64", "UInt64", "Enumeration"}


class InvalidVariable(InvalidRequest):
    slug, title = "invalid-variable", "Invalid variable"


@dataclass(frozen=True)
class Admission:
    simulation: Simulation
    fmu: ResolvedFmu
    tier: Tier
    replayed: bool = False
    started: bool = False  # inserted running for the `start` that submit was given


# Asked by submit, for a paid job about to be inserted, whether it starts at once (see start_here)
Start = Callable[[Session, Simulation, Tier], bool]


def _bad(detail: str, variable: str | None = None, slug: str | None = None) -> InvalidRequest:
    if variable is not None:
        return InvalidVariable(detail, variable=variable)
    return InvalidRequest(detail, slug=slug or "invalid-simulation-request")


def _size(var: dict[str, Any]) -> int:
    return math.prod(int(n) for n in var["dimensions"])


def _elements(value: Any, dims: list[int], depth: int = 0) -> list[Any] | None:
    """An array value, flat (all elements, row-major) or nested as its shape, as one flat list; else None."""
    if not isinstance(value, list):
        return None
    if all(not isinstance(v, list) for v in value):
        return list(value) if depth == 0 or len(value) == dims[-1] else None
    if depth >= len(dims) - 1 or len(value) != dims[depth]:
        return None
    flat: list[Any] = []
    for part in value:
        inner = _elements(part, dims, depth + 1)
        if inner is None:
            return None
        flat.extend(inner)
    return flat


def _check_array_start(var: dict[str, Any], value: Any) -> list[Any]:
    name, dims = var["name"], var["dimensions"]
    shape = "x".join(str(n) for n in dims)
    flat = _elements(value, dims)
    if flat is None or len(flat) != _size(var):
        raise _bad(f"'{name}' is an array of {shape}: give a list of its {_size(var)} elements (row-major) "
                   f"or nested lists of that shape", name)
    return [_check_start_value({**var, "dimensions": None}, v) for v in flat]


def _check_start_value(var: dict[str, Any], value: Any) -> Any:
    name, vtype = var["name"], var["type"]
    if var.get("dimensions"):
        return _check_array_start(var, value)
    if isinstance(value, list):
        raise _bad(f"'{name}' is not an array variable: give one value, not a list", name)
    if var.get("causality") == "independent" or var.get("variability") == "constant":
        raise _bad(f"'{name}' is {var.get('causality') if var.get('causality') == 'independent' else 'a constant'}"
                   " and cannot be given a start value", name)
    if var.get("causality") == "calculatedParameter" or (
        var.get("initial") == "calculated" and var.get("causality") not in ("parameter", "input")
    ):
        raise _bad(f"'{name}' is calculated by the model and cannot be given a start value", name)
    if vtype in _REAL:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _bad(f"'{name}' is a {vtype} variable: give a number, not {json.dumps(value)}", name)
        if not math.isfinite(float(value)):
            raise _bad(f"'{name}' must be a finite number", name)
        return float(value)
    if vtype in _INT:
        if isinstance(value, bool) or not isinstance(value, int | float) or float(value) != int(value):
            raise _bad(f"'{name}' is an {vtype} variable: give a whole number, not {json.dumps(value)}", name)
        return int(value)
    if vtype == "Boolean":
        if not isinstance(value, bool):
            raise _bad(f"'{name}' is a Boolean variable: give true or false, not {json.dumps(value)}", name)
        return value
    if vtype == "String":
        if not isinstance(value, str):
            raise _bad(f"'{name}' is a String variable: give a string, not {json.dumps(value)}", name)
        return value
    raise _bad(f"'{name}' has type {vtype}, which cannot be given a start value here", name)


def canonicalise(ctx: Context, fmu: ResolvedFmu, req: SimulationCreate, max_timeout: float) -> dict[str, Any]:
    """Check the request against the model description and fill every default, so that two requests
    that mean the same simulation have the same canonical form (and hash)."""
    s = ctx.settings
    desc = fmu.description
    variables = fmu.model.by_name
    interface = _interface(desc["interfaces"], req.interface)
    start, stop, interval = _time_grid(desc.get("default_experiment") or {}, req, s.sim_max_output_points)
    if interface == "CoSimulation" and req.solver is not None:
        raise _bad("solver applies to Model Exchange only: a Co-Simulation FMU brings its own solver",
                   slug="solver-not-applicable")
    solver = (req.solver or "CVode") if interface == "ModelExchange" else None
    tolerance = req.relative_tolerance or (desc.get("default_experiment") or {}).get("tolerance") or 1e-5
    timeout = req.timeout_s if req.timeout_s is not None else min(s.sim_default_timeout_s, max_timeout)
    if timeout > max_timeout:
        raise _bad(f"timeout_s {timeout:g} is above the maximum of {max_timeout:g} s for this account's tier",
                   slug="timeout-too-long")
    start_values = {}
    for name in sorted(req.start_values):
        var = variables.get(name)
        if var is None:
            raise _bad(f"the model has no variable named '{name}'", name)
        start_values[name] = _check_start_value(var, req.start_values[name])
    outputs, kpis = _outputs_and_kpis(desc, variables, req, s.sim_max_outputs)
    canonical: dict[str, Any] = {
        "interface": interface,
        "start_time": float(start),
        "stop_time": float(stop),
        "output_interval": float(interval),
        "solver": solver,
        "relative_tolerance": float(tolerance),
        "step_size": req.step_size,
        "start_values": start_values,
        "inputs": _inputs(req, variables),
        "outputs": outputs,
        "kpis": kpis,
        "timeout_s": float(timeout),
    }
    if req.debug_logging:  # only when asked, so the hash of every request without it stays as it was
        canonical["debug_logging"] = True
    return canonical


def _interface(interfaces: list[str], asked: str) -> str:
    if asked == "auto":
        return "CoSimulation" if "CoSimulation" in interfaces else "ModelExchange"
    if asked not in interfaces:
        raise _bad(f"this FMU does not implement {asked}; it implements {', '.join(interfaces)}",
                   slug="interface-not-supported")
    return asked


def _time_grid(de: dict[str, Any], req: SimulationCreate, max_points: int) -> tuple[float, float, float]:
    """Start, stop and output interval: the request's, else the model's default experiment's."""
    start = req.start_time if req.start_time is not None else (de.get("start_time") or 0.0)
    stop = req.stop_time if req.stop_time is not None else (de.get("stop_time") or start + 1.0)
    if not (math.isfinite(start) and math.isfinite(stop)) or stop <= start:
        raise _bad(f"stop_time ({stop:g}) must be greater than start_time ({start:g})")
    interval = req.output_interval or de.get("step_size") or (stop - start) / 500
    points = (stop - start) / interval
    if points > max_points:
        raise _bad(f"output_interval {interval:g} s gives {points:.0f} output points, above the limit of "
                   f"{max_points}; choose a longer interval")
    return start, stop, interval


def _inputs(req: SimulationCreate, variables: Mapping[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The input signals, each checked against its variable (an input; one value, or one row-major list
    for an array, per time point; finite)."""
    if req.inputs is None:
        return None
    times = req.inputs.time
    if any(not math.isfinite(t) for t in times) or any(b < a for a, b in zip(times, times[1:], strict=False)):
        raise _bad("inputs.time must be finite and non-decreasing")
    signals = {}
    for name in sorted(req.inputs.signals):
        var = variables.get(name)
        if var is None:
            raise _bad(f"the model has no variable named '{name}' (in inputs)", name)
        if var.get("causality") != "input":
            raise _bad(f"'{name}' is not an input of the model (its causality is {var.get('causality')})",
                       name)
        values = req.inputs.signals[name]
        if len(values) != len(times):
            raise _bad(f"inputs.signals['{name}'] has {len(values)} values for {len(times)} time points",
                       name)
        if var.get("dimensions"):
            size = _size(var)
            if any(not isinstance(v, list) or len(v) != size for v in values):
                raise _bad(f"'{name}' is an array input of {size} elements: give a list of {size} numbers "
                           "(row-major) per time point", name)
            numbers = [x for v in values for x in v]  # type: ignore[union-attr]
        elif any(isinstance(v, list) for v in values):
            raise _bad(f"'{name}' is not an array input: give one number per time point", name)
        else:
            numbers = values
        if any(not math.isfinite(v) for v in numbers):
            raise _bad(f"inputs.signals['{name}'] must hold finite numbers", name)
        signals[name] = values
    return {"time": times, "signals": signals}


def _outputs_and_kpis(desc: dict[str, Any], variables: Mapping[str, dict[str, Any]], req: SimulationCreate,
                      max_outputs: int) -> tuple[list[str], list[dict[str, Any]]]:
    """The output variables (the request's, else the model's outputs, else its states), plus every KPI's
    variable; the KPIs checked (numeric, an existing element, distinct names)."""
    if req.outputs:
        outputs = list(dict.fromkeys(req.outputs))
    else:
        outputs = [v["name"] for v in desc["variables"] if v.get("causality") == "output"]
        if not outputs:
            outputs = list(desc.get("states") or [])
    kpis = []
    for spec in req.kpis:
        base, index = split_element(spec.variable, variables)
        if base not in variables:
            raise _bad(f"the model has no variable named '{spec.variable}' (in kpis)", spec.variable)
        var = variables[base]
        if index is not None:
            dims = [int(n) for n in var.get("dimensions") or []]
            if len(index) != len(dims) or any(not 0 <= i < n for i, n in zip(index, dims, strict=True)):
                shape = "x".join(str(n) for n in dims) if dims else "a scalar"
                raise _bad(f"'{spec.variable}' is not an element of '{base}' ({shape}; elements are one-based)",
                           spec.variable)
        if var["type"] not in _REAL | _INT | {"Boolean"}:
            raise _bad(f"a KPI needs a numeric variable; '{spec.variable}' is {var['type']}", spec.variable)
        if base not in outputs:
            outputs.append(base)
        kpis.append(spec.model_dump())
    if len(outputs) > max_outputs:
        raise _bad(f"{len(outputs)} output variables are more than the limit of {max_outputs} for one run; "
                   "choose the outputs you need", slug="too-many-outputs")
    for name in outputs:
        if name not in variables:
            raise _bad(f"the model has no variable named '{name}' (in outputs)", name)
    keys = [kpi_key(k) for k in kpis]
    if len(set(keys)) != len(keys):
        raise _bad("two KPIs have the same name; give them distinct names")
    return outputs, kpis


def request_hash(fmu_sha256: str, canonical: dict[str, Any]) -> str:
    """What determines the numbers: the FMU bytes, the canonical request (less its timeout) and FMPy."""
    material = {k: v for k, v in canonical.items() if k != "timeout_s"}
    blob = json.dumps({"fmu": fmu_sha256, "fmpy": FMPY_VERSION, "results": RESULT_FORMAT, "request": material},
                      sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


Prepared = tuple[ResolvedFmu, dict[str, Any], str, Tier, Simulation | None]


def _prepare(session: Session, ctx: Context, caller: Caller, req: SimulationCreate) -> Prepared:
    tier = ctx.pricing.tier(account_tier(session, caller))
    fmu = resolve(session, ctx, caller, req.fmu_id)
    canonical = canonicalise(ctx, fmu, req, min(ctx.settings.sim_max_timeout_s, tier.max_run_seconds))
    digest = request_hash(fmu.sha256, canonical)
    hit = None
    if req.cache:
        # An account's results are its own; library models are ours, so their results may serve anyone.
        shared = fmu.source == "library"
        hit = SimulationRepository(session).find_cached(digest, None if shared else caller.account_id)
        if hit is not None and ((hit.provenance or {}).get("fmpy_version") != FMPY_VERSION
                                or not ctx.blobs.exists(hit.result_sha256 or "")):
            hit = None
    return fmu, canonical, digest, tier, hit


def account_tier(session: Session, caller: Caller) -> str:
    """The account's tier as the database has it now (never as a token or a cache says)."""
    account = AccountRepository(session).get_account(caller.account_id)
    if account is None:
        raise Unauthorized("The account of this key no longer exists.")
    return account.tier


def quote(session: Session, ctx: Context, caller: Caller, req: SimulationCreate) -> billing.Quote:
    """What this request would cost now (a cached result is free), without running or charging it."""
    _fmu, _canonical, _digest, tier, hit = _prepare(session, ctx, caller, req)
    return billing.quote(session, ctx, caller.account_id, tier, cached=hit is not None)


def submit(session: Session, ctx: Context, caller: Caller, req: SimulationCreate, *,
           idempotency_key: str | None = None, payment_token: str | None = None,
           start: Start | None = None) -> Admission:
    """Admit a simulation: a cached result at once, else a paid job (or 402, nothing changed), inserted
    running when `start` takes it, else queued."""
    key = idempotency.Key(caller.account_id, "createSimulation", idempotency_key,
                          req.model_dump(mode="json") if idempotency_key else None)
    earlier = key.replay(session)
    if earlier is not None:
        sim = get(session, caller, earlier)
        tier = ctx.pricing.tier(account_tier(session, caller))
        return Admission(simulation=sim, fmu=resolve(session, ctx, caller, sim.fmu_id), tier=tier, replayed=True)
    if req.callback_url is not None:
        callbacks.check_url(req.callback_url, ctx.settings)
    fmu, canonical, digest, tier, hit = _prepare(session, ctx, caller, req)
    sim = Simulation(
        id=new_id("sim"), account_id=caller.account_id, fmu_id=fmu.fmu_id, fmu_sha256=fmu.sha256,
        request=canonical, request_hash=digest, status="queued", timeout_s=canonical["timeout_s"],
        created_at=utcnow(), cached=False, attempts=0, request_id=request_id_var.get(),
        lane=lane_of(ctx, canonical["timeout_s"]), callback_url=req.callback_url,
    )
    if hit is not None:
        now = utcnow()
        sim.status, sim.cached, sim.result_sha256 = "succeeded", True, hit.result_sha256
        sim.kpis, sim.started_at, sim.finished_at = hit.kpis, now, now
        sim.provenance = dict(hit.provenance or {})
        sim.provenance.pop("cached_from", None)
        if hit.account_id == caller.account_id:  # never another account's simulation id
            sim.provenance["cached_from"] = hit.id
    billing.charge(session, ctx, sim, tier, payment_token)
    started = hit is None and start is not None and start(session, sim, tier)
    SimulationRepository(session).add(sim)
    key.remember(session, sim.id)
    if hit is not None:
        callbacks.simulation_ended(session, ctx, sim)
    return Admission(simulation=sim, fmu=fmu, tier=tier, started=started)


def lane_of(ctx: Context, timeout_s: float) -> str:
    """Long runs go to the heavy tier (one ECS task each) when there is one; the rest to the workers."""
    heavy = ctx.settings.heavy_tier and timeout_s >= ctx.settings.heavy_min_timeout_s
    return "heavy" if heavy else "standard"


def start_here(session: Session, sim: Simulation, tier: Tier, worker: str, now: datetime,
               lease: datetime) -> bool:
    """A paid job, not yet inserted, starts running for this process's dispatcher (`worker`) as it is
    inserted, when its account has room under its tier's concurrent-run limit (no trip through the queue);
    else it is inserted queued, for any dispatcher."""
    if not SimulationRepository(session).has_room(sim.account_id, tier.concurrent_runs):
        return False
    sim.status, sim.worker, sim.attempts, sim.started_at, sim.lease_expires_at = "running", worker, 1, now, lease
    return True


def get(session: Session, caller: Caller, sim_id: str) -> Simulation:
    sim = SimulationRepository(session).get_for_account(caller.account_id, sim_id)
    if sim is None:
        raise NotFound(f"no simulation '{sim_id}' in this account")
    return sim


def list_recent(session: Session, caller: Caller, limit: int) -> list[Simulation]:
    return SimulationRepository(session).list_for_account(caller.account_id, limit)


def cancel(session: Session, caller: Caller, sim_id: str, ctx: Context) -> Simulation:
    """Cancel a queued job (refunded: it never ran) or stop a running one (its sandbox is killed)."""
    sim = get(session, caller, sim_id)
    if sim.status in ("succeeded", "failed", "cancelled"):
        raise Conflict(f"simulation '{sim_id}' has already ended ({sim.status})", slug="simulation-ended",
                       simulation_status=sim.status)
    outcome = SimulationRepository(session).request_cancel(sim_id, utcnow())
    if outcome == "cancelled":
        session.refresh(sim)
        billing.finalize(session, ctx, sim, refund=True)
        callbacks.simulation_ended(session, ctx, sim)
        ctx.bus.publish(session, "done", sim_id)
    elif outcome == "running":
        ctx.bus.publish(session, "cancel", sim_id)
    return sim


LOG_CAP = 20_000
_OMITTED = ("lines omitted ...", "(earlier FMU messages left out)")


def log_lines(sim: Simulation, tail: int | None) -> tuple[list[str], bool]:
    """The run's log as lines (the last `tail` of them), and whether any were left out on the way."""
    text = sim.log_tail or ""
    lines = text.splitlines()
    truncated = len(text) >= LOG_CAP or any(mark in text for mark in _OMITTED)
    if tail is not None and len(lines) > tail:
        lines, truncated = lines[-tail:], True
    return lines, truncated
