"""Scavenge-pump capacity: which pump speeds flood the dry sump, which settle near the pick-up.

Runs lib:ScavengePump (sump tank drained by a positive-displacement pump that starves as the level reaches
its pick-up) over pump speeds of 2000-8000 rpm through the FMU Gateway SDK, and writes
scavenge_pump.json, scavenge_pump.md and scavenge_pump.png into the output directory.

    pip install 'fmu-gateway-sdk[pandas,plot]'    # the SDK with DataFrames and matplotlib
    python examples/scavenge_pump.py [--out examples/out] [--url http://127.0.0.1:8000]
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

MODEL = "lib:ScavengePump"
PUMP_SPEEDS = [2000.0, 3000.0, 4000.0, 5000.0, 6000.0, 7000.0, 8000.0]  # rpm
STOP_TIME = 120.0  # s
KPIS = ["final(h)", "max(h)", "min(h)", "final(air_fraction)", "final(Q_pump)", "final(Q_cap)"]


def analyse(gw: Gateway) -> tuple[dict[str, Any], pd.DataFrame]:
    starts = {v.name: v.start for v in gw.variables(MODEL)}
    q_in = float(starts["Q_in"])  # L/min
    h_pickup, h_band, h0 = float(starts["h_pickup"]), float(starts["h_transition"]), float(starts["h0"])
    # Q_cap = displacement [cm3] * speed [rpm] * eta_v / 1000 [L/min]: the speed that just matches Q_in
    critical_rpm = q_in * 1000.0 / (float(starts["displacement"]) * float(starts["eta_v"]))

    options = {"stop_time": STOP_TIME, "kpis": KPIS, "outputs": ["h", "Q_pump", "Q_cap", "air_fraction"]}
    runs = gw.sweep(MODEL, {"pump_speed": PUMP_SPEEDS}, max_workers=2, retry_failed=2, **options)
    if (runs["status"] != "succeeded").any():
        raise RuntimeError(f"failed runs: {runs[runs['status'] != 'succeeded']['error'].tolist()}")
    series = gw.sweep(MODEL, {"pump_speed": PUMP_SPEEDS}, long=True, max_workers=2, **options)  # cached

    cases = []
    for row in runs.sort_values("pump_speed").to_dict("records"):
        run = series[series["run"] == row["run"]]
        tail = run[run["time"] >= STOP_TIME - 20.0]
        rise = tail["h"].iloc[-1] - tail["h"].iloc[0]
        slope = float(rise / (tail["time"].iloc[-1] - tail["time"].iloc[0]))
        final_h = float(row["final(h)"])
        flooding = row["final(Q_cap)"] < q_in and slope > 0
        settled = not flooding and final_h <= h_pickup + h_band + 1e-3
        cases.append({
            "pump_speed_rpm": row["pump_speed"], "capacity_l_min": round(row["final(Q_cap)"], 2),
            "final_level_m": round(final_h, 4), "max_level_m": round(float(row["max(h)"]), 4),
            "level_trend_mm_s": round(slope * 1000.0, 3),
            "final_air_fraction": round(float(row["final(air_fraction)"]), 3),
            "final_delivery_l_min": round(float(row["final(Q_pump)"]), 2),
            "verdict": "floods" if flooding else ("settles near pick-up" if settled else "still draining"),
            "simulation_id": row["simulation_id"],
        })
    flooded = [c["pump_speed_rpm"] for c in cases if c["verdict"] == "floods"]
    settled_speeds = [c["pump_speed_rpm"] for c in cases if c["verdict"] == "settles near pick-up"]
    conclusions = [
        f"Oil inflow {q_in:g} L/min needs a pump capacity of at least that: the critical speed is "
        f"{critical_rpm:.0f} rpm ({float(starts['displacement']):g} cm3/rev, "
        f"eta_v {float(starts['eta_v']):g}).",
    ]
    if flooded:
        worst = next(c for c in cases if c["pump_speed_rpm"] == min(flooded))
        conclusions.append(
            f"{', '.join(f'{s:.0f}' for s in flooded)} rpm flood the sump: the level keeps rising "
            f"(at {min(flooded):.0f} rpm it reaches {worst['final_level_m']:.3f} m after {STOP_TIME:.0f} s, "
            f"from {h0:g} m).")
    if settled_speeds:
        settled_levels = [c["final_level_m"] for c in cases if c["verdict"] == "settles near pick-up"]
        conclusions.append(
            f"{', '.join(f'{s:.0f}' for s in settled_speeds)} rpm drain the sump and settle just above the "
            f"pick-up ({h_pickup:g} m), at {min(settled_levels):.4f}-{max(settled_levels):.4f} m, where the "
            f"partly starved pump delivers exactly {q_in:g} L/min and ingests air.")
    summary = {"model": MODEL, "stop_time_s": STOP_TIME, "inflow_l_min": q_in, "pickup_height_m": h_pickup,
               "starvation_band_m": h_band, "initial_level_m": h0,
               "critical_speed_rpm": round(critical_rpm, 1),
               "flooding_speeds_rpm": flooded, "settling_speeds_rpm": settled_speeds, "cases": cases,
               "conclusions": conclusions}
    return summary, series.merge(runs[["run", "pump_speed"]], on=["run", "pump_speed"])


def chart(summary: dict[str, Any], series: pd.DataFrame, path: Path) -> None:
    figure = Figure(figsize=(11, 4.8), layout="constrained")
    left, right = figure.subplots(1, 2, width_ratios=[1.5, 1])
    for speed, run in series.groupby("pump_speed"):
        flooded = speed in summary["flooding_speeds_rpm"]
        left.plot(run["time"], run["h"], linewidth=1.3, linestyle="--" if flooded else "-",
                  label=f"{speed:.0f} rpm{' (floods)' if flooded else ''}")
    pickup, band = summary["pickup_height_m"], summary["starvation_band_m"]
    left.axhspan(pickup, pickup + band, color="orange", alpha=0.2, label="pick-up starvation band")
    left.axhline(pickup, color="darkorange", linewidth=1)
    left.set(title="Sump level over time", xlabel="time [s]", ylabel="h [m]")
    left.legend(fontsize=8, ncol=2, loc="upper left")
    left.grid(True, alpha=0.3)

    cases = summary["cases"]
    speeds = [c["pump_speed_rpm"] for c in cases]
    right.plot(speeds, [c["capacity_l_min"] for c in cases], marker="o", label="pump capacity Q_cap")
    right.plot(speeds, [c["final_delivery_l_min"] for c in cases], marker="s", label="delivery at 120 s")
    right.axhline(summary["inflow_l_min"], color="crimson", linestyle="--", label="oil inflow Q_in")
    right.axvline(summary["critical_speed_rpm"], color="grey", linestyle=":",
                  label=f"critical speed {summary['critical_speed_rpm']:.0f} rpm")
    right.set(title="Capacity against inflow", xlabel="pump speed [rpm]", ylabel="flow [L/min]")
    right.legend(fontsize=8)
    right.grid(True, alpha=0.3)
    figure.savefig(path, dpi=110)


def brief(summary: dict[str, Any]) -> str:
    lines = ["# Scavenge pump: capacity against sump level", "",
             f"Model `{summary['model']}`, {summary['stop_time_s']:.0f} s per run, oil inflow "
             f"{summary['inflow_l_min']:g} L/min, pick-up at {summary['pickup_height_m']:g} m "
             f"(starvation band {summary['starvation_band_m']:g} m), "
             f"initial level {summary['initial_level_m']:g} m.",
             "", "## Conclusions", ""]
    lines += [f"- {c}" for c in summary["conclusions"]]
    lines += ["", "## Runs", "",
              "| pump rpm | capacity L/min | final level m | trend mm/s | air fraction | delivery L/min "
              "| verdict |",
              "|---:|---:|---:|---:|---:|---:|:---|"]
    for c in summary["cases"]:
        lines.append(f"| {c['pump_speed_rpm']:.0f} | {c['capacity_l_min']:.1f} | {c['final_level_m']:.4f} "
                     f"| {c['level_trend_mm_s']:.3f} | {c['final_air_fraction']:.2f} "
                     f"| {c['final_delivery_l_min']:.1f} | {c['verdict']} |")
    lines += ["", "![chart](scavenge_pump.png)", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    parser.add_argument("--url", help="gateway URL (default: $FMU_GATEWAY_URL or a local gateway)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with Gateway(base_url=args.url) as gw:
        summary, series = analyse(gw)
    (args.out / "scavenge_pump.json").write_text(json.dumps(summary, indent=2) + "\n")
    (args.out / "scavenge_pump.md").write_text(brief(summary))
    chart(summary, series, args.out / "scavenge_pump.png")
    for line in summary["conclusions"]:
        print(line)  # noqa: T201
    return summary


if __name__ == "__main__":
    main(sys.argv[1:])
