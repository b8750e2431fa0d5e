"""`Gateway`: the high-level client (its plumbing, keys and the one request path, is in `_base`)."""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack, cast

from fmu_gateway_sdk._base import GatewayBase
from fmu_gateway_sdk._errors import (
    APIConnectionError,
    NotFoundError,
    PaymentRequired,
    SimulationFailed,
)
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
    get_simulation_log,
    get_simulation_result,
    list_simulations,
)
from fmu_gateway_sdk._generated.api.sweeps import quote_sweep
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
    SweepCreate,
    SweepQuote,
    UploadFmuBody,
    Variable,
)
from fmu_gateway_sdk._generated.models.get_simulation_result_format import check_get_simulation_result_format
from fmu_gateway_sdk._generated.types import UNSET, File, Unset
from fmu_gateway_sdk._options import SimulationOptions, request_body
from fmu_gateway_sdk._progress import progress_bar
from fmu_gateway_sdk._results import SimulationResult, arrow_available, short_model_name

ARROW_STREAM = "application/vnd.apache.arrow.stream"
# pyarrow reads IPC buffers compressed with either codec: the gateway then sends its stored stream as it is
ARROW_COMPRESSED = f'{ARROW_STREAM}; codecs="zstd, lz4"'

if TYPE_CHECKING:
    import pandas as pd

FMU_ID = re.compile(r"^([0-9a-f]{64}|lib:[A-Za-z0-9_.-]+(@fmi[23])?)$")
TERMINAL = frozenset({"succeeded", "failed", "cancelled"})
# `simulate` lets the gateway hold the request this long, then follows the 202 by polling, so that progress
# shows from the first second (and Ctrl-C can cancel the run: its id is known by then).
FIRST_WAIT_S = 1.0
POLL_FIRST_S, POLL_MAX_S = 0.25, 2.0
FmuLike = str | Path | Fmu


class Gateway(GatewayBase):
    """A connection to an FMU Gateway.

    `api_key` defaults to FMU_GATEWAY_API_KEY, else the key stored for this gateway in the config
    directory. `base_url` defaults to FMU_GATEWAY_URL, else `url` in the config directory's config.toml,
    else a local gateway at http://127.0.0.1:8000. Without any key, one is created (a new account) and
    stored (mode 0600), saying where on stderr: by default only for a gateway on this machine;
    `auto_key=True` for any gateway, `False` never. A key that is refused is an `AuthenticationError`
    whose `hint` says how to make a new one: the SDK never replaces a key by itself. With
    `local_fallback=True`, a simulation of an FMU file runs on this machine with FMPy when the gateway
    cannot be reached. `progress` shows progress bars (None: on a terminal or in a notebook).
    """

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
        """Upload an FMU file, unless the gateway already has it (asked by sha256: then no bytes are sent).

        The FMU's `warnings` list what validation accepted but found (schema quirks of tool exports that
        FMPy simulates through); an FMU the gateway refuses raises instead."""
        path = Path(path)
        sha256 = _sha256(path)
        self._paths[sha256] = path
        self._names[sha256] = path.name
        try:
            return cast(Fmu, self._call(get_fmu, fmu_id=sha256).parsed)
        except NotFoundError:
            pass
        with path.open("rb") as fh:
            upload = File(payload=fh, file_name=path.name, mime_type="application/octet-stream")
            body = UploadFmuBody(file=upload)
            return cast(Fmu, self._call(upload_fmu, body=body).parsed)

    def variables(self, fmu: FmuLike, *, causality: str | None = None) -> list[Variable]:
        """The model's variables in model-description order (every page of them)."""
        fmu_id, found = self._fmu_id(fmu), []
        cursor: str | Unset = UNSET
        while True:
            page = self._call(list_fmu_variables, fmu_id=fmu_id, causality=causality if causality else UNSET,
                              limit=5000, cursor=cursor).parsed
            found.extend(page.items)
            if not isinstance(page.next_cursor, str):
                return found
            cursor = page.next_cursor

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

    def simulate(self, fmu: FmuLike, *, wait: bool = True, payment_token: str | None = None,
                 idempotency_key: str | None = None, progress: bool | None = None,
                 **options: Unpack[SimulationOptions]) -> SimulationResult:
        """Run a simulation and return its result.

        `fmu` is a library id (`lib:FuelRail`), an uploaded FMU's sha256, or a path (uploaded when the
        gateway does not have it). `options` are the `SimulationOptions`: stop_time, start_values,
        inputs, outputs, kpis, solver, ... The gateway holds the request for a second; a longer run is
        followed (with a progress bar on a terminal or in a notebook) until it ends, and Ctrl-C cancels
        it. `wait=False` returns the simulation as submitted (see `wait`, `cancel`).

        Every call carries an Idempotency-Key (reused across its retries, so it is charged once) and
        the one-shot `payment_token` when given. Raises `SimulationFailed` when the model failed,
        `PaymentRequired` when the account lacks credits.
        """
        return self._simulate(fmu, options, wait_s=FIRST_WAIT_S if wait else 0, follow=wait,
                              payment_token=payment_token, idempotency_key=idempotency_key, progress=progress)

    def _simulate(self, fmu: FmuLike, options: Mapping[str, Any], *, wait_s: float | None, follow: bool,
                  payment_token: str | None = None, idempotency_key: str | None = None,
                  progress: bool | None = False) -> SimulationResult:
        local_path = fmu if isinstance(fmu, Path) else None
        if isinstance(fmu, str) and not FMU_ID.match(fmu):
            local_path = Path(fmu)
        try:
            fmu_id = self._fmu_id(fmu)
            options = self._with_interface(fmu_id, options)
        except APIConnectionError as exc:
            if self.local_fallback and local_path is not None:
                return self._local(local_path, str(exc), options)
            raise
        body = request_body(fmu_id, options, wait_s=wait_s)
        if arrow_available():
            body["inline_result"] = False  # fetched as Arrow instead of rendered as JSON
        try:
            response = self._call(create_simulation, body=SimulationCreate.from_dict(body),
                                  idempotency_key=idempotency_key or str(uuid.uuid4()),
                                  payment_token=payment_token or UNSET)
        except APIConnectionError as exc:
            path = local_path or self._paths.get(fmu_id)
            if self.local_fallback and path is not None:
                return self._local(path, str(exc), options)
            raise
        simulation = json.loads(response.content)
        if not follow:
            return SimulationResult.from_api(simulation, model=self._name(fmu_id))
        if simulation["status"] not in TERMINAL:
            simulation = self._follow(simulation, progress)
        return self._finish(simulation)

    def _with_interface(self, fmu_id: str, options: Mapping[str, Any]) -> dict[str, Any]:
        """A solver is Model Exchange only: with `interface` auto, a solver picks Model Exchange when the
        FMU has it (the gateway's auto means Co-Simulation first, and refuses a solver there)."""
        chosen = dict(options)
        if chosen.get("solver") and chosen.get("interface", "auto") == "auto":
            if "ModelExchange" in self.model_info(fmu_id).interfaces:
                chosen["interface"] = "ModelExchange"
        return chosen

    def get_simulation(self, simulation_id: str) -> SimulationResult:
        """A simulation's status, KPIs, provenance and error (without its data)."""
        simulation = self._simulation(simulation_id)
        return SimulationResult.from_api(simulation, model=self._name(simulation["fmu_id"]))

    def simulations(self, *, limit: int = 50) -> list[SimulationResult]:
        """This account's recent simulations, newest first: summaries (status, KPIs, error; no request,
        provenance or data: `get_simulation` and `wait` have those)."""
        response = self._call(list_simulations, limit=limit)
        items = json.loads(response.content)["items"]
        return [SimulationResult.from_api(s, model=self._name(s["fmu_id"])) for s in items]

    def wait(self, simulation_id: str, *, progress: bool | None = None) -> SimulationResult:
        """Follow a submitted simulation until it ends; its result with data, or `SimulationFailed`."""
        simulation = self._simulation(simulation_id)
        if simulation["status"] not in TERMINAL:
            simulation = self._follow(simulation, progress)
        return self._finish(simulation)

    def result_bytes(self, simulation_id: str, format: str) -> bytes:
        """The result of a succeeded simulation as the gateway renders it: `json`, `csv`, `arrow` (an Arrow
        IPC stream, uncompressed buffers: any Arrow reader takes it) or `parquet`."""
        kind = check_get_simulation_result_format(format)
        response = self.send(get_simulation_result._get_kwargs(simulation_id=simulation_id, format_=kind))
        return response.content

    def result_table(self, simulation_id: str) -> Any:
        """The result of a succeeded simulation as a `pyarrow.Table` (extra `arrow`): FMI types, NaN and the
        infinities kept; field metadata `fmi_type`, `unit`, `dimensions` (arrays are fixed-size lists)."""
        import pyarrow as pa  # type: ignore[import-untyped]

        response = self.send(get_simulation_result._get_kwargs(simulation_id=simulation_id, format_="arrow"),
                             headers={"Accept": ARROW_COMPRESSED})
        return pa.ipc.open_stream(response.content).read_all()

    def result_csv(self, simulation_id: str) -> str:
        """The result of a succeeded simulation as the gateway's CSV."""
        response = self.send(get_simulation_result._get_kwargs(simulation_id=simulation_id),
                             headers={"Accept": "text/csv"})
        return response.text

    def log(self, simulation_id: str, *, tail: int | None = None) -> str:
        """A run's log as text: the FMU's logger messages (`[category] message`), then what the model
        wrote to stdout and stderr; capped per run by the gateway. `tail`: only the last lines. Give
        `debug_logging=True` to `simulate` to have the FMU log its debug categories too."""
        kwargs = get_simulation_log._get_kwargs(simulation_id=simulation_id,
                                                tail=tail if tail is not None else UNSET)
        return self.send(kwargs, headers={"Accept": "text/plain"}).text

    def log_lines(self, simulation_id: str, *, tail: int | None = None) -> dict[str, Any]:
        """A run's log as the gateway's SimulationLog document: `lines`, `truncated`, `status`."""
        kwargs = get_simulation_log._get_kwargs(simulation_id=simulation_id,
                                                tail=tail if tail is not None else UNSET)
        response = self.send(kwargs, headers={"Accept": "application/json"})
        return cast(dict[str, Any], json.loads(response.content))

    def _simulation(self, simulation_id: str) -> dict[str, Any]:
        response = self._call(get_simulation, simulation_id=simulation_id)
        return cast(dict[str, Any], json.loads(response.content))

    def cancel(self, simulation_id: str) -> SimulationResult:
        """Cancel a simulation: a queued one is cancelled at once and its price refunded; a running one
        is stopped (its sandbox killed) within about a second, and is not refunded.

        Returns the simulation as the gateway answered: `cancelled`, or still `running` while it stops
        (`wait` or `get_simulation` show the end). One that has already ended raises `ConflictError`
        (problem `simulation-ended`).
        """
        response = self._call(cancel_simulation, simulation_id=simulation_id)
        simulation = json.loads(response.content)
        return SimulationResult.from_api(simulation, model=self._name(simulation["fmu_id"]))

    def _follow(self, simulation: dict[str, Any], progress: bool | None) -> dict[str, Any]:
        """Poll until the simulation ends, showing the gateway's `progress` (fraction of the interval)."""
        bar = progress_bar(self.progress if progress is None else progress, total=100,
                           desc=self._name(simulation["fmu_id"]), percent=True)
        delay, shown = POLL_FIRST_S, 0
        try:
            while simulation["status"] not in TERMINAL:
                bar.set_postfix_str(simulation["status"])
                fraction = simulation.get("progress")
                if isinstance(fraction, int | float) and int(fraction * 100) > shown:
                    bar.update(int(fraction * 100) - shown)
                    shown = int(fraction * 100)
                time.sleep(delay)
                delay = min(delay * 1.5, POLL_MAX_S)
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
        name = self._name(simulation["fmu_id"])
        if simulation["status"] != "succeeded":
            error = simulation.get("error") or {}
            raise SimulationFailed(
                f"simulation {simulation['id']} of {name} {simulation['status']}: "
                f"{error.get('detail', 'no detail')}",
                type=_config_problem(str(error.get("type") or "simulation-failed")), simulation=simulation)
        if simulation.get("result") is not None:
            return SimulationResult.from_api(simulation, model=name)
        if arrow_available():
            # Arrow when the gateway offers it, else JSON (negotiated: an older gateway answers JSON)
            response = self.send(get_simulation_result._get_kwargs(simulation_id=simulation["id"]),
                                 headers={"Accept": f"{ARROW_COMPRESSED}, application/json;q=0.5"})
            if response.headers.get("content-type", "").startswith(ARROW_STREAM):
                import pyarrow as pa

                table = pa.ipc.open_stream(response.content).read_all()
                return SimulationResult.from_arrow(simulation, table, model=name)
            return SimulationResult.from_api(simulation, json.loads(response.content), model=name)
        response = self._call(get_simulation_result, simulation_id=simulation["id"])
        return SimulationResult.from_api(simulation, json.loads(response.content), model=name)

    def _local(self, path: Path, reason: str, options: Mapping[str, Any]) -> SimulationResult:
        from fmu_gateway_sdk._local import simulate_locally

        return simulate_locally(path, request_body(str(path), options), reason=reason)

    def _name(self, fmu_id: str) -> str:
        return self._names.get(fmu_id) or short_model_name(fmu_id)

    def sweep(self, fmu: FmuLike,
              grid: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]] | None = None, *,
              lhs: Mapping[str, Any] | None = None, max_cases: int | None = None, long: bool = False,
              max_workers: int = 4, progress: bool | None = None, retry_failed: int = 0,
              **options: Unpack[SimulationOptions]) -> pd.DataFrame:
        """Run one simulation per case on the gateway, in parallel; one tidy DataFrame (extra `pandas`).

        `grid` is a mapping of start-value names to value lists (every combination runs) or a list of
        start-value dicts; or give `lhs={"ranges": {"e": (0.5, 0.9)}, "samples": 100, "seed": 1}` for
        Latin-hypercube samples. `options` (the `SimulationOptions`) apply to every case, their start
        values under each case's. The gateway quotes and charges the whole sweep at once before anything
        runs: `PaymentRequired` (nothing charged) when the balance does not cover it, unless `max_cases`
        limits it to the first cases the balance pays for (`sweep_quote` says how many).

        Rows: `run`, the case's values, one column per KPI, `status`, `cached`, `simulation_id` and
        `error` (a failed case is a row, not an exception); `frame.attrs["sweep_id"]` names the sweep.
        `long=True` returns the time series instead (fetched `max_workers` at a time): one row per case
        and time point. `retry_failed=n` runs failed cases again, up to n times (for transient platform
        failures such as a killed sandbox). Ctrl-C cancels the cases not yet run (refunded).
        """
        from fmu_gateway_sdk._sweep import run_sweep

        if grid is None and lhs is None:
            raise TypeError("sweep() needs a grid (a mapping of value lists or a list of dicts) or lhs")
        return run_sweep(self, fmu, grid, options, long=long, max_workers=max_workers,
                         progress=self.progress if progress is None else progress, retry_failed=retry_failed,
                         lhs=lhs, max_cases=max_cases)

    def sweep_csv(self, sweep_id: str) -> str:
        """A sweep's table as the gateway's CSV (case, simulation_id, status, cached, values, KPIs, error)."""
        from fmu_gateway_sdk._generated.api.sweeps import get_sweep_results

        response = self.send(get_sweep_results._get_kwargs(sweep_id=sweep_id), headers={"Accept": "text/csv"})
        return response.text

    def sweep_quote(self, fmu: FmuLike,
                    grid: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]] | None = None, *,
                    lhs: Mapping[str, Any] | None = None, max_cases: int | None = None,
                    **options: Unpack[SimulationOptions]) -> SweepQuote:
        """What `sweep` with these arguments would cost, before anything runs: `price_credits`,
        `cached_cases` (free), `balance_credits` and `affordable_cases` (give it as `max_cases`)."""
        from fmu_gateway_sdk._sweep import sweep_body

        fmu_id = self._fmu_id(fmu)
        body = sweep_body(fmu_id, grid, self._with_interface(fmu_id, options), lhs=lhs, max_cases=max_cases)
        return cast(SweepQuote, self._call(quote_sweep, body=SweepCreate.from_dict(body)).parsed)

    # -- paid runs ------------------------------------------------------------------------------------

    def quote(self, fmu: FmuLike, **options: Unpack[SimulationOptions]) -> Quote:
        """What `simulate` with these options would cost, without running it (free when cached)."""
        fmu_id = self._fmu_id(fmu)
        body = request_body(fmu_id, self._with_interface(fmu_id, options))
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

    def wait_for_payment(self, session_id: str, *, timeout: float = 900.0, poll: float = 2.0) -> Checkout:
        """Poll a checkout session until it is paid; the paid session (a pay-per-run one carries the
        `payment_token` for `simulate(..., payment_token=...)`). `PaymentRequired` when the session
        expires or `timeout` seconds pass first."""
        deadline = time.monotonic() + timeout
        while True:
            checkout = self.checkout_session(session_id)
            if checkout.paid_at is not None and (checkout.kind != "run" or checkout.payment_token):
                return checkout
            if checkout.status == "expired":
                raise PaymentRequired(f"checkout session {session_id} expired unpaid",
                                      type=_config_problem("checkout-expired"))
            if time.monotonic() >= deadline:
                raise PaymentRequired(f"checkout session {session_id} not paid within {timeout:g} s "
                                      f"(status {checkout.status}, payment {checkout.payment_status})",
                                      type=_config_problem("payment-timeout"))
            time.sleep(min(poll, max(0.0, deadline - time.monotonic())))


def _config_problem(slug: str) -> str:
    return f"https://fmu-gateway.dev/problems/{slug}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
