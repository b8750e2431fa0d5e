#!/usr/bin/env python3
"""Verify the built FMU model library with FMPy.

    python models/check.py [--out build/models] [--hostile]

* every public FMU (fmi2 + fmi3) is validated and simulated as Model Exchange
  and Co-Simulation; a line with the final values is printed per run and the
  physics is sanity-checked; ME and CS results must agree roughly;
* library.json must list every public FMU with the right sha256;
* framework checks on testing FMUs: StringEcho (String start values through
  simulate_fmu, raw fmi2/fmi3 Get/SetString rules);
* testing (hostile) FMUs are only loaded (read_model_description), except the
  harmless-to-run ones (Crash, Hang, NetworkProbe, Snoop), which run in a
  subprocess with a timeout and resource limits.  --hostile also runs
  MemoryHog, DiskFill, ForkBomb, Chatty and Litter, each bounded (address
  space / file size limits, parameters that cap the damage, temp directories).

Needs fmpy and numpy.  Exit status 0 when everything passed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
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


def _instantiate(fmu: Path, fmi_type: str = "CoSimulation", quiet: bool = True):
    """unzip + instantiate (caller frees); returns (md, instance, unzipdir)"""
    from fmpy import extract, instantiate_fmu
    md = read_model_description(str(fmu))
    unzipdir = extract(str(fmu))
    quiet = (lambda *a: None) if quiet else None
    return md, instantiate_fmu(unzipdir, md, fmi_type=fmi_type, logger=quiet), unzipdir


def _raises(fn) -> bool:
    from fmpy.fmi1 import FMICallException
    try:
        fn()
    except FMICallException:
        return True
    return False


def check_strings(out: Path) -> None:
    """StringEcho: String start values through simulate_fmu, and the raw fmi{2,3}Get/SetString
    rules (copy, 4095-byte cap at a UTF-8 boundary, fixed vs tunable, reset)."""
    import shutil
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

        md, f, unzipdir = _instantiate(fmu)
        vr = _vrs(md)

        def gets(name, f=f, vr=vr, fmi=fmi):
            v = f.getString([vr[name]])[0]
            return v.decode() if fmi == 2 else v

        try:
            what = f"fmi{fmi} StringEcho raw"
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


# --------------------------------------------------------------- hostile

RUNNER = textwrap.dedent("""
    import sys, json
    from fmpy import simulate_fmu
    fmu, it, sv = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    r = simulate_fmu(fmu, fmi_type=it, start_values=sv, remote_platform=None)
    sys.stdout.flush()
    print("\\nRESULT " + json.dumps({n: float(r[n][-1]) for n in r.dtype.names}), flush=True)
""")


def run_hostile(fmu: Path, it: str, timeout: float, start_values=None, as_bytes=None,
                fsize=None, cwd=None, env=None, quiet=False):
    def limits():
        if as_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (as_bytes, as_bytes))
        if fsize:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        resource.setrlimit(resource.RLIMIT_CPU, (int(timeout) + 5, int(timeout) + 5))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    cmd = [sys.executable, "-c", RUNNER, str(fmu.resolve()), it, json.dumps(start_values or {})]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL if quiet else subprocess.PIPE,
                         preexec_fn=limits, start_new_session=True, cwd=cwd, env=env)
    try:
        out, err = p.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        timed_out = True
    result = None
    for line in (out or b"").decode(errors="replace").splitlines():
        if line.startswith("RESULT {"):
            result = json.loads(line[7:])
    return p.returncode, timed_out, result, (err or b"").decode(errors="replace")


def check_testing(out: Path, hostile: bool) -> None:
    fmus = sorted(out.glob("testing/fmi*/*.fmu"))
    for fmu in fmus:
        md = read_model_description(str(fmu), validate=True)
        check(md.modelExchange is not None and md.coSimulation is not None, f"{fmu}: needs ME and CS")
    print(f"testing: {len(fmus)} FMUs load: {', '.join(sorted({f.stem for f in fmus}))}")
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
            if not hostile:
                continue
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
