"""`Gateway`: the high-level client.

The generated modules (`_generated/api/...`) build each request and parse its answer; `_call` sends the
request through `_http.request`, so authentication, retries and error translation happen in one place
for every operation, generated or not yet in the contract.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

import httpx

from fmu_gateway_sdk import _config, _http
from fmu_gateway_sdk._errors import APIConnectionError, AuthenticationError, NotFoundError, SimulationFailed
from fmu_gateway_sdk._generated.api.billing import (
    create_checkout,
    create_quote,
    get_account,
    get_checkout,
    get_pricing,
)
from fmu_gateway_sdk._generated.api.fmus import (
    delete_fmu,
    get_fmu,
    get_fmu_model_info,
    list_fmu_variables,
    list_fmus,
    upload_fmu,
)
from fmu_gateway_sdk._generated.api.keys import create_key
from fmu_gateway_sdk._generated.api.library import list_library_models
from fmu_gateway_sdk._generated.api.meta import get_health
from fmu_gateway_sdk._generated.api.simulations import (
    cancel_simulation,
    create_simulation,
    get_simulation,
    get_simulation_result,
)
from fmu_gateway_sdk._generated.client import Client
from fmu_gateway_sdk._generated.models import (
    Account,
    Checkout,
    CheckoutCreate,
    Fmu,
    KeyCreate,
    KeyCreated,
    LibraryModel,
    ModelInfo,
    Pricing,
    Quote,
    SimulationCreate,
    UploadFmuBody,
    Variable,
)
from fmu_gateway_sdk._generated.types import UNSET, File
from fmu_gateway_sdk._progress import progress_bar
from fmu_gateway_sdk._results import SimulationResult

if TYPE_CHECKING:
    import pandas as pd

__version__ = "0.1.0"

FMU_ID = re.compile(r"^([0-9a-f]{64}|lib:[A-Za-z0-9_.-]+(@fmi[23])?)$")
KPI_CALL = re.compile(r"^\s*(min|max|mean|rms|final|integral)\s*\(\s*(.+?)\s*\)\s*$")
TERMINAL = frozenset({"succeeded", "failed", "cancelled"})
FmuLike = str | Path | Fmu
KpiLike = str | tuple[str, str] | Mapping[str, Any]


class Gateway:
    """A connection to an FMU Gateway.

    `api_key` defaults to FMU_GATEWAY_API_KEY, `base_url` to FMU_GATEWAY_URL, else a local gateway at
    http://127.0.0.1:8000. Without a key, a local gateway is asked for one (POST /v1/keys), which is kept
    in the user's config directory (mode 0600) for next time. With `local_fallback=True`, a simulation of
    an FMU file runs on this machine with FMPy when the gateway cannot be reached.
    """

    def __init__(self, api_key: str | None = None, base_url: str | None = None, *, timeout: float = 120.0,
                 max_retries: int = 2, local_fallback: bool = False, progress: bool | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = _config.resolve_base_url(base_url)
        self.max_retries = max_retries
        self.local_fallback = local_fallback
        self.progress = progress
        explicit = api_key or os.environ.get(_config.KEY_ENV)
        self._api_key: str | None = explicit or None
        # A key the SDK created (or stored earlier) on a local gateway may be replaced when it stops working.
        self._managed_key = not explicit
        self._key_lock = threading.Lock()
        self._paths: dict[str, Path] = {}
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport,
                                  headers={"User-Agent": f"fmu-gateway-sdk/{__version__}"})
        self._generated = Client(base_url=self.base_url).set_httpx_client(self._http)

    # -- plumbing -----------------------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Gateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def api_key(self) -> str:
        """The key in use, created on a local gateway when there is none."""
        with self._key_lock:
            if self._api_key is None:
                self._api_key = self._stored_or_new_key()
            return self._api_key

    def _stored_or_new_key(self) -> str:
        if not _config.is_local(self.base_url):
            raise AuthenticationError(
                f"no API key for {self.base_url}: set FMU_GATEWAY_API_KEY or pass Gateway(api_key=...)")
        stored = _config.read_stored_key(self.base_url)
        if stored:
            return stored
        created = self.create_key(name="fmu-gateway-sdk", authenticated=False)
        _config.store_key(self.base_url, created.api_key)
        return created.api_key

    def _call(self, op: ModuleType, *, auth: bool = True, headers: Mapping[str, str] | None = None,
              **params: Any) -> Any:
        """Run a generated operation; returns its typed `Response` (2xx only, else an exception)."""
        kwargs: dict[str, Any] = op._get_kwargs(**params)
        response = self.send(kwargs, auth=auth, headers=headers)
        return op._build_response(client=self._generated, response=response)

    def send(self, kwargs: Mapping[str, Any], *, auth: bool = True,
             headers: Mapping[str, str] | None = None) -> httpx.Response:
        """Send one request (`httpx.Client.request` arguments) with auth, retries and typed errors."""
        merged = {**(kwargs.get("headers") or {}), **(headers or {})}
        if auth:
            merged["Authorization"] = f"Bearer {self.api_key}"
        try:
            return _http.request(self._http, {**kwargs, "headers": merged}, max_retries=self.max_retries)
        except AuthenticationError:
            if not (auth and self._managed_key and _config.is_local(self.base_url)):
                raise
            # The local gateway forgot our key (a fresh data directory): make a new one, once.
            with self._key_lock:
                created = self.create_key(name="fmu-gateway-sdk", authenticated=False)
                _config.store_key(self.base_url, created.api_key)
                self._api_key = created.api_key
            merged["Authorization"] = f"Bearer {created.api_key}"
            return _http.request(self._http, {**kwargs, "headers": merged}, max_retries=self.max_retries)

    def _json(self, method: str, url: str, *, body: Any = None, params: Mapping[str, Any] | None = None,
              headers: Mapping[str, str] | None = None) -> Any:
        """A plain JSON call, for operations the generated client does not have (yet)."""
        kwargs: dict[str, Any] = {"method": method, "url": url}
        if body is not None:
            kwargs["json"] = body
        if params:
            kwargs["params"] = dict(params)
        response = self.send(kwargs, headers=headers)
        return response.json() if response.content else None

    # -- keys, health, library, FMUs -----------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        """GET /v1/health (no key needed)."""
        return cast(dict[str, Any], self._call(get_health, auth=False).parsed.to_dict())

    def create_key(self, name: str | None = None, *, authenticated: bool = True) -> KeyCreated:
        """A new API key: for the caller's account, or (`authenticated=False`) a new account."""
        response = self._call(create_key, auth=authenticated, body=KeyCreate(name=name))
        return cast(KeyCreated, response.parsed)

    def library(self, query: str | None = None) -> list[LibraryModel]:
        """The model library, optionally searched (all words must match)."""
        response = self._call(list_library_models, auth=False, query=query if query else UNSET)
        return list(response.parsed.items)

    def fmus(self) -> list[Fmu]:
        """This account's uploaded FMUs, oldest first."""
        return list(self._call(list_fmus).parsed.items)

    def get_fmu(self, fmu: FmuLike) -> Fmu:
        return cast(Fmu, self._call(get_fmu, fmu_id=self._fmu_id(fmu)).parsed)

    def delete_fmu(self, fmu: FmuLike) -> None:
        self._call(delete_fmu, fmu_id=self._fmu_id(fmu))

    def upload(self, path: str | Path) -> Fmu:
        """Upload an FMU file, unless the gateway already has it (asked by sha256: then no bytes are sent)."""
        path = Path(path)
        sha256 = _sha256(path)
        self._paths[sha256] = path
        try:
            return cast(Fmu, self._call(get_fmu, fmu_id=sha256).parsed)
        except NotFoundError:
            pass
        with path.open("rb") as fh:
            upload = File(payload=fh, file_name=path.name, mime_type="application/octet-stream")
            body = UploadFmuBody(file=upload)
            return cast(Fmu, self._call(upload_fmu, body=body).parsed)

    def variables(self, fmu: FmuLike, *, causality: str | None = None) -> list[Variable]:
        """The model's variables in model-description order."""
        response = self._call(list_fmu_variables, fmu_id=self._fmu_id(fmu),
                              causality=causality if causality else UNSET)
        return list(response.parsed.items)

    def model_info(self, fmu: FmuLike) -> ModelInfo:
        """FMI version, interfaces, platforms, default experiment, inputs/outputs/parameters/states."""
        return cast(ModelInfo, self._call(get_fmu_model_info, fmu_id=self._fmu_id(fmu)).parsed)

    def _fmu_id(self, fmu: FmuLike) -> str:
        """An FMU id; a path (or a string naming an existing file) is uploaded first."""
        if isinstance(fmu, Fmu):
            return fmu.id
        if isinstance(fmu, str) and FMU_ID.match(fmu):
            return fmu
        path = Path(fmu)
        if not path.is_file():
            raise NotFoundError(f"'{fmu}' is neither an FMU id (sha256 or lib:<Name>) nor an FMU file",
                                type=_config_problem("not-found"))
        return self.upload(path).id

    # -- simulations ---------------------------------------------------------------------------------

    def simulation_request(self, fmu_id: str, *, stop_time: float | None = None,
                           start_time: float | None = None, output_interval: float | None = None,
                           start_values: Mapping[str, Any] | None = None, inputs: Any = None,
                           outputs: Sequence[str] | None = None, kpis: Iterable[KpiLike] | None = None,
                           interface: str = "auto", solver: str | None = None,
                           relative_tolerance: float | None = None, step_size: float | None = None,
                           timeout_s: float | None = None, wait_s: float | None = None,
                           cache: bool = True) -> dict[str, Any]:
        """The SimulationCreate body for these arguments (what `simulate` and `quote` send)."""
        body: dict[str, Any] = {"fmu_id": fmu_id, "interface": interface, "cache": cache}
        optional = {"start_time": start_time, "stop_time": stop_time, "output_interval": output_interval,
                    "solver": solver, "relative_tolerance": relative_tolerance, "step_size": step_size,
                    "timeout_s": timeout_s, "wait_s": wait_s}
        body.update({k: v for k, v in optional.items() if v is not None})
        if start_values:
            body["start_values"] = {k: _plain(v) for k, v in start_values.items()}
        if inputs is not None:
            body["inputs"] = input_series(inputs)
        if outputs is not None:
            body["outputs"] = list(outputs)
        if kpis:
            body["kpis"] = [kpi_spec(k) for k in kpis]
        return body

    def simulate(self, fmu: FmuLike, *, stop_time: float | None = None, start_time: float | None = None,
                 output_interval: float | None = None, start_values: Mapping[str, Any] | None = None,
                 inputs: Any = None, outputs: Sequence[str] | None = None,
                 kpis: Iterable[KpiLike] | None = None, interface: str = "auto", solver: str | None = None,
                 relative_tolerance: float | None = None, step_size: float | None = None,
                 timeout_s: float | None = None, cache: bool = True, wait: bool = True,
                 payment_token: str | None = None, idempotency_key: str | None = None,
                 progress: bool | None = None) -> SimulationResult:
        """Run a simulation and return its result.

        `fmu` is a library id (`lib:FuelRail`), an uploaded FMU's sha256, or a path (uploaded when the
        gateway does not have it). `inputs` is a DataFrame (a `time` column or index), a dict of equal
        length lists with a `time` key, or None. `kpis` take `"mean(p_rail)"`, `("max", "p_rail")` or
        `{"variable": ..., "kind": ..., "name": ...}`. When the gateway answers 202 the job is followed
        (with a progress bar on a terminal) until it ends; `wait=False` returns it as submitted.

        Every call carries an Idempotency-Key (reused across its retries, so it is charged once) and
        the one-shot `payment_token` when given. Raises `SimulationFailed` when the model failed,
        `PaymentRequired` when the account lacks credits.
        """
        local_path = fmu if isinstance(fmu, Path) else None
        if isinstance(fmu, str) and not FMU_ID.match(fmu):
            local_path = Path(fmu)
        try:
            fmu_id = self._fmu_id(fmu)
        except APIConnectionError as exc:
            if self.local_fallback and local_path is not None:
                return self._local(local_path, str(exc), stop_time=stop_time, start_time=start_time,
                                   output_interval=output_interval, start_values=start_values,
                                   inputs=inputs, outputs=outputs, kpis=kpis, interface=interface,
                                   solver=solver, relative_tolerance=relative_tolerance,
                                   step_size=step_size, timeout_s=timeout_s)
            raise
        body = self.simulation_request(
            fmu_id, stop_time=stop_time, start_time=start_time, output_interval=output_interval,
            start_values=start_values, inputs=inputs, outputs=outputs, kpis=kpis, interface=interface,
            solver=solver, relative_tolerance=relative_tolerance, step_size=step_size, timeout_s=timeout_s,
            wait_s=None if wait else 0, cache=cache)
        try:
            response = self._call(create_simulation, body=SimulationCreate.from_dict(body),
                                  idempotency_key=idempotency_key or str(uuid.uuid4()),
                                  payment_token=payment_token or UNSET)
        except APIConnectionError as exc:
            path = local_path or self._paths.get(fmu_id)
            if self.local_fallback and path is not None:
                return self._local(path, str(exc), **_without(body, "fmu_id", "wait_s", "cache"))
            raise
        simulation = json.loads(response.content)
        if not wait:
            return SimulationResult.from_api(simulation)
        if simulation["status"] not in TERMINAL:
            simulation = self._follow(simulation, progress)
        return self._finish(simulation)

    def get_simulation(self, simulation_id: str) -> SimulationResult:
        """A simulation's status, KPIs, provenance and error (without its data)."""
        return SimulationResult.from_api(self._simulation(simulation_id))

    def wait(self, simulation_id: str, *, progress: bool | None = None) -> SimulationResult:
        """Follow a submitted simulation until it ends; its result with data, or `SimulationFailed`."""
        simulation = self._simulation(simulation_id)
        if simulation["status"] not in TERMINAL:
            simulation = self._follow(simulation, progress)
        return self._finish(simulation)

    def result_csv(self, simulation_id: str) -> str:
        """The result of a succeeded simulation as the gateway's CSV."""
        response = self.send(get_simulation_result._get_kwargs(simulation_id=simulation_id),
                             headers={"Accept": "text/csv"})
        return response.text

    def _simulation(self, simulation_id: str) -> dict[str, Any]:
        response = self._call(get_simulation, simulation_id=simulation_id)
        return cast(dict[str, Any], json.loads(response.content))

    def cancel(self, simulation_id: str) -> SimulationResult:
        """Cancel a queued or running simulation (a finished one is returned as it is)."""
        response = self._call(cancel_simulation, simulation_id=simulation_id)
        return SimulationResult.from_api(json.loads(response.content))

    def _follow(self, simulation: dict[str, Any], progress: bool | None) -> dict[str, Any]:
        """Poll until the simulation ends, showing the gateway's `progress` (fraction of the interval)."""
        bar = progress_bar(self.progress if progress is None else progress, total=100,
                           desc=f"{simulation['id']}", unit="%")
        delay, shown = 0.1, 0
        try:
            while simulation["status"] not in TERMINAL:
                bar.set_postfix_str(simulation["status"])
                fraction = simulation.get("progress")
                if isinstance(fraction, int | float) and int(fraction * 100) > shown:
                    bar.update(int(fraction * 100) - shown)
                    shown = int(fraction * 100)
                time.sleep(delay)
                delay = min(delay * 1.5, 2.0)
                simulation = self._simulation(simulation["id"])
        except KeyboardInterrupt:
            # Ctrl-C while following: do not leave the run going (and costing) on the gateway.
            try:
                self.cancel(simulation["id"])
            finally:
                raise
        finally:
            bar.close()
        return simulation

    def _finish(self, simulation: dict[str, Any]) -> SimulationResult:
        if simulation["status"] != "succeeded":
            error = simulation.get("error") or {}
            raise SimulationFailed(
                f"simulation {simulation['id']} {simulation['status']}: {error.get('detail', 'no detail')}",
                type=_config_problem(str(error.get("type") or "simulation-failed")), simulation=simulation)
        if simulation.get("result") is not None:
            return SimulationResult.from_api(simulation)
        response = self._call(get_simulation_result, simulation_id=simulation["id"])
        return SimulationResult.from_api(simulation, json.loads(response.content))

    def _local(self, path: Path, reason: str, **arguments: Any) -> SimulationResult:
        from fmu_gateway_sdk._local import simulate_locally

        body = self.simulation_request(str(path), **arguments)
        return simulate_locally(path, body, reason=reason)

    def sweep(self, fmu: FmuLike, grid: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]], *,
              kpis: Iterable[KpiLike] | None = None, long: bool = False, max_workers: int = 4,
              progress: bool | None = None, retry_failed: int = 0, **simulate_options: Any) -> pd.DataFrame:
        """Run one simulation per point, concurrently; one tidy DataFrame (extra `pandas`).

        `grid` is a mapping of start-value names to value lists (every combination runs) or a list of
        start-value dicts. Rows: `run`, the point's values, one column per KPI, `status`, `cached`,
        `simulation_id` and `error` (a failed run is a row, not an exception). `long=True` returns the
        time series instead: one row per run and time point. `retry_failed=n` submits failed runs again,
        up to n times (for transient platform failures such as a killed sandbox).
        """
        from fmu_gateway_sdk._sweep import run_sweep

        return run_sweep(self, fmu, grid, kpis=kpis, long=long, max_workers=max_workers,
                         progress=self.progress if progress is None else progress, retry_failed=retry_failed,
                         **simulate_options)

    # -- paid runs ------------------------------------------------------------------------------------

    def quote(self, fmu: FmuLike, **simulate_options: Any) -> Quote:
        """What `simulate` with these arguments would cost, without running it (free when cached)."""
        body = self.simulation_request(self._fmu_id(fmu), **simulate_options)
        return cast(Quote, self._call(create_quote, body=SimulationCreate.from_dict(body)).parsed)

    def account(self) -> Account:
        """This account: tier, credit balance and recent ledger entries."""
        return cast(Account, self._call(get_account).parsed)

    def pricing(self) -> Pricing:
        """Tiers, limits, credit packs and the pay-per-run price (no key needed)."""
        return cast(Pricing, self._call(get_pricing, auth=False).parsed)

    def checkout(self, pack_id: str, *, idempotency_key: str | None = None) -> Checkout:
        """Buy a credit pack: a Stripe Checkout session; pay at its `checkout_url`."""
        response = self._call(create_checkout, body=CheckoutCreate(pack_id=pack_id),
                              idempotency_key=idempotency_key or str(uuid.uuid4()))
        return cast(Checkout, response.parsed)

    def checkout_session(self, session_id: str) -> Checkout:
        """A checkout session's state; a paid pay-per-run session carries its one-shot `payment_token`."""
        return cast(Checkout, self._call(get_checkout, session_id=session_id).parsed)


def kpi_spec(kpi: KpiLike) -> dict[str, Any]:
    """`"mean(x)"`, `("mean", "x")` or a KpiSpec mapping, as a KpiSpec mapping."""
    if isinstance(kpi, str):
        match = KPI_CALL.match(kpi)
        if not match:
            raise ValueError(f"KPI '{kpi}' is not of the form kind(variable), kind one of "
                             "min, max, mean, rms, final, integral")
        return {"variable": match.group(2), "kind": match.group(1)}
    if isinstance(kpi, tuple):
        kind, variable = kpi
        return {"variable": variable, "kind": kind}
    return {k: v for k, v in kpi.items() if v is not None}


def input_series(inputs: Any) -> dict[str, Any]:
    """An InputSeries from a DataFrame (time column or index), a dict of lists, or an InputSeries."""
    if isinstance(inputs, Mapping):
        if "signals" in inputs:
            return {"time": [float(t) for t in inputs["time"]],
                    "signals": {k: [_plain(v) for v in vs] for k, vs in inputs["signals"].items()}}
        if "time" not in inputs:
            raise ValueError("inputs need a 'time' entry")
        return {"time": [float(t) for t in inputs["time"]],
                "signals": {k: [_plain(v) for v in vs] for k, vs in inputs.items() if k != "time"}}
    columns = getattr(inputs, "columns", None)
    if columns is not None:  # a pandas DataFrame
        frame = inputs if "time" in columns else inputs.reset_index().rename(columns={"index": "time"})
        frame = frame.rename(columns={frame.columns[0]: "time"}) if "time" not in frame.columns else frame
        return input_series({str(c): frame[c].tolist() for c in frame.columns})
    raise TypeError("inputs must be a pandas DataFrame or a mapping of lists with a 'time' entry")


def _plain(value: Any) -> Any:
    """NumPy scalars as plain Python numbers (JSON has no numpy.float64)."""
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def _without(mapping: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k not in keys}


def _config_problem(slug: str) -> str:
    return f"https://fmu-gateway.dev/problems/{slug}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
