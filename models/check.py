#!/usr/bin/env python3
"""Verify the built FMU model library with FMPy.

    python models/check.py [--out build/models] [--hostile]

* every public FMU (fmi2 + fmi3) is validated and simulated as Model Exchange
  and Co-Simulation; a line with the final values is printed per run and the
  physics is sanity-checked; ME and CS results must agree roughly;
* library.json must list every public FMU with the right sha256;
* framework checks on testing FMUs: StringEcho (String start values through
  simulate_fmu, raw fmi2/fmi3 Get/SetString rules), StateSpace (FMI 3
  arrays: analytic solution ME + CS, array inputs, raw element semantics) and
  Wide / Huge (repeat families: 2,000 outputs recorded exactly, 100,000
  variables read, validated, simulated and read back in one get call);
* testing (hostile) FMUs are only loaded (read_model_description), except the
  harmless-to-run ones (Crash, Hang, NetworkProbe, Snoop, FileProbe, ExitCode,
  NonFinite and the fidelity FMUs SetLocale, ChangeDir, StdioGames, Umask,
  MissingLib, UndefinedSymbol), which run in a subprocess with a timeout and
  resource limits and a private TMPDIR.
  --hostile also runs MemoryHog, DiskFill, ForkBomb, Chatty, Litter, TmpThief,
  Daemon, OutTricks and KillAll, each bounded (address space / file size limits,
  parameters that cap the damage, temp directories, clean-up of what they leave,
  kill(-1) only inside a new PID namespace).

Needs fmpy and numpy.  Exit status 0 when everything passed.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
from pathlib import Path

import numpy as np
from fmpy import read_model_description, simulate_fmu
from fmpy.validation import validate_fmu, validate_model_description

FAILURES: list[str] = []


def check(cond: bool, what: str) -> None:
    if not cond:
        FAILURES.append(what)
        print(f"    FAIL: {what}")


def simulate(fmu: Path, fmi_type: str, **kw):
    return simulate_fmu(str(fmu), validate=True, remote_platform=None, fmi_type=fmi_type, **kw)


def fmt_final(r) -> str:
    parts = []
    for n in r.dtype.names[1:]:
        v = r[n][-1]
        parts.append(f"{n}={v:.5g}" if isinstance(v, (float, np.floating)) else f"{n}={v}")
    return " ".join(parts)


def at(r, name: str, t: float) -> float:
    return float(np.interp(t, r["time"], r[name].astype(float)))


def window(r, name: str, t0: float, t1: float):
    s = (r["time"] >= t0) & (r["time"] <= t1)
    return r[name][s].astype(float)


# --------------------------------------------------------------- physics

def step_input(name: str, t_step: float, before: float, after: float, t_end: float):
    return np.array([(0.0, before), (t_step, before), (t_step, after), (t_end, after)],
                    dtype=[("time", np.float64), (name, np.float64)])


def run_bouncing_ball(fmu, it):
    r = simulate(fmu, it, output=["h", "v", "bounces"])
    check(r["h"].min() >= -1e-6, f"{fmu.name} {it}: ball below ground (min h {r['h'].min():.3g})")
    check(r["bounces"][-1] >= 5, f"{fmu.name} {it}: expected >= 5 bounces, got {r['bounces'][-1]}")
    check(abs(r["h"][-1]) < 1e-3 and abs(r["v"][-1]) < 1e-6, f"{fmu.name} {it}: ball should rest at t=3")
    peaks = window(r, "h", 0.5, 3.0).max()
    check(0.3 < peaks < 0.6, f"{fmu.name} {it}: first rebound height {peaks:.3f} not ~ e^2 = 0.49")
    return r


def run_vdp(fmu, it):
    r = simulate(fmu, it)
    x0 = r["x0"]
    crossings = int(np.sum(np.diff(np.sign(x0)) != 0))
    check(crossings >= 5, f"{fmu.name} {it}: x0 should oscillate (zero crossings {crossings})")
    amp = np.abs(window(r, "x0", 10, 20)).max()
    check(1.8 < amp < 2.2, f"{fmu.name} {it}: limit cycle amplitude {amp:.3f} not ~2")
    return r


def run_lag(fmu, it):
    u = step_input("u", 1.0, 0.0, 2.0, 10.0)
    r = simulate(fmu, it, input=u, start_values={"K": 1.5, "T": 1.0})
    check(abs(r["y"][-1] - 3.0) < 0.01, f"{fmu.name} {it}: y(10) = {r['y'][-1]:.4f}, expected K*u = 3")
    y2 = at(r, "y", 2.0)
    check(abs(y2 - 3.0 * (1 - np.exp(-1))) < 0.05, f"{fmu.name} {it}: y(T after step) = {y2:.4f}, expected 1.896")
    check(abs(at(r, "y", 0.9)) < 1e-9, f"{fmu.name} {it}: y must be 0 before the step")
    return r


def run_msd(fmu, it):
    F = step_input("F", 0.0, 5.0, 5.0, 10.0)
    r = simulate(fmu, it, input=F)
    check(abs(r["x"][-1] - 0.5) < 0.01, f"{fmu.name} {it}: x(10) = {r['x'][-1]:.4f}, expected F/k = 0.5")
    check(r["x"].max() > 0.6, f"{fmu.name} {it}: under-damped response should overshoot")
    return r


def run_fuel_rail(fmu, it):
    r = simulate(fmu, it)
    last, prev = window(r, "p_rail", 5, 6), window(r, "p_rail", 4, 5)
    check(1000 < last.mean() < 1500, f"{fmu.name} {it}: mean rail pressure {last.mean():.0f} bar not in 1000..1500")
    check(abs(last.mean() - prev.mean()) < 0.02 * last.mean(), f"{fmu.name} {it}: pressure not settled")
    ripple = last.max() - last.min()
    check(5 < ripple < 200, f"{fmu.name} {it}: ripple {ripple:.1f} bar not plausible")
    t = r["time"]
    s = t >= 4
    q_inj_mean = (r["V_injected"][-1] - r["V_injected"][s][0]) / (t[-1] - t[s][0])
    check(abs(q_inj_mean - r["Q_pump"][-1]) < 0.05 * r["Q_pump"][-1],
          f"{fmu.name} {it}: mean injection {q_inj_mean:.2f} != pump {r['Q_pump'][-1]:.2f} cm3/s")
    check(window(r, "Q_relief", 4, 6).max() == 0, f"{fmu.name} {it}: relief valve should stay closed")
    # relief valve limits the pressure with a big pump
    r2 = simulate(fmu, it, start_values={"pump_displacement": 1.0}, stop_time=3)
    p2 = window(r2, "p_rail", 2, 3)
    check(1800 < p2.mean() < 1900 and window(r2, "Q_relief", 2, 3).mean() > 0,
          f"{fmu.name} {it}: relief valve should cap the pressure near 1800 bar (got {p2.mean():.0f})")
    print(f"      p_rail mean(5..6 s) {last.mean():.1f} bar, ripple {ripple:.1f} bar, "
          f"mean Q_inj {q_inj_mean:.3f} cm3/s; big pump: {p2.mean():.0f} bar")
    return r


def run_scavenge(fmu, it):
    r = None
    summary = []
    for speed in (2000.0, 4000.0, 6000.0, 8000.0):
        rs = simulate(fmu, it, start_values={"pump_speed": speed})
        qcap = rs["Q_cap"][-1]
        h = rs["h"]
        if qcap < 20:
            check(h[-1] > 0.15 + 0.01 and np.all(np.diff(h) >= -1e-12),
                  f"{fmu.name} {it}: {speed} rpm (Q_cap {qcap:.1f} < Q_in) should flood")
        else:
            check(0.05 <= h[-1] <= 0.06, f"{fmu.name} {it}: {speed} rpm level {h[-1]:.4f} should settle at the pick-up")
            check(abs(rs["Q_pump"][-1] - 20) < 0.2, f"{fmu.name} {it}: {speed} rpm Q_pump {rs['Q_pump'][-1]:.2f} != Q_in")
            check(bool(rs["starved"][-1]), f"{fmu.name} {it}: {speed} rpm pump should be (partly) starved")
        summary.append(f"{speed:.0f}rpm->h={h[-1]:.4f}")
        if speed == 6000.0:
            r = rs
    print("      sweep: " + ", ".join(summary))
    return r


PHYSICS = {"BouncingBall": run_bouncing_ball, "VanDerPol": run_vdp, "FirstOrderLag": run_lag,
           "MassSpringDamper": run_msd, "FuelRail": run_fuel_rail, "ScavengePump": run_scavenge}


def compare(name: str, me, cs) -> None:
    for n in me.dtype.names[1:]:
        a, b = float(me[n][-1]), float(cs[n][-1])
        check(abs(a - b) <= 2e-2 * max(1.0, abs(a), abs(b)),
              f"{name}: ME and CS disagree on final {n}: {a:.6g} vs {b:.6g}")


def check_library(out: Path) -> None:
    lib = out / "library.json"
    check(lib.exists(), "library.json missing")
    if not lib.exists():
        return
    entries = json.loads(lib.read_text())
    files = {e["file"]: e for e in entries}
    for fmu in sorted(list(out.glob("fmi2/*.fmu")) + list(out.glob("fmi3/*.fmu"))):
        rel = fmu.relative_to(out).as_posix()
        check(rel in files, f"library.json lacks {rel}")
        if rel in files:
            check(files[rel]["sha256"] == hashlib.sha256(fmu.read_bytes()).hexdigest(),
                  f"library.json sha256 of {rel} is stale")
    print(f"library.json: {len(entries)} entries: {', '.join(e['id'] for e in entries)}")


def check_public(out: Path) -> None:
    for fmu in sorted(list(out.glob("fmi2/*.fmu")) + list(out.glob("fmi3/*.fmu"))):
        name = fmu.stem
        md = read_model_description(str(fmu), validate=True)
        problems = validate_fmu(str(fmu)) + validate_model_description(
            md, validate_variable_names=True, validate_model_structure=True)
        check(not problems, f"{fmu}: validation problems {problems}")
        results = {}
        for it in ("ModelExchange", "CoSimulation"):
            t0 = time.monotonic()
            try:
                runner = PHYSICS.get(name)
                r = runner(fmu, it) if runner else simulate(fmu, it)
            except Exception as e:  # noqa: BLE001
                check(False, f"{fmu} {it}: simulation failed: {e}")
                continue
            results[it] = r
            print(f"  fmi{md.fmiVersion[0]} {name:17s} {it:14s} {time.monotonic() - t0:5.2f}s  {fmt_final(r)}")
        if len(results) == 2:
            compare(f"{fmu.parent.name}/{name}", results["ModelExchange"], results["CoSimulation"])


# --------------------------------------------------------------- framework

def _vrs(md) -> dict[str, int]:
    return {v.name: v.valueReference for v in md.modelVariables}


def _instantiate(fmu: Path, fmi_type: str = "CoSimulation", quiet: bool = True, md=None):
    """unzip + instantiate (caller frees); returns (md, instance, unzipdir)"""
    from fmpy import extract, instantiate_fmu
    md = md or read_model_description(str(fmu))
    unzipdir = extract(str(fmu))
    # FMI 2: FMPy routes every FMI 2 logger through one native proxy with a single
    # global target, so a custom logger that is garbage-collected later crashes the
    # next FMI 2 instance that uses FMPy's default logger: keep the default there
    logger = (lambda *a: None) if quiet and md.fmiVersion.startswith("3") else None
    return md, instantiate_fmu(unzipdir, md, fmi_type=fmi_type, logger=logger), unzipdir


def _raises(fn) -> bool:
    from fmpy.fmi1 import FMICallException
    try:
        fn()
    except FMICallException:
        return True
    return False


def _check_strings_raw(fmi: int, fmu: Path) -> None:
    md, f, unzipdir = _instantiate(fmu)
    vr = _vrs(md)

    def gets(name):
        v = f.getString([vr[name]])[0]
        return v.decode() if fmi == 2 else v

    try:
        what = f"fmi{fmi} StringEcho raw"
        if fmi == 2:
            print("    (the FMI 2 instance logs the errors this check provokes:)")
        check(gets("greeting") == "hello", f"{what}: start value")
        f.setString([vr["greeting"]], ["text"])
        check(gets("greeting") == "text", f"{what}: set before init")
        f.setString([vr["tag"]], ["\u00e9" * 3000])  # 6000 bytes: capped (warning status, no raise)
        tag = f.getString([vr["tag"]])[0]
        tag = tag if isinstance(tag, bytes) else tag.encode()
        check(len(tag) == 4094 and tag.decode() == "\u00e9" * 2047,
              f"{what}: long value not capped at a UTF-8 boundary ({len(tag)} bytes)")
        if fmi == 2:
            f.setupExperiment(startTime=0.0)
            f.enterInitializationMode()
        else:
            f.enterInitializationMode(startTime=0.0)
        f.exitInitializationMode()
        # echo = "text|" + tag is capped too: 5 + 2 * 2045 = 4095 bytes
        check(gets("echo") == "text|" + "\u00e9" * 2045 and gets("note") == "evaluated",
              f"{what}: output after initialization")
        check(_raises(lambda: f.setString([vr["greeting"]], ["late"])), f"{what}: fixed parameter set after init")
        check(_raises(lambda: f.setString([vr["echo"]], ["x"])), f"{what}: output must not be settable")
        check(_raises(lambda: f.setString([vr["greeting_length"]], ["x"])), f"{what}: wrong type accepted")
        check(_raises(lambda: f.getString([9999])), f"{what}: unknown value reference accepted")
        f.doStep(0.0, 0.1) if fmi == 2 else f.doStep(currentCommunicationPoint=0.0, communicationStepSize=0.1)
        f.setString([vr["tag"]], ["new"])
        check(gets("echo") == "text|new", f"{what}: tunable parameter between steps ({gets('echo')!r})")
        check(f.getString([vr["greeting"], vr["tag"]]) in ([b"text", b"new"], ["text", "new"]),
              f"{what}: two values in one call")
        f.terminate()
        f.reset()
        check(gets("greeting") == "hello" and gets("tag").startswith("gr"), f"{what}: reset restores the starts")
    finally:
        f.freeInstance()
        shutil.rmtree(unzipdir, ignore_errors=True)
    print(f"  fmi{fmi} StringEcho   raw Get/SetString checks done")


def check_strings(out: Path) -> None:
    """StringEcho: String start values through simulate_fmu, and the raw fmi{2,3}Get/SetString
    rules (copy, 4095-byte cap at a UTF-8 boundary, fixed vs tunable, reset)."""
    for fmi in (2, 3):
        fmu = out / "testing" / f"fmi{fmi}" / "StringEcho.fmu"
        md = read_model_description(str(fmu), validate=True)
        problems = validate_fmu(str(fmu)) + validate_model_description(
            md, validate_variable_names=True, validate_model_structure=True)
        check(not problems, f"{fmu}: validation problems {problems}")
        starts = {v.name: v.start for v in md.modelVariables if v.type == "String"}
        check(starts.get("tag") == "gr\u00fc\u00dfe \u2713 <&\"'>", f"{fmu}: String start of tag read back as {starts.get('tag')!r}")
        for it in ("ModelExchange", "CoSimulation"):
            r = simulate(fmu, it, start_values={"greeting": "text", "tag": "\u00e9"})
            check(int(r["greeting_length"][-1]) == 4 and int(r["tag_length"][-1]) == 2,
                  f"fmi{fmi} StringEcho {it}: String start values not applied ({fmt_final(r)})")
            # FMPy 0.3.32 does not record String variables, even when asked to; a
            # step_finished callback can read them from the live instance
            seen = []
            echo_vr = _vrs(md)["echo"]

            def grab(t, rec, seen=seen, echo_vr=echo_vr):
                v = rec.fmu.getString([echo_vr])[0]
                seen.append(v.decode() if isinstance(v, bytes) else v)
                return True

            r2 = simulate(fmu, it, output=["echo", "greeting_length"], step_finished=grab)
            recorded = "echo" in r2.dtype.names
            check(bool(seen) and seen[-1] == "hello|" + starts["tag"],
                  f"fmi{fmi} StringEcho {it}: String output via step_finished: {seen[-1:]}")
            print(f"  fmi{fmi} StringEcho   {it:14s} {fmt_final(r)}; String output recorded by FMPy: "
                  f"{recorded}, via step_finished: {seen[-1]!r}")

        _check_strings_raw(fmi, fmu)


def _lti_response(A, B, x0, u, t):
    """x(t) of x' = A x + B u (constant u, A diagonalisable and invertible)"""
    xs = -np.linalg.solve(A, B @ u)
    lam, V = np.linalg.eig(A)
    return (xs + (V @ np.diag(np.exp(lam * t)) @ np.linalg.solve(V, x0 - xs))).real


def check_arrays(out: Path) -> None:
    """StateSpace (FMI 3 arrays): modelDescription, simulation against the analytic
    solution, array inputs, raw fmi3Get/SetFloat64 element semantics"""
    fmu = out / "testing" / "fmi3" / "StateSpace.fmu"
    check(not (out / "testing" / "fmi2" / "StateSpace.fmu").exists(), "StateSpace must not be built for FMI 2")
    md = read_model_description(str(fmu), validate=True)
    problems = validate_fmu(str(fmu)) + validate_model_description(
        md, validate_variable_names=True, validate_model_structure=True)
    check(not problems, f"{fmu}: validation problems {problems}")
    shapes = {v.name: v.shape for v in md.modelVariables}
    check(md.numberOfContinuousStates == 3 and shapes["A"] == (3, 3) and shapes["u"] == (2,) and shapes["y"] == (3,),
          f"StateSpace: states {md.numberOfContinuousStates}, shapes {shapes}")
    starts = {v.name: np.array(v.start.split(), float) for v in md.modelVariables if v.shape and v.start}
    A, B, C, D = (starts[n].reshape(shapes[n]) for n in "ABCD")
    x0 = starts["x0"]
    u = np.array([1.0, 0.5])

    def y_at(t, x0=x0, u=u):
        return C @ _lti_response(A, B, x0, u, t) + D @ u

    for it in ("ModelExchange", "CoSimulation"):
        r = simulate(fmu, it, start_values={"u": list(u)})
        check(r["y"].shape == (len(r), 3) and r.dtype["y"].shape == (3,),
              f"StateSpace {it}: y recorded with shape {r['y'].shape}")
        err = max(float(np.abs(r["y"][np.searchsorted(r["time"], t)] - y_at(t)).max()) for t in (0.5, 1.0, 3.0, 10.0))
        check(err < 1e-5, f"StateSpace {it}: y differs from the analytic solution by {err:.3g}")
        # array input through FMPy's input= (a subarray field), step at t = 2
        sig = np.array([(0.0, (0.0, 0.0)), (2.0, (0.0, 0.0)), (2.0, tuple(u)), (10.0, tuple(u))],
                       dtype=[("time", np.float64), ("u", np.float64, (2,))])
        r2 = simulate(fmu, it, input=sig, output=["y", "x"])
        x2 = _lti_response(A, B, x0, np.zeros(2), 2.0)
        err2 = float(np.abs(r2["y"][-1] - (C @ _lti_response(A, B, x2, u, 8.0) + D @ u)).max())
        check(err2 < 1e-5 and r2["x"].shape == (len(r2), 3), f"StateSpace {it}: array input: error {err2:.3g}")
        print(f"  fmi3 StateSpace   {it:14s} y(10)={np.round(r['y'][-1], 6)} energy={r['energy'][-1]:.6g} "
              f"max error {err:.2g}; array input step: error {err2:.2g}")

    md, f, unzipdir = _instantiate(fmu)
    vr = _vrs(md)
    what = "StateSpace raw"
    try:
        check(f.getFloat64([vr["A"]], nValues=9) == list(A.flatten()), f"{what}: A start")
        check(_raises(lambda: f.getFloat64([vr["A"]], nValues=3)), f"{what}: nValues != elements accepted")
        check(_raises(lambda: f.setFloat64([vr["x0"]], [1.0, 2.0])), f"{what}: too few elements accepted")
        f.setFloat64([vr["x0"], vr["u"]], [0.0, 0.0, 2.0, 3.0, 4.0])  # two arrays in one call
        check(f.getFloat64([vr["u"], vr["x0"]], nValues=5) == [3.0, 4.0, 0.0, 0.0, 2.0], f"{what}: mixed order get")
        f.enterInitializationMode(startTime=0.0)
        f.exitInitializationMode()
        ye = f.getFloat64([vr["y"], vr["energy"]], nValues=4)
        check(np.allclose(ye, list(C @ np.array([0, 0, 2.0]) + D @ np.array([3.0, 4.0])) + [4.0]),
              f"{what}: y, energy after init {ye}")
        check(_raises(lambda: f.setFloat64([vr["A"]], [0.0] * 9)), f"{what}: fixed array parameter set after init")
        f.doStep(currentCommunicationPoint=0.0, communicationStepSize=0.1)
        f.setFloat64([vr["u"]], [0.0, 0.0])
        check(f.getFloat64([vr["u"]], nValues=2) == [0.0, 0.0], f"{what}: input array set in Step Mode")
        f.terminate()
    finally:
        f.freeInstance()
        shutil.rmtree(unzipdir, ignore_errors=True)
    print("  fmi3 StateSpace   raw fmi3Get/SetFloat64 array checks done")


def _check_wide(fmi: int, fmu: Path) -> None:
    problems = validate_fmu(str(fmu))  # schema, structured names, ModelStructure
    md = read_model_description(str(fmu), validate=False)
    check(not problems, f"{fmu}: validation problems {problems[:5]}")
    names = [f"y_{i}" for i in range(1, 2001)]
    ys = [v for v in md.modelVariables if v.name.startswith("y_")]
    check([v.name for v in ys] == names and [v.valueReference for v in ys] == list(range(2, 2002))
          and all(v.causality == "output" and v.variability == "continuous" for v in ys),
          f"fmi{fmi} Wide: y_1 .. y_2000 must be outputs with value references 2 .. 2001")
    check(sorted(o.variable.name for o in md.outputs) == sorted(names),
          f"fmi{fmi} Wide: ModelStructure lists {len(md.outputs)} outputs, expected 2000")
    check(ys[16].description == "Output y_i = k * i * time for i = 17", f"fmi{fmi} Wide: description {ys[16].description!r}")
    i = np.arange(1, 2001)
    for it in ("ModelExchange", "CoSimulation"):
        t0 = time.monotonic()
        r = simulate(fmu, it, start_values={"k": 2.0})
        t_sim = time.monotonic() - t0
        check(r.dtype.names[1:] == tuple(names), f"fmi{fmi} Wide {it}: recorded {len(r.dtype.names) - 1} outputs")
        if r.dtype.names[1:] != tuple(names):
            continue
        y = np.stack([r[n] for n in names], axis=1)
        err = float(np.abs(y - 2.0 * np.outer(r["time"], i)).max())
        check(err < 1e-9 and r["time"][-1] == 1.0, f"fmi{fmi} Wide {it}: y_i != k i t (error {err:.3g})")
        print(f"  fmi{fmi} Wide        {it:14s} {t_sim:5.2f}s  {len(names)} outputs x {len(r)} points, "
              f"y_2000(1)={r['y_2000'][-1]:g}, max error {err:.2g}")


def _check_huge(fmi: int, fmu: Path) -> None:
    with zipfile.ZipFile(fmu) as zf:
        xml_mb = zf.getinfo("modelDescription.xml").file_size / 1e6
    t0 = time.monotonic()
    md = read_model_description(str(fmu), validate=True)  # XML schema + FMPy's rules
    t_read = time.monotonic() - t0
    problems = validate_model_description(md, validate_model_structure=True)
    # FMPy checks every structured name with an Earley parser (~1 ms per name, over a
    # minute here): check the names of everything but the members p_2 .. p_99989
    sample = copy.copy(md)
    sample.modelVariables = [v for v in md.modelVariables
                             if not v.name.startswith("p_") or v.name in ("p_1", "p_99990", "p_sum")]
    problems += validate_model_description(sample, validate_variable_names=True)
    check(not problems, f"{fmu}: validation problems {problems[:5]}")
    mv = md.modelVariables
    check(len(mv) == 100000 + (fmi == 3), f"fmi{fmi} Huge: {len(mv)} variables")
    ps = [v for v in mv if v.name.startswith("p_") and v.name != "p_sum"]
    check(len(ps) == 99990 and ps[0].name == "p_1" and ps[-1].name == "p_99990"
          and [v.valueReference for v in ps] == list(range(ps[0].valueReference, ps[0].valueReference + 99990))
          and all(v.causality == "parameter" and v.start == "0.5" for v in ps)
          and ps[41].description == "Filler parameter number 42",
          f"fmi{fmi} Huge: the family p_1 .. p_99990 is not as declared")
    check(len(md.outputs) == 8, f"fmi{fmi} Huge: {len(md.outputs)} outputs, expected sum, y_1 .. y_7")
    print(f"  fmi{fmi} Huge        modelDescription.xml {xml_mb:.1f} MB, {len(mv)} variables, "
          f"read_model_description(validate=True) {t_read:.1f}s")
    for it in ("ModelExchange", "CoSimulation"):
        t0 = time.monotonic()
        # CS end to end (simulate_fmu parses the file again, ~2 s), ME with the parsed description
        r = simulate(fmu, it, start_values={"p_2": 3.0, "p_99990": 10.5}, output=["sum", "p_sum", "y_2", "y_7"],
                     model_description=md if it == "ModelExchange" else None)
        t_sim = time.monotonic() - t0
        got = [float(r[n][-1]) for n in ("sum", "p_sum", "y_2", "y_7")]
        check(got == [1.0, 50007.5, 3.0, 0.5], f"fmi{fmi} Huge {it}: sum, p_sum, y_2, y_7 at t=1: {got}")
        print(f"  fmi{fmi} Huge        {it:14s} {t_sim:5.2f}s  sum={got[0]:g} p_sum={got[1]:g} y_2={got[2]:g}")
    # raw: all 100,000 Float64 values in one get call (value reference lookups are O(1))
    md, f, unzipdir = _instantiate(fmu, md=md)
    what = f"fmi{fmi} Huge raw"
    try:
        vrs = [v.valueReference for v in md.modelVariables if v.type in ("Real", "Float64")]
        get, set_ = (f.getReal, f.setReal) if fmi == 2 else (f.getFloat64, f.setFloat64)
        set_([ps[2].valueReference, ps[3].valueReference], [2.0, 1.0])
        if fmi == 2:
            f.setupExperiment(startTime=0.0)
            f.enterInitializationMode()
        else:
            f.enterInitializationMode(startTime=0.0)
        f.exitInitializationMode()
        t0 = time.monotonic()
        values = get(vrs)
        t_get = time.monotonic() - t0
        by_name = dict(zip((v.name for v in md.modelVariables if v.type in ("Real", "Float64")), values, strict=True))
        check(len(values) == len(vrs) and by_name["p_3"] == 2.0 and by_name["p_99990"] == 0.5
              and by_name["p_sum"] == 49997.0, f"{what}: p_3, p_99990, p_sum = "
              f"{by_name.get('p_3')}, {by_name.get('p_99990')}, {by_name.get('p_sum')}")
        if fmi == 2:
            print("    (the FMI 2 instance logs the error this check provokes:)")
        check(_raises(lambda: set_([ps[0].valueReference], [1.0])), f"{what}: fixed parameter set after init")
        f.terminate()
    finally:
        f.freeInstance()
        shutil.rmtree(unzipdir, ignore_errors=True)
    print(f"  fmi{fmi} Huge        raw: {len(vrs)} values in one get call in {t_get * 1000:.0f} ms")


def check_many(out: Path) -> None:
    """Wide (2,000 outputs) and Huge (100,000 variables), built from repeat families:
    validation, value references, every output recorded, exact results ME + CS"""
    for fmi in (2, 3):
        d = out / "testing" / f"fmi{fmi}"
        _check_wide(fmi, d / "Wide.fmu")
        _check_huge(fmi, d / "Huge.fmu")


# --------------------------------------------------------------- hostile

# FMPy does not record String outputs: the runner reads them from the live
# instance after every step (step_finished) and adds the last values
RUNNER = textwrap.dedent("""
    import sys, json
    from fmpy import read_model_description, simulate_fmu
    fmu, it, sv = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    md = read_model_description(fmu)
    svars = [(v.name, v.valueReference) for v in md.modelVariables
             if v.type == "String" and v.causality == "output"]
    strings = {}
    def grab(t, rec):
        for n, vr in svars:
            v = rec.fmu.getString([vr])[0]
            strings[n] = v.decode(errors="replace") if isinstance(v, bytes) else v
        return True
    r = simulate_fmu(fmu, fmi_type=it, start_values=sv, remote_platform=None,
                     step_finished=grab if svars else None)
    res = {n: float(r[n][-1]) for n in r.dtype.names}
    res.update(strings)
    with open(sys.argv[4], "w") as f:  # not stdout: the FMU may have closed it
        json.dump(res, f)
""")


def run_hostile(fmu: Path, it: str, timeout: float, start_values=None, as_bytes=None,
                fsize=None, cwd=None, env=None, quiet=False, wrap=None):
    """run the FMU with FMPy in a child process (own session, rlimits); wrap is a
    command prefix (e.g. a sacrificial shell or unshare); returns
    (returncode, timed_out, last values incl. String outputs or None, stderr)"""
    def limits():
        if as_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (as_bytes, as_bytes))
        if fsize:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        resource.setrlimit(resource.RLIMIT_CPU, (int(timeout) + 5, int(timeout) + 5))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    # a private TMPDIR (FMPy unpacks the FMU there and leaks it when the process dies)
    with tempfile.TemporaryDirectory(prefix="fmugw-check-", ignore_cleanup_errors=True) as private:
        env = dict(os.environ if env is None else env)
        env.setdefault("TMPDIR", private)
        result_file = Path(private) / "result.json"
        cmd = (wrap or []) + [sys.executable, "-c", RUNNER, str(fmu.resolve()), it,
                              json.dumps(start_values or {}), str(result_file)]
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL if quiet else subprocess.PIPE,
                             preexec_fn=limits, start_new_session=True, cwd=cwd, env=env)
        try:
            out, err = p.communicate(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, err = p.communicate()
            timed_out = True
        result = json.loads(result_file.read_text()) if result_file.exists() else None
    for line in (out or b"").decode(errors="replace").splitlines():
        if line.startswith("SIBLING "):  # see KillAll
            result = dict(result or {}, sibling_status=int(line.split()[1]))
    return p.returncode, timed_out, result, (err or b"").decode(errors="replace")


def _describe(path: Path) -> str:
    """fifo, ->target, dir, file(size) or - for a path, without following a last symlink"""
    import stat
    try:
        st = os.lstat(path)
    except OSError:
        return "-"
    if stat.S_ISFIFO(st.st_mode):
        return "fifo"
    if stat.S_ISLNK(st.st_mode):
        return "->" + os.readlink(path)
    if stat.S_ISDIR(st.st_mode):
        return "dir"
    return f"file({st.st_size})"


def _userns_available() -> bool:
    try:
        r = subprocess.run(["unshare", "-Urpf", "--mount-proc", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


# a process to kill (sleep) next to the runner; prints how it ended
SIBLING_SH = 'sleep 30 & s=$!; "$@"; rc=$?; kill $s 2>/dev/null; wait $s; echo "SIBLING $?"; exit $rc'
# keeps the runner from being a direct child of check.py (KillAll mode 4 kills it)
PARENT_SH = '"$@"; rc=$?; exit $rc'


def check_fileprobe(d: Path, fmi: str, it: str) -> None:
    tag = f"  {fmi} {it:14s}"
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        (t / "secret.txt").write_bytes(b"top\x00secret %s value\n" + b"z" * 200)
        (t / "sub").mkdir()
        for i in range(3):
            (t / "sub" / f"f{i}").write_text("x")
        (t / "tmpdir").mkdir()  # FMPy unpacks the FMU there
        env = {"PATH": os.environ.get("PATH", ""), "TMPDIR": str(t / "tmpdir")}
        sv = {"path1": str(t / "secret.txt"), "path2": str(t / "sub"), "path3": str(t / "missing"),
              "max_read": 100}
        rc, to, res, _ = run_hostile(d / "FileProbe.fmu", it, 20, sv, cwd=tmp, env=env)
        ok = rc == 0 and res is not None
        check(ok, f"{fmi} FileProbe {it}: must complete (rc={rc})")
        if not ok:
            return
        check(res["readable_1"] == 1 and res["bytes_1"] == 100 and res["head_1"] == "top.secret .s value." + "z" * 44,
              f"{fmi} FileProbe {it}: file probe wrong: {res['readable_1']} {res['bytes_1']} {res['head_1']!r}")
        check(res["writable_1"] == 1 and res["listable_1"] == 0, f"{fmi} FileProbe {it}: file writable/listable")
        check(res["listable_2"] == 1 and res["entries_2"] == 3 and res["readable_2"] == 0 and res["writable_2"] == 1,
              f"{fmi} FileProbe {it}: directory probe wrong")
        check(sorted(os.listdir(t / "sub")) == ["f0", "f1", "f2"], f"{fmi} FileProbe {it}: probe file left behind")
        check(res["readable_3"] == res["writable_3"] == res["listable_3"] == 0 and not (t / "missing").exists(),
              f"{fmi} FileProbe {it}: missing path")
        check(res["bytes_4"] == 0 and res["head_4"] == "", f"{fmi} FileProbe {it}: empty path4 must be skipped")
        check(res["cwd"] == os.path.realpath(tmp) and res["tmpdir"] == str(t / "tmpdir") and res["home"] == "<unset>",
              f"{fmi} FileProbe {it}: cwd/tmpdir/home: {res['cwd']} {res['tmpdir']} {res['home']}")
        check(res["uid"] == os.getuid() and res["gid"] == os.getgid() and res["visible_pids"] > 1
              and res["proc_self_environ_bytes"] > 0 and res["hostname"] != "",
              f"{fmi} FileProbe {it}: ids / proc / hostname {res}")
        print(f"{tag} FileProbe    uid={res['uid']:.0f} visible_pids={res['visible_pids']:.0f} "
              f"proc1_environ_readable={res['proc1_environ_readable']:.0f} hostname={res['hostname']!r}")


def _cleanup_markers(marker: str, dirs: list[Path]) -> None:
    import ctypes
    for base in dirs:
        for p in base.glob(f"fmugw-marker-{marker}*"):
            p.unlink(missing_ok=True)
    libc = ctypes.CDLL(None, use_errno=True)
    shmid = libc.shmget(0x464D5547, 0, 0)
    if shmid >= 0:
        libc.shmctl(shmid, 0, None)  # IPC_RMID


def check_tmpthief(d: Path, fmi: str, it: str) -> None:
    tag = f"  {fmi} {it:14s}"
    marker = f"check-{os.getpid()}-{fmi}-{it[0]}"
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        cwd = t / "a" / "b"
        cwd.mkdir(parents=True)
        env = {"PATH": os.environ.get("PATH", ""), "TMPDIR": str(t / "tmpdir")}
        (t / "tmpdir").mkdir()
        system = [Path("/tmp"), Path("/dev/shm"), Path("/var/tmp")]
        try:
            rc, to, before, _ = run_hostile(d / "TmpThief.fmu", it, 20, {"mode": 1, "marker": marker}, cwd=cwd, env=env)
            check(rc == 0 and before is not None and before["written_count"] == 0,
                  f"{fmi} TmpThief {it}: look-only run (rc={rc})")
            rc, to, res, _ = run_hostile(d / "TmpThief.fmu", it, 20, {"mode": 0, "marker": marker}, cwd=cwd, env=env)
            ok = rc == 0 and res is not None
            check(ok, f"{fmi} TmpThief {it}: must complete (rc={rc})")
            if not ok or before is None:
                return
            # cwd, parent, grandparent (= tmp), TMPDIR + the system directories that exist and are writable
            check(res["written_count"] >= 4 and res["big_bytes"] == 1 << 20,
                  f"{fmi} TmpThief {it}: written_count={res['written_count']} big_bytes={res['big_bytes']}")
            for p in (cwd, cwd.parent, t, t / "tmpdir"):
                check((p / f"fmugw-marker-{marker}").exists(), f"{fmi} TmpThief {it}: no marker in {p}")
            rc, to, after, _ = run_hostile(d / "TmpThief.fmu", it, 20, {"mode": 1, "marker": marker}, cwd=cwd, env=env)
            check(after is not None and after["found_count"] >= before["found_count"] + res["written_count"] + 1
                  and after["found_readable"] == 1 and after["sysv_found"] == res["shm_sysv_ok"]
                  and f"{cwd}/fmugw-marker-{marker}" in after["found"].split(";"),
                  f"{fmi} TmpThief {it}: the planted markers must be found again: {after}")
            print(f"{tag} TmpThief     written={res['written_count']:.0f} posix_shm={res['shm_posix_ok']:.0f} "
                  f"sysv={res['shm_sysv_ok']:.0f}; next run found {after and after['found_count']:.0f} "
                  f"(before: {before['found_count']:.0f})")
        finally:
            _cleanup_markers(marker, system)


def check_daemon(d: Path, fmi: str, it: str) -> None:
    tag = f"  {fmi} {it:14s}"
    t0 = time.monotonic()
    rc, to, res, _ = run_hostile(d / "Daemon.fmu", it, 20, {"fork_in_step": 1})
    ok = rc == 0 and res is not None
    check(ok and time.monotonic() - t0 < 15, f"{fmi} Daemon {it}: must complete promptly (rc={rc})")
    if not ok:
        return
    alive = []
    for key in ("daemon_pid", "step_daemon_pid"):
        pid = int(res[key])
        try:
            comm = Path(f"/proc/{pid}/comm").read_text().strip() if pid > 0 else ""
        except OSError:
            comm = ""
        check(comm == "fmugw-daemon", f"{fmi} Daemon {it}: {key}={pid} is not a running fmugw-daemon ({comm!r})")
        if comm == "fmugw-daemon":
            alive.append(pid)
            os.kill(pid, signal.SIGKILL)  # the daemon this check started
    check(res["constructor_ran"] == 1, f"{fmi} Daemon {it}: constructor did not run")
    print(f"{tag} Daemon       constructor_ran={res['constructor_ran']:.0f} daemons {alive} survived the run (killed)")


def check_exitcode(d: Path, fmi: str, it: str) -> None:
    tag = f"  {fmi} {it:14s}"
    t0 = time.monotonic()
    rc, to, res, _ = run_hostile(d / "ExitCode.fmu", it, 20, {"burn_s": 0.2, "code": 7})
    check(rc == 7 and res is None, f"{fmi} ExitCode {it}: expected exit status 7, got rc={rc}")
    print(f"{tag} ExitCode     rc={rc} after {time.monotonic() - t0:.2f}s (burn_s=0.2)")


OUT_TRICKS = {  # trick: (expected rc, completes, {entry: description})
    1: (0, True, {"progress": "fifo"}),
    2: (0, False, {"result.npy": "fifo", "outcome.json": "fifo"}),
    3: (0, False, {"result.npy": "->/etc/shadow", "outcome.json": "->/etc/passwd"}),
    4: (0, False, {"result.npy": f"file({64 << 20})"}),
    5: (3, False, {"error.json": "->/etc/shadow"}),
    6: (0, False, {".": "->/"}),
    7: (0, True, {"fmugw-009999": "file(2)"}),
}


def check_outtricks(d: Path, fmi: str, it: str) -> None:
    tag = f"  {fmi} {it:14s}"
    summary = []
    for trick, (erc, completes, expect) in OUT_TRICKS.items():
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out"
            out.mkdir()
            (out / "progress").write_text("0.5\n")
            rc, to, res, _ = run_hostile(d / "OutTricks.fmu", it, 30, {"trick": trick}, cwd=tmp, fsize=128 << 20)
            got = {k: _describe(Path(tmp) / "out" if k == "." else out / k) for k in expect}
            check(rc == erc and (res is not None) == completes and got == expect,
                  f"{fmi} OutTricks {it} trick {trick}: rc={rc} result={res} entries {got}, expected {expect}")
            if res is not None:
                check(res["trick_done"] == 1 and res["trick_errno"] == 0, f"{fmi} OutTricks {it} trick {trick}: {res}")
            if (Path(tmp) / "out").is_symlink():
                os.unlink(Path(tmp) / "out")  # trick 6: never let the cleanup follow out -> /
            summary.append(f"{trick}:rc={rc}")
    print(f"{tag} OutTricks    {' '.join(summary)}")


def check_killall(d: Path, fmi: str, it: str, userns: bool) -> None:
    tag = f"  {fmi} {it:14s}"
    rc, to, res, _ = run_hostile(d / "KillAll.fmu", it, 20, {"mode": 3})
    check(rc == -signal.SIGKILL and res is None, f"{fmi} KillAll {it} mode 3: expected SIGKILL, rc={rc}")
    line = [f"mode3 rc={rc}"]
    rc, to, res, _ = run_hostile(d / "KillAll.fmu", it, 20, {"mode": 4}, wrap=["sh", "-c", PARENT_SH, "sh"])
    check(rc == -signal.SIGKILL and res is not None and res["kill_result"] == 0,
          f"{fmi} KillAll {it} mode 4: parent shell must be killed and the FMU complete (rc={rc}, {res})")
    line.append(f"mode4 parent rc={rc} kill_result={res and res['kill_result']}")
    if userns:  # kill(-1) only inside a fresh PID namespace
        ns = ["unshare", "-Urpf", "--mount-proc", "sh", "-c", SIBLING_SH, "sh"]
        rc, to, res, _ = run_hostile(d / "KillAll.fmu", it, 20, {"mode": 1}, wrap=ns)
        check(rc == 0 and res is not None and res.get("kill_result") == 0 and res.get("sibling_status") == 137,
              f"{fmi} KillAll {it} mode 1: sibling must be killed and the FMU complete (rc={rc}, {res})")
        line.append(f"mode1 rc={rc} sibling={res and res.get('sibling_status')}")
        rc, to, res, _ = run_hostile(d / "KillAll.fmu", it, 20, {"mode": 2}, wrap=ns)
        check(rc == 128 + signal.SIGKILL and res is not None and res.get("sibling_status") == 137 and "time" not in res,
              f"{fmi} KillAll {it} mode 2: expected the runner and its sibling SIGKILLed (rc={rc}, {res})")
        line.append(f"mode2 rc={rc} sibling={res and res.get('sibling_status')}")
    else:
        line.append("modes 1/2 skipped (no unprivileged PID namespace)")
    print(f"{tag} KillAll      {' '.join(line)}")


def check_nonfinite(d: Path, fmi: str, it: str) -> None:
    tag = f"  {fmi} {it:14s}"
    r = simulate(d / "NonFinite.fmu", it, start_values={"trigger_time": 0.5})
    first, last = r[0], r[-1]
    check(first["nan_out"] == 0 and np.isnan(last["nan_out"]) and last["pinf_out"] == np.inf
          and last["ninf_out"] == -np.inf and abs(last["x"] - 1) < 1e-9,
          f"{fmi} NonFinite {it}: {first} {last}")
    print(f"{tag} NonFinite    first {first} last {last}")


def check_fidelity(d: Path, fmi: str, it: str) -> None:
    """tool-export imitations: complete in-process (in a child process: they change
    process-wide state) or fail to load with the dynamic loader's message"""
    tag = f"  {fmi} {it:14s}"
    line = []
    rc, to, res, _ = run_hostile(d / "SetLocale.fmu", it, 20)
    check(rc == 0 and res is not None and res["setlocale_calls"] >= 2 and res["previous_locale"] not in ("", "<null>"),
          f"{fmi} SetLocale {it}: rc={rc} {res}")
    line.append(f"SetLocale calls={res and res['setlocale_calls']:.0f}")
    with tempfile.TemporaryDirectory() as tmp:
        rc, to, res, _ = run_hostile(d / "ChangeDir.fmu", it, 20, cwd=tmp)
        check(rc == 0 and res is not None and res["cwd_before"] == os.path.realpath(tmp) and res["cwd_after"] == "/"
              and res["chdir_result"] == 0, f"{fmi} ChangeDir {it}: rc={rc} {res}")
        rc, to, res, _ = run_hostile(d / "ChangeDir.fmu", it, 20, {"dir": "/nonexistent-fmugw"}, cwd=tmp)
        check(rc == 0 and res is not None and res["cwd_after"] == "/" and res["chdir_result"] == -2,
              f"{fmi} ChangeDir {it}: a failing chdir must not stop the run: rc={rc} {res}")
    line.append("ChangeDir ok")
    for mode in (1, 2, 3):
        rc, to, res, err = run_hostile(d / "StdioGames.fmu", it, 20, {"mode": mode})
        check(rc == 0 and res is not None and res["stdio_result"] == 0
              and (mode != 3 or (res["lines_printed"] == 10 and err.count("StdioGames: stderr line") == 10)),
              f"{fmi} StdioGames {it} mode {mode}: rc={rc} {res}")
    line.append("StdioGames 1-3 ok")
    rc, to, res, _ = run_hostile(d / "Umask.fmu", it, 20)
    mask = os.umask(0o022)
    os.umask(mask)
    check(rc == 0 and res is not None and res["previous_umask"] == mask, f"{fmi} Umask {it}: rc={rc} {res}")
    line.append(f"Umask previous=0{res and int(res['previous_umask']):o}")
    for name, msg in (("MissingLib", "libfmugw_missing.so: cannot open shared object file"),
                      ("UndefinedSymbol", "undefined symbol: fmugw_not_defined")):
        rc, to, res, err = run_hostile(d / f"{name}.fmu", it, 20)
        check(rc == 1 and res is None and "Failed to load shared library" in err and msg in err,
              f"{fmi} {name} {it}: expected FMPy to raise with {msg!r}: rc={rc} {err[-300:]!r}")
        line.append(f"{name} rc={rc}")
    print(f"{tag} fidelity     {', '.join(line)}")


def check_testing(out: Path, hostile: bool) -> None:
    fmus = sorted(out.glob("testing/fmi*/*.fmu"))
    for fmu in fmus:
        md = read_model_description(str(fmu), validate=True)
        check(md.modelExchange is not None and md.coSimulation is not None, f"{fmu}: needs ME and CS")
    print(f"testing: {len(fmus)} FMUs load: {', '.join(sorted({f.stem for f in fmus}))}")
    userns = hostile and _userns_available()
    for fmi in ("fmi2", "fmi3"):
        d = out / "testing" / fmi
        if not d.is_dir():
            continue
        for it in ("CoSimulation", "ModelExchange"):
            tag = f"  {fmi} {it:14s}"
            rc, to, res, _ = run_hostile(d / "Crash.fmu", it, 20)
            check(rc == -signal.SIGSEGV, f"{fmi} Crash {it}: expected SIGSEGV, got rc={rc}")
            print(f"{tag} Crash        rc={rc}")
            rc, to, res, _ = run_hostile(d / "Hang.fmu", it, 3)
            check(to, f"{fmi} Hang {it}: expected a timeout")
            print(f"{tag} Hang         timed_out={to}")
            rc, to, res, _ = run_hostile(d / "NetworkProbe.fmu", it, 20, {"timeout_ms": 300})
            check(rc == 0 and res is not None, f"{fmi} NetworkProbe {it}: must complete (rc={rc})")
            print(f"{tag} NetworkProbe connected={res and res.get('connected')} (0 expected only inside the sandbox)")
            rc, to, res, _ = run_hostile(d / "Snoop.fmu", it, 20,
                                           env={"PATH": os.environ.get("PATH", ""), "DATABASE_URL": "x",
                                                "JWT_SECRET": "y"})
            check(rc == 0 and res is not None and res["has_database_url"] == 1 and res["has_jwt"] == 1,
                  f"{fmi} Snoop {it}: must complete and see the planted secrets (rc={rc}, {res})")
            print(f"{tag} Snoop        env_count={res and res['env_count']} secret_count={res and res['secret_count']}")
            check_fileprobe(d, fmi, it)
            check_exitcode(d, fmi, it)
            check_nonfinite(d, fmi, it)
            check_fidelity(d, fmi, it)
            if not hostile:
                continue
            check_tmpthief(d, fmi, it)
            check_daemon(d, fmi, it)
            check_outtricks(d, fmi, it)
            check_killall(d, fmi, it, userns)
            rc, to, res, _ = run_hostile(d / "MemoryHog.fmu", it, 60, as_bytes=1_500_000_000)
            check(rc != 0, f"{fmi} MemoryHog {it}: should fail under a 1.5 GB address-space limit")
            print(f"{tag} MemoryHog    rc={rc} timed_out={to}")
            with tempfile.TemporaryDirectory() as tmp:
                env = dict(os.environ, TMPDIR=tmp)
                rc, to, res, _ = run_hostile(d / "DiskFill.fmu", it, 30, fsize=8 << 20, cwd=tmp, env=env)
                check(res is not None and 0 < res["written_mb"] <= 8, f"{fmi} DiskFill {it}: rc={rc} {res}")
                print(f"{tag} DiskFill     written_mb={res and res['written_mb']} (8 MiB file size limit)")
                rc, to, res, _ = run_hostile(d / "ForkBomb.fmu", it, 30, {"max_children": 3, "child_seconds": 1})
                check(res is not None and res["children"] == 3, f"{fmi} ForkBomb {it}: rc={rc} {res}")
                print(f"{tag} ForkBomb     children={res and res['children']} (bounded to 3)")
                rc, to, res, _ = run_hostile(d / "Chatty.fmu", it, 60, {"bytes_per_step": 100000}, quiet=True)
                check(res is not None and res["bytes_logged"] >= 1e6, f"{fmi} Chatty {it}: rc={rc} {res}")
                print(f"{tag} Chatty       bytes_logged={res and res['bytes_logged']}")
                litter = [Path("/tmp/fmu_gateway_litter"), Path("/dev/shm/fmu_gateway_litter")]
                existed = [p.exists() for p in litter]
                rc, to, res, _ = run_hostile(d / "Litter.fmu", it, 20, cwd=tmp, env=env)
                check(res is not None and res["files_written"] >= 2 and res["found_previous"] == 0,
                      f"{fmi} Litter {it}: rc={rc} {res}")
                print(f"{tag} Litter       found_previous={res and res['found_previous']} files_written={res and res['files_written']}")
                for p, e in zip(litter, existed, strict=True):
                    if not e and p.exists():
                        p.unlink()


def main() -> int:
    ap = argparse.ArgumentParser(description="verify the built FMU library")
    ap.add_argument("--out", default="build/models")
    ap.add_argument("--hostile", action="store_true", help="also run the resource-hungry hostile FMUs (bounded)")
    ap.add_argument("--skip-testing", action="store_true")
    args = ap.parse_args()
    out = Path(args.out)
    t0 = time.monotonic()
    check_library(out)
    check_public(out)
    if not args.skip_testing:
        check_strings(out)
        check_arrays(out)
        check_many(out)
        check_testing(out, args.hostile)
    print(f"checked in {time.monotonic() - t0:.1f}s")
    if FAILURES:
        print(f"{len(FAILURES)} FAILURE(S):")
        for f in FAILURES:
            print("  - " + f)
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
