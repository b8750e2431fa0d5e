"""Fuel-rail pressure dynamics: how pump speed and engine speed set the rail pressure and its ripple.

Runs lib:FuelRail (a common-rail diesel model: pump, four pulsed injectors, relief valve at 1800 bar) for
a grid of high-pressure pump speeds at two engine speeds, through the FMU Gateway SDK, and writes
fuel_rail.json, fuel_rail.md and fuel_rail.png into the output directory.

    pip install 'fmu-gateway-sdk[pandas,plot]'    # the SDK with DataFrames and matplotlib
    python examples/fuel_rail.py [--out examples/out] [--url http://127.0.0.1:8000]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd
from fmu_gateway_sdk import Gateway
from matplotlib.figure import Figure

MODEL = "lib:FuelRail"
PUMP_SPEEDS = [1000.0, 1250.0, 1500.0, 1750.0, 2000.0]  # rpm
ENGINE_SPEEDS = [1500.0, 3000.0]  # rpm
STOP_TIME = 6.0  # s: build-up (about 1 s time constant) and a settled window
STEADY_FROM = 5.0  # s: the settled window in which the ripple is measured
OUTPUT_INTERVAL = 0.0005  # s: resolves each 1.5 ms injection pulse (a coarser grid aliases the ripple)
P_RELIEF = 1800.0  # bar, the model's relief-valve set pressure
KPIS = ["mean(p_rail)", "min(p_rail)", "max(p_rail)", "max(Q_relief)", "mean(Q_pump)"]


def analyse(gw: Gateway) -> tuple[dict[str, Any], pd.DataFrame, pd.DataFrame]:
    grid = {"engine_speed": ENGINE_SPEEDS, "pump_speed": PUMP_SPEEDS}
    options = {"stop_time": STOP_TIME, "output_interval": OUTPUT_INTERVAL, "kpis": KPIS,
               "outputs": ["p_rail", "Q_pump", "Q_relief"]}
    runs = gw.sweep(MODEL, grid, max_workers=2, retry_failed=2, **options)
    failed = runs[runs["status"] != "succeeded"]
    if not failed.empty:
        raise RuntimeError(f"{len(failed)} runs failed: {failed['error'].tolist()}")
    # The same requests again, as time series: the gateway serves them from its cache.
    series = gw.sweep(MODEL, grid, long=True, max_workers=2, **options)

    steady = series[series["time"] >= STEADY_FROM].groupby("run")["p_rail"]
    runs["p_steady_mean_bar"] = runs["run"].map(steady.mean())
    runs["ripple_pp_bar"] = runs["run"].map(steady.max() - steady.min())
    runs["relief_open"] = runs["max(Q_relief)"] > 1e-9
    rise = series[series["p_rail"] >= 0.9 * series["run"].map(runs.set_index("run")["p_steady_mean_bar"])]
    runs["t90_s"] = runs["run"].map(rise.groupby("run")["time"].min())

    cases = []
    for row in runs.sort_values(["engine_speed", "pump_speed"]).to_dict("records"):
        cases.append({
            "engine_speed_rpm": row["engine_speed"], "pump_speed_rpm": row["pump_speed"],
            "pump_delivery_cm3_s": round(row["mean(Q_pump)"], 3),
            "p_mean_bar": round(row["mean(p_rail)"], 1), "p_min_bar": round(row["min(p_rail)"], 1),
            "p_max_bar": round(row["max(p_rail)"], 1),
            "p_steady_mean_bar": round(row["p_steady_mean_bar"], 1),
            "ripple_pp_bar": round(row["ripple_pp_bar"], 1), "t90_s": round(row["t90_s"], 3),
            "relief_valve_opened": bool(row["relief_open"]), "simulation_id": row["simulation_id"],
        })
    summary = {"model": MODEL, "stop_time_s": STOP_TIME, "steady_window_s": [STEADY_FROM, STOP_TIME],
               "relief_pressure_bar": P_RELIEF, "cases": cases, "conclusions": conclusions(cases)}
    return summary, runs, series


def conclusions(cases: list[dict[str, Any]]) -> list[str]:
    lines = []
    for engine in ENGINE_SPEEDS:
        rows = [c for c in cases if c["engine_speed_rpm"] == engine]
        limited = [c["pump_speed_rpm"] for c in rows if c["relief_valve_opened"]]
        free = [c for c in rows if not c["relief_valve_opened"]]
        lo, hi = rows[0], rows[-1]
        text = (f"At {engine:.0f} rpm engine speed the settled rail pressure rises from "
                f"{lo['p_steady_mean_bar']:.0f} bar (pump {lo['pump_speed_rpm']:.0f} rpm) to "
                f"{hi['p_steady_mean_bar']:.0f} bar (pump {hi['pump_speed_rpm']:.0f} rpm)")
        if limited:
            text += (f"; from {min(limited):.0f} rpm pump speed the relief valve opens and caps the pressure "
                     f"near {P_RELIEF:.0f} bar")
        else:
            text += "; the relief valve stays closed"
        if free:
            worst = max(free, key=lambda c: c["ripple_pp_bar"])
            text += (f". Injection ripple below relief: up to {worst['ripple_pp_bar']:.0f} bar peak-to-peak "
                     f"(pump {worst['pump_speed_rpm']:.0f} rpm).")
        else:
            text += "."
        lines.append(text)
    return lines


def chart(summary: dict[str, Any], series: pd.DataFrame, runs: pd.DataFrame, path: Path) -> None:
    figure = Figure(figsize=(11, 4.8), layout="constrained")
    left, right = figure.subplots(1, 2, width_ratios=[1.5, 1])
    engine = ENGINE_SPEEDS[0]
    for row in runs[runs["engine_speed"] == engine].sort_values("pump_speed").itertuples():
        run = series[series["run"] == row.run]
        left.plot(run["time"], run["p_rail"], linewidth=0.9, label=f"pump {row.pump_speed:.0f} rpm")
    left.axhline(P_RELIEF, color="crimson", linestyle="--", linewidth=1, label="relief valve set pressure")
    left.axvspan(STEADY_FROM, STOP_TIME, color="grey", alpha=0.1, label="steady window")
    left.set(title=f"Rail pressure build-up, engine {engine:.0f} rpm", xlabel="time [s]",
             ylabel="p_rail [bar]")
    left.legend(fontsize=8, loc="lower right")
    left.grid(True, alpha=0.3)

    for engine_speed, marker in zip(ENGINE_SPEEDS, ["o", "s"], strict=False):
        rows = [c for c in summary["cases"] if c["engine_speed_rpm"] == engine_speed]
        x = [c["pump_speed_rpm"] for c in rows]
        mean = [c["p_steady_mean_bar"] for c in rows]
        half = [c["ripple_pp_bar"] / 2 for c in rows]
        right.errorbar(x, mean, yerr=half, marker=marker, capsize=4, label=f"engine {engine_speed:.0f} rpm")
    right.axhline(P_RELIEF, color="crimson", linestyle="--", linewidth=1)
    right.set(title="Settled pressure (bars: ripple peak-to-peak)", xlabel="pump speed [rpm]",
              ylabel=f"p_rail, t ≥ {STEADY_FROM:g} s [bar]")
    right.legend(fontsize=8)
    right.grid(True, alpha=0.3)
    figure.savefig(path, dpi=110)


def brief(summary: dict[str, Any]) -> str:
    lines = ["# Fuel rail: pressure build-up and ripple", "",
             f"Model `{summary['model']}`, {summary['stop_time_s']:.0f} s per run, steady window "
             f"{STEADY_FROM:.0f}-{STOP_TIME:.0f} s, relief valve at {P_RELIEF:.0f} bar.", "",
             "## Conclusions", ""]
    lines += [f"- {c}" for c in summary["conclusions"]]
    lines += ["", "## Runs", "",
              "| engine rpm | pump rpm | pump cm3/s | p mean | p max | settled p | ripple p-p | t90 s "
              "| relief |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|:---:|"]
    for c in summary["cases"]:
        relief = "open" if c["relief_valve_opened"] else "-"
        lines.append(f"| {c['engine_speed_rpm']:.0f} | {c['pump_speed_rpm']:.0f} "
                     f"| {c['pump_delivery_cm3_s']:.2f} | {c['p_mean_bar']:.0f} | {c['p_max_bar']:.0f} "
                     f"| {c['p_steady_mean_bar']:.0f} | {c['ripple_pp_bar']:.0f} | {c['t90_s']:.2f} "
                     f"| {relief} |")
    lines += ["", "Pressures in bar. ![chart](fuel_rail.png)", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    parser.add_argument("--url", help="gateway URL (default: $FMU_GATEWAY_URL or a local gateway)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with Gateway(base_url=args.url) as gw:
        summary, runs, series = analyse(gw)
    (args.out / "fuel_rail.json").write_text(json.dumps(summary, indent=2) + "\n")
    (args.out / "fuel_rail.md").write_text(brief(summary))
    chart(summary, series, runs, args.out / "fuel_rail.png")
    for line in summary["conclusions"]:
        print(line)  # noqa: T201
    return summary


if __name__ == "__main__":
    main(sys.argv[1:])
