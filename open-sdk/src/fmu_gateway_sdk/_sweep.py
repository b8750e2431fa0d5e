"""Parameter sweeps: many simulations at once, gathered into one tidy DataFrame."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import TYPE_CHECKING, Any

from fmu_gateway_sdk._errors import FmuGatewayError, SimulationFailed
from fmu_gateway_sdk._progress import progress_bar

if TYPE_CHECKING:
    import pandas as pd

    from fmu_gateway_sdk._client import FmuLike, Gateway
    from fmu_gateway_sdk._results import SimulationResult


def grid_points(grid: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every combination of a mapping of value lists, or the given list of dicts."""
    if isinstance(grid, Mapping):
        names = list(grid)
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*grid.values())]
    return [dict(point) for point in grid]


def run_sweep(gateway: Gateway, fmu: FmuLike, grid: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]],
              options: Mapping[str, Any], *, long: bool, max_workers: int, progress: bool | None,
              retry_failed: int = 0) -> pd.DataFrame:
    import pandas as pd

    points = grid_points(grid)
    fmu_id = gateway._fmu_id(fmu)  # upload once, not once per run
    base = dict(options.get("start_values") or {})
    common = {**options, "kpis": list(options.get("kpis") or [])}

    def run_point(run: int, fresh: bool = False) -> SimulationResult:
        # No progress per run, and the gateway's default wait: polling many runs at once costs requests.
        point = {**common, "start_values": {**base, **points[run]}, **({"cache": False} if fresh else {})}
        return gateway._simulate(fmu_id, point, wait_s=None, follow=True)

    outcomes: dict[int, SimulationResult | FmuGatewayError] = {}
    bar = progress_bar(progress, total=len(points), desc="sweep")
    try:
        with ThreadPoolExecutor(max_workers=max(1, max_workers)) as pool:
            futures = {pool.submit(run_point, run): run for run in range(len(points))}
            for future in as_completed(futures):
                run = futures[future]
                try:
                    outcomes[run] = future.result()
                except SimulationFailed as exc:
                    outcomes[run] = exc
                bar.update(1)
        # A run the sandbox lost (killed, crashed platform) usually succeeds when submitted again.
        for _ in range(retry_failed):
            again = [run for run, outcome in outcomes.items() if isinstance(outcome, SimulationFailed)]
            for run in again:
                try:
                    outcomes[run] = run_point(run, fresh=True)
                except SimulationFailed as exc:
                    outcomes[run] = exc
    finally:
        bar.close()

    if long:
        frames = []
        for run, point in enumerate(points):
            outcome = outcomes[run]
            if isinstance(outcome, FmuGatewayError):
                continue
            frame = outcome.to_pandas()
            for name, value in reversed(list(point.items())):
                frame.insert(0, name, value)
            frame.insert(0, "run", run)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    rows = []
    for run, point in enumerate(points):
        outcome = outcomes[run]
        row: dict[str, Any] = {"run": run, **point}
        if isinstance(outcome, FmuGatewayError):
            sim = getattr(outcome, "simulation", {})
            row.update({"status": sim.get("status", "failed"), "cached": False,
                        "simulation_id": sim.get("id"), "error": outcome.detail})
        else:
            row.update(outcome.kpis)
            row.update({"status": outcome.status, "cached": outcome.cached, "simulation_id": outcome.id,
                        "error": None})
        rows.append(row)
    return pd.DataFrame(rows)
