"""Parameter sweeps, run by the gateway: one quote and one admission for every case, the cases in
parallel on its workers, one table back (a failed case is a row, never lost work)."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, cast

from fmu_gateway_sdk._generated.api.sweeps import cancel_sweep, create_sweep, get_sweep, get_sweep_results
from fmu_gateway_sdk._generated.models import SweepCreate
from fmu_gateway_sdk._options import _plain, request_body
from fmu_gateway_sdk._progress import progress_bar

if TYPE_CHECKING:
    import pandas as pd

    from fmu_gateway_sdk._client import FmuLike, Gateway

Grid = Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]]
POLL_S = (0.2, 0.5, 1.0, 2.0)


def grid_points(grid: Grid) -> list[dict[str, Any]]:
    """Every combination of a mapping of value lists (the last name varying fastest), or the given list."""
    if isinstance(grid, Mapping):
        names = list(grid)
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*grid.values())]
    return [dict(point) for point in grid]


def sweep_body(fmu_id: str, grid: Grid | None, options: Mapping[str, Any], *,
               lhs: Mapping[str, Any] | None = None, max_cases: int | None = None) -> dict[str, Any]:
    """The contract's SweepCreate: the base request and the cases (grid, list or Latin hypercube)."""
    base = {k: v for k, v in options.items() if k != "callback_url"}
    body: dict[str, Any] = {"base": request_body(fmu_id, base)}
    if options.get("callback_url"):
        body["callback_url"] = options["callback_url"]  # the sweep's: one callback when every case has ended
    if lhs is not None:
        body["lhs"] = {"ranges": {k: [float(lo), float(hi)] for k, (lo, hi) in lhs["ranges"].items()},
                       "samples": int(lhs["samples"]), "seed": int(lhs.get("seed", 0))}
    elif isinstance(grid, Mapping):
        body["grid"] = {k: [_plain(v) for v in values] for k, values in grid.items()}
    elif grid is not None:
        body["cases"] = [{k: _plain(v) for k, v in point.items()} for point in grid]
    if max_cases is not None:
        body["max_cases"] = max_cases
    return body


def submit(gateway: Gateway, body: Mapping[str, Any]) -> dict[str, Any]:
    """Admit the sweep (charged once, whatever the retries: one Idempotency-Key)."""
    kwargs = create_sweep._get_kwargs(body=SweepCreate.from_dict(dict(body)),
                                      idempotency_key=str(uuid.uuid4()))
    return cast(dict[str, Any], json.loads(gateway.send(kwargs).content))


def follow(gateway: Gateway, sweep: dict[str, Any], progress: bool | None) -> dict[str, Any]:
    """Poll the sweep until every case has ended, with a progress bar; Ctrl-C cancels what has not run."""
    bar = progress_bar(progress, total=sweep["case_count"], desc="sweep")
    shown = 0
    try:
        for attempt in itertools.count():
            counts = sweep["counts"]
            ended = counts["succeeded"] + counts["failed"] + counts["cancelled"]
            bar.update(ended - shown)
            shown = ended
            if counts["queued"] + counts["running"] == 0:
                return sweep
            time.sleep(POLL_S[min(attempt, len(POLL_S) - 1)])
            sweep = json.loads(gateway.send(get_sweep._get_kwargs(sweep_id=sweep["id"])).content)
    except KeyboardInterrupt:
        gateway.send(cancel_sweep._get_kwargs(sweep_id=sweep["id"]))
        raise
    finally:
        bar.close()
    raise AssertionError("unreachable")


def table(gateway: Gateway, sweep_id: str) -> dict[str, Any]:
    response = gateway.send(get_sweep_results._get_kwargs(sweep_id=sweep_id),
                            headers={"Accept": "application/json"})
    return cast(dict[str, Any], json.loads(response.content))


def run_sweep(gateway: Gateway, fmu: FmuLike, grid: Grid | None, options: Mapping[str, Any], *, long: bool,
              max_workers: int, progress: bool | None, retry_failed: int = 0,
              lhs: Mapping[str, Any] | None = None, max_cases: int | None = None) -> pd.DataFrame:
    import pandas as pd

    fmu_id = gateway._fmu_id(fmu)  # upload once
    chosen = gateway._with_interface(fmu_id, options)
    sweep = follow(gateway, submit(gateway, sweep_body(fmu_id, grid, chosen, lhs=lhs, max_cases=max_cases)),
                   progress)
    doc = table(gateway, sweep["id"])
    rows = doc["rows"]
    # A case the platform lost (a killed sandbox) usually succeeds when run again: a sweep of those cases.
    for _ in range(retry_failed):
        failed = [i for i, row in enumerate(rows) if row["status"] == "failed"]
        if not failed:
            break
        again = follow(gateway, submit(gateway, sweep_body(
            fmu_id, [rows[i]["start_values"] for i in failed], {**chosen, "cache": False})), progress=False)
        for i, row in zip(failed, table(gateway, again["id"])["rows"], strict=True):
            rows[i] = {**row, "case": rows[i]["case"]}

    if long:
        def series(row: dict[str, Any]) -> pd.DataFrame | None:
            if row["status"] != "succeeded":
                return None
            result = gateway.wait(row["simulation_id"], progress=False).to_pandas()
            for name, value in reversed(list(row["start_values"].items())):
                result.insert(0, name, value)
            result.insert(0, "run", row["case"])
            return result

        with ThreadPoolExecutor(max_workers=max(1, max_workers)) as pool:
            frames = [f for f in pool.map(series, rows) if f is not None]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    records = []
    for row in rows:
        record: dict[str, Any] = {"run": row["case"], **row["start_values"], **row["kpis"],
                                  "status": row["status"], "cached": row["cached"],
                                  "simulation_id": row["simulation_id"],
                                  "error": row["error"]["detail"] if row["error"] else None}
        records.append(record)
    frame = pd.DataFrame(records)
    frame.attrs["sweep_id"] = sweep["id"]
    return frame
