#!/usr/bin/env python3
"""Build the FMU Gateway model library.

    python models/build.py --out build/models [--force] [--only NAME ...]

Every model lives in models/<Name>/ (public library) or models/testing/<Name>/
(hostile test FMUs) and consists of
  model.json  - single source of truth for the metadata and the variables
  model.c     - the equations (hooks of models/common/model.h)

model.json may carry a "build" object for test FMUs that must be built in an
unusual way (never needed by the public library):
  "ldflags":     extra flags appended to the compile/link command
                 (e.g. "-Wl,--unresolved-symbols=ignore-all")
  "helper_libs": [{"name": N, "source": F}] - F (in the model folder) is compiled
                 into lib<N>.so next to the work directory and the model is linked
                 with -L<that dir> -l<N>, without an rpath; the helper is NOT
                 shipped in the FMU, so loading the FMU fails unless the loader
                 finds lib<N>.so elsewhere

For each model and FMI version (2.0 and 3.0) this script generates
model_config.h (value references, variable table) and modelDescription.xml from
model.json, compiles one shared library exposing Model Exchange and
Co-Simulation, copies the sources (so that fmpy.build.build_platform_binary can
rebuild the binary) and a small HTML documentation page, and writes a
deterministic zip:

    <out>/fmi2/<Name>.fmu, <out>/fmi3/<Name>.fmu
    <out>/testing/fmi2/<Name>.fmu, <out>/testing/fmi3/<Name>.fmu
    <out>/library.json  (public models only)

Only needs the Python standard library, fmpy (to locate the FMI headers it
ships) and the system C compiler `cc`.  Unchanged models are not rebuilt.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import html
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

HERE = Path(__file__).resolve().parent
COMMON = HERE / "common"
COMMON_FILES = ["model.h", "model_core.c"]
GLUE = {2: "fmi2_glue.c", 3: "fmi3_glue.c"}
PLATFORM_DIR = {2: "linux64", 3: "x86_64-linux"}
BUILDER_VERSION = "1"  # bump to force a rebuild of everything
CFLAGS = ["-shared", "-fPIC", "-O2", "-std=c99", "-Wall", "-Wextra", "-Wl,--no-undefined"]
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

TYPES = {"Float64": ("VT_FLOAT64", "Real"), "Int32": ("VT_INT32", "Integer"),
         "Boolean": ("VT_BOOLEAN", "Boolean"), "String": ("VT_STRING", "String")}
STRING_MAX = 4096  # FMUGW_STRING_MAX in common/model.h (bytes, with the NUL)
CAUSALITY_C = {"parameter": "CAUS_PARAMETER", "calculatedParameter": "CAUS_CALCULATED_PARAMETER",
               "input": "CAUS_INPUT", "output": "CAUS_OUTPUT", "local": "CAUS_LOCAL",
               "independent": "CAUS_INDEPENDENT"}
VARIABILITY_C = {"constant": "VAR_CONSTANT", "fixed": "VAR_FIXED", "tunable": "VAR_TUNABLE",
                 "discrete": "VAR_DISCRETE", "continuous": "VAR_CONTINUOUS"}
LOG_CATEGORIES = [("logEvents", "Log events"), ("logStatusWarning", "Log messages with status Warning"),
                  ("logStatusError", "Log messages with status Error"), ("logCalls", "Log FMI calls"),
                  ("logModel", "Messages of the model")]


class BuildError(Exception):
    pass


def fmi_header_dir() -> Path:
    try:
        import fmpy
    except ImportError as e:  # pragma: no cover
        raise BuildError("fmpy is required to locate the FMI headers (pip install fmpy)") from e
    d = Path(fmpy.__file__).resolve().parent / "c-code"
    for h in ("fmi2Functions.h", "fmi3Functions.h"):
        if not (d / h).exists():
            raise BuildError(f"FMI header {h} not found in {d}")
    return d


# ---------------------------------------------------------------- model spec

class Model:
    def __init__(self, directory: Path, testing: bool):
        self.dir = directory
        self.testing = testing
        self.json_path = directory / "model.json"
        try:
            self.spec = json.loads(self.json_path.read_text())
        except json.JSONDecodeError as e:
            raise BuildError(f"{self.json_path}: invalid JSON: {e}") from e
        s = self.spec
        self.name = s["name"]
        if self.name != directory.name:
            raise BuildError(f"{self.json_path}: name {self.name!r} must match the folder name")
        self.description = s.get("description", "")
        self.experiment = s.get("experiment", {})
        self.variables = self._variables()
        self.by_name = {v["name"]: v for v in self.variables}
        self.has_arrays = any(v["dims"] for v in self.variables)
        self.fmi_versions = s.get("fmi_versions", [3] if self.has_arrays else [2, 3])
        if not self.fmi_versions or set(self.fmi_versions) - {2, 3}:
            raise BuildError(f"{self.json_path}: fmi_versions must be a non-empty subset of [2, 3]")
        if self.has_arrays and 2 in self.fmi_versions:
            raise BuildError(f"{self.json_path}: array variables need \"fmi_versions\": [3]")
        # storage: every variable occupies nelem consecutive doubles from offset
        offset = 0
        for v in self.variables:
            v["offset"] = offset
            offset += v["nelem"]
        self.n_values = offset
        self.states = []
        self.derivatives = []
        for v in self.variables:
            if "derivative_of" in v:
                st = self.by_name.get(v["derivative_of"])
                if st is None:
                    raise BuildError(f"{self.name}: {v['name']}: unknown state {v['derivative_of']}")
                if "family" in st:
                    raise BuildError(f"{self.name}: {v['name']}: derivative_of {st['name']}: a member of "
                                     f"the repeat family {st['family']['name']} cannot be a state")
                if st["dims"] != v["dims"] or st["type"] != "Float64":
                    raise BuildError(f"{self.name}: {v['name']}: state and derivative must be Float64 "
                                     "with the same dimensions")
                self.states.append(st)
                self.derivatives.append(v)
        self.event_indicators = []
        for n in s.get("event_indicators", []):
            if n not in self.by_name:
                raise BuildError(f"{self.name}: unknown event indicator variable {n}")
            if self.by_name[n]["dims"]:
                raise BuildError(f"{self.name}: event indicator {n} must be a scalar")
            self.event_indicators.append(self.by_name[n])
        self.build = s.get("build", {})
        unknown = set(self.build) - {"ldflags", "helper_libs"}
        if unknown:
            raise BuildError(f"{self.json_path}: unknown build keys {sorted(unknown)}")
        for h in self.build.get("helper_libs", []):
            if not (directory / h["source"]).is_file() or not c_identifier(h["name"]) == h["name"]:
                raise BuildError(f"{self.json_path}: bad helper library {h}")
        digest = hashlib.sha256(self.json_path.read_bytes()).digest()
        self.guid = "{" + str(uuid.UUID(bytes=digest[:16])) + "}"

    def _variables(self):
        out = [{"name": "time", "c_name": "time", "type": "Float64", "causality": "independent",
                "variability": "continuous", "unit": "s", "description": "Simulation time", "vr": 0,
                "dims": [], "nelem": 1}]
        seen = {"time"}
        macros = {"time": "variable time"}  # C macro stem (VR_/OFF_/NEL_...) -> its owner
        for v in self.spec["variables"]:
            v = dict(v)
            name = v["name"]
            starts = self._check_repeat(v) if "repeat" in v else None
            if "repeat" not in v:
                if name in seen:
                    raise BuildError(f"{self.name}: duplicate variable {name}")
                seen.add(name)
            v.setdefault("type", "Float64")
            if v["type"] not in TYPES:
                raise BuildError(f"{self.name}.{name}: unknown type {v['type']}")
            v.setdefault("causality", "local")
            if v["causality"] not in CAUSALITY_C:
                raise BuildError(f"{self.name}.{name}: unknown causality {v['causality']}")
            default_var = "continuous" if v["type"] == "Float64" else "discrete"
            if v["causality"] == "parameter":
                default_var = "fixed"
            v.setdefault("variability", default_var)
            if v["variability"] not in VARIABILITY_C:
                raise BuildError(f"{self.name}.{name}: unknown variability {v['variability']}")
            if v["type"] == "String":
                self._check_string(v)
            elif isinstance(v.get("start"), str):
                raise BuildError(f"{self.name}.{name}: a {v['type']} start value must not be a string")
            if v["causality"] in ("parameter", "input") or v["variability"] == "constant":
                v["initial"] = None if v["causality"] == "input" else "exact"
                if "start" not in v:
                    raise BuildError(f"{self.name}.{name}: {v['causality']} needs a start value")
            else:
                v.setdefault("initial", "exact" if "start" in v else "calculated")
                if v["initial"] == "calculated" and "start" in v:
                    raise BuildError(f"{self.name}.{name}: initial=calculated must not have a start")
                if v["initial"] in ("exact", "approx") and "start" not in v:
                    raise BuildError(f"{self.name}.{name}: initial={v['initial']} needs a start")
            if not v.get("description"):
                raise BuildError(f"{self.name}.{name}: missing description")
            if v["type"] == "Float64" and "unit" not in v:
                raise BuildError(f"{self.name}.{name}: missing unit (use \"1\" for dimensionless)")
            v["c_name"] = v.get("c_name") or c_identifier(name)
            if v["c_name"] in macros:
                raise BuildError(f"{self.name}.{name}: C name {v['c_name']} is already used by "
                                 f"{macros[v['c_name']]}")
            macros[v["c_name"]] = f"repeat family {name}" if "repeat" in v else f"variable {name}"
            self._check_dimensions(v)
            if "repeat" not in v:
                v["vr"] = len(out)
                out.append(v)
                continue
            # a repeat family: v["repeat"] scalars <name>_1 .. <name>_N, consecutive value
            # references and storage; the C macros (VR_, OFF_, NEL_, START_) use the family name
            n = v.pop("repeat")
            start_spec = v.pop("start_spec", None)
            for k in range(1, n + 1):
                member = f"{name}_{k}"
                if member in seen:
                    raise BuildError(f"{self.name}: duplicate variable {member} (repeat family {name})")
                seen.add(member)
                e = {**v, "name": member, "description": f"{v['description']} {k}", "vr": len(out),
                     "family": {"name": name, "size": n, "index": k, "start": start_spec,
                                "description": v["description"]}}
                if starts is not None:
                    e["start"] = starts[k - 1]
                out.append(e)
        return out

    def _check_repeat(self, v):
        """a repeat family: "repeat": N expands into the scalars <name>_1 .. <name>_N; start is
        one value for all or a list of N values.  Returns the per-element start values (or None)
        and leaves one representative start value in v for the common checks."""
        name, n = v["name"], v["repeat"]
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise BuildError(f"{self.name}.{name}: repeat must be a positive integer, got {n!r}")
        if "dimensions" in v:
            raise BuildError(f"{self.name}.{name}: repeat and dimensions cannot be combined")
        if v.get("type", "Float64") not in ("Float64", "Int32", "Boolean"):
            raise BuildError(f"{self.name}.{name}: repeat families must be Float64, Int32 or Boolean")
        if "derivative_of" in v:
            raise BuildError(f"{self.name}.{name}: derivative_of is not supported for repeat families "
                             "(declare the states and derivatives as scalars or FMI 3 arrays)")
        if name in self.spec.get("event_indicators", []):
            raise BuildError(f"{self.name}.{name}: a repeat family cannot be an event indicator "
                             f"(list its members {name}_1 .. instead)")
        if "c_name" in v:
            raise BuildError(f"{self.name}.{name}: c_name is not supported for repeat families")
        if "start" not in v:
            return None
        start = v["start"]
        starts = start if isinstance(start, list) else [start] * n
        if len(starts) != n or not all(isinstance(x, (int, float)) for x in starts):
            raise BuildError(f"{self.name}.{name}: start must be one number or a list of {n} numbers")
        v["start_spec"] = start if not isinstance(start, list) else f"list of {n} values"
        v["start"] = starts[0]
        return starts

    def _check_dimensions(self, v):
        """FMI 3 arrays: "dimensions": [n, ...] (fixed sizes); start = a list with
        prod(dimensions) elements (nested lists are flattened, row-major) or one
        number for all elements"""
        name = v["name"]
        dims = v.get("dimensions", [])
        if not isinstance(dims, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 1
                                                 for d in dims):
            raise BuildError(f"{self.name}.{name}: dimensions must be a list of positive integers")
        v["dims"] = dims
        v["nelem"] = math.prod(dims) if dims else 1
        if not dims:
            if isinstance(v.get("start"), list):
                raise BuildError(f"{self.name}.{name}: a list start value needs dimensions")
            return
        if v["type"] != "Float64":
            raise BuildError(f"{self.name}.{name}: only Float64 variables can be arrays")
        if "start" in v:
            start = v["start"]
            flat = list(flatten(start)) if isinstance(start, list) else [start] * v["nelem"]
            if len(flat) != v["nelem"] or not all(isinstance(x, (int, float)) and not isinstance(x, bool)
                                                  for x in flat):
                raise BuildError(f"{self.name}.{name}: start must have {v['nelem']} numbers, got {start!r}")
            v["start"] = flat

    def _check_string(self, v):
        name = v["name"]
        if v["variability"] not in ("constant", "fixed", "tunable", "discrete"):
            raise BuildError(f"{self.name}.{name}: a String variable cannot be {v['variability']}")
        if "derivative_of" in v or name in self.spec.get("event_indicators", []):
            raise BuildError(f"{self.name}.{name}: a String variable cannot be a derivative or event indicator")
        if "start" in v:
            start = v["start"]
            if not isinstance(start, str):
                raise BuildError(f"{self.name}.{name}: the start value of a String must be a string")
            if len(start.encode()) >= STRING_MAX:
                raise BuildError(f"{self.name}.{name}: start value longer than {STRING_MAX - 1} bytes")
            if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in start):
                raise BuildError(f"{self.name}.{name}: control characters are not allowed in a start value")

    def strings(self):
        return [v for v in self.variables if v["type"] == "String"]

    def public_variables(self):
        return [v for v in self.variables if v["name"] != "time"]

    def units(self):
        return sorted({v["unit"] for v in self.variables if v.get("unit")})

    def sources(self, fmi: int):
        return ["model.c", "model_core.c", GLUE[fmi]]

    def headers(self):
        return ["model.h", "model_config.h"]


def flatten(x):
    for e in x:
        if isinstance(e, list):
            yield from flatten(e)
        else:
            yield e


def start_elements(v) -> list:
    """numeric start value(s) of v, one per element (0.0 when there is none)"""
    if v["type"] == "String" or "start" not in v:
        return [0.0] * v["nelem"]
    return v["start"] if v["dims"] else [v["start"]]


def c_identifier(name: str) -> str:
    out = "".join(ch if ch.isalnum() else "_" for ch in name).strip("_")
    while "__" in out:
        out = out.replace("__", "_")
    return out


def c_double(x) -> str:
    if isinstance(x, bool):
        return "1.0" if x else "0.0"
    return repr(float(x))


def c_string(text: str) -> str:
    """C string literal of text (UTF-8; non-ASCII and special bytes as 3-digit octal escapes)."""
    out = []
    for b in text.encode():
        ch = chr(b)
        if ch in '"\\?':
            out.append("\\" + ch)
        elif 0x20 <= b < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\{b:03o}")
    return '"' + "".join(out) + '"'


def fmt_start(v) -> str:
    """start value as it appears in modelDescription.xml"""
    if v["type"] == "String":
        return v["start"]
    if v.get("dims"):
        return " ".join(fmt_num(x) for x in v["start"])
    if v["type"] == "Boolean":
        return fmt_num(bool(v["start"]))
    return fmt_num(v["start"])


def fmt_num(x) -> str:
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return str(x)
    return repr(float(x))


# ---------------------------------------------------------------- generators

def gen_config_h(m: Model) -> str:
    L = [f"/* Generated by models/build.py from {m.name}/model.json - do not edit. */",
         "#ifndef MODEL_CONFIG_H", "#define MODEL_CONFIG_H", "",
         f'#define MODEL_IDENTIFIER "{m.name}"',
         f'#define MODEL_GUID "{m.guid}"',
         f"#define N_VARS {len(m.variables)}",
         f"#define N_VALUES {m.n_values}",
         f"#define N_STATES {sum(st['nelem'] for st in m.states)}",
         f"#define N_EVENT_INDICATORS {len(m.event_indicators)}",
         f"#define N_STRINGS {len(m.strings())}", ""]
    # a repeat family gets one set of macros (from its first member): VR_/OFF_ of the
    # first member and NEL_ = the number of members
    heads = [v for v in m.variables if v.get("family", {}).get("index", 1) == 1]
    for v in heads:
        L.append(f"#define VR_{v['c_name']} {v['vr']}")
    L.append("")
    if len(heads) == len(m.variables):
        L.append("/* storage: V(name) is m->v[OFF_name], an array occupies NEL_name doubles (row-major) */")
    else:
        L.append("/* storage: V(name) is m->v[OFF_name], an array occupies NEL_name doubles (row-major), "
                 "a repeat family name_1 .. name_NEL_name occupies NEL_name doubles from OFF_name */")
    for v in heads:
        L.append(f"#define OFF_{v['c_name']} {v['offset']}")
    for v in heads:
        if v["dims"]:
            L.append(f"#define NEL_{v['c_name']} {v['nelem']}")
        elif "family" in v:
            L.append(f"#define NEL_{v['c_name']} {v['family']['size']}")
    L.append("")
    slots = {v["name"]: i for i, v in enumerate(m.strings())}
    for v in m.strings():
        L.append(f"#define SI_{v['c_name']} {slots[v['name']]}")
    if slots:
        L.append("")
    # start values of parameters as macros (documentation / defaults in C)
    for i, v in enumerate(m.variables):
        if "start" in v:
            if v["type"] == "String":
                value = c_string(v["start"])
            elif v["dims"]:
                value = "{" + ", ".join(c_double(x) for x in v["start"]) + "}"
            elif "family" in v:
                if v["family"]["index"] != 1:
                    continue
                value = "{" + ", ".join(c_double(e["start"]) for e in m.variables[i:i + v["family"]["size"]]) + "}"
            else:
                value = c_double(v["start"])
            L.append(f"#define START_{v['c_name']} {value}")
    L.append("")

    def elements(vs, what="offset"):
        out = []
        for v in vs:
            for k in range(v["nelem"]):
                out.append(f"OFF_{v['c_name']} + {k}" if v["dims"] else off_expr(v))
        return "{" + (", ".join(out) if out else "0") + "}"

    L.append("/* continuous states, their derivatives and event indicators as storage offsets (per element) */")
    L.append("#define MODEL_STATE_OFFSETS " + elements(m.states))
    L.append("#define MODEL_DERIVATIVE_OFFSETS " + elements(m.derivatives))
    L.append("#define MODEL_STATE_NOMINALS {" + (", ".join(
        c_double(st.get("nominal", 1.0)) for st in m.states for _ in range(st["nelem"])) or "1.0") + "}")
    L.append("#define MODEL_EVENT_INDICATOR_OFFSETS " + elements(m.event_indicators))
    L.append("#define MODEL_START_VALUES {" + ", ".join(
        c_double(x) for v in m.variables for x in start_elements(v)) + "}")
    L.append("")
    L.append("/* name, type, causality, variability, start, hasStart, nominal, String start, String slot, "
             "offset, number of elements */")
    L.append("#define MODEL_VAR_TABLE { \\")
    rows = []
    for v in m.variables:
        is_str = v["type"] == "String"
        num_start = start_elements(v)[0]
        sstart = c_string(v.get("start", "")) if is_str else "NULL"
        rows.append(
            f"    {{{c_string(v['name'])}, {TYPES[v['type']][0]}, {CAUSALITY_C[v['causality']]}, "
            f"{VARIABILITY_C[v['variability']]}, {c_double(num_start)}, "
            f"{1 if 'start' in v else 0}, {c_double(v.get('nominal', 1.0))}, "
            f"{sstart}, {slots.get(v['name'], -1)}, {off_expr(v)}, {v['nelem']}}}")
    L.append(", \\\n".join(rows) + " \\")
    L.append("}")
    L.append("")
    L.append("#endif")
    return "\n".join(L) + "\n"


def off_expr(v) -> str:
    """C expression of the storage offset of scalar v (members of a repeat family relative to OFF_<family>)"""
    if "family" in v:
        return f"OFF_{v['c_name']} + {v['family']['index'] - 1}"
    return f"OFF_{v['c_name']}"


_NEEDS_QUOTING = re.compile(r'[&<>"\n\r\t]')


def _quoteattr(text: str) -> str:
    """xml.sax.saxutils.quoteattr, with a fast path for the common case (nothing to escape)"""
    return quoteattr(text) if _NEEDS_QUOTING.search(text) else f'"{text}"'


def _attrs(pairs) -> str:
    return "".join(f" {k}={_quoteattr(str(val))}" for k, val in pairs if val is not None)


def _experiment_xml(m: Model) -> str:
    e = m.experiment
    pairs = [(k, fmt_num(e[k])) for k in ("startTime", "stopTime", "tolerance", "stepSize") if k in e]
    return f"  <DefaultExperiment{_attrs(pairs)}/>"


def _units_xml(m: Model) -> list[str]:
    units = m.units()
    if not units:
        return []
    return ["  <UnitDefinitions>"] + [f"    <Unit{_attrs([('name', u)])}/>" for u in units] + ["  </UnitDefinitions>"]


def _log_categories_xml() -> list[str]:
    return (["  <LogCategories>"] +
            [f"    <Category{_attrs([('name', n), ('description', d)])}/>" for n, d in LOG_CATEGORIES] +
            ["  </LogCategories>"])


def _initial_unknowns(m: Model):
    result = []
    deriv_states = {s["name"] for s in m.states}
    deriv_names = {d["name"] for d in m.derivatives}
    for v in m.public_variables():
        calc = v.get("initial") in ("approx", "calculated")
        if v["causality"] == "output" and calc:
            result.append(v)
        elif v["causality"] == "calculatedParameter":
            result.append(v)
        elif (v["name"] in deriv_states or v["name"] in deriv_names) and calc:
            result.append(v)
    return result


def gen_md2(m: Model) -> str:
    pv = m.public_variables()
    index = {v["name"]: i for i, v in enumerate(pv, start=1)}
    src = "\n".join(f"      <File{_attrs([('name', f)])}/>" for f in m.sources(2))
    common_caps = [("canNotUseMemoryManagementFunctions", "true"), ("canGetAndSetFMUstate", "false"),
                   ("canSerializeFMUstate", "false"), ("providesDirectionalDerivative", "false")]
    L = ['<?xml version="1.0" encoding="UTF-8"?>',
         "<fmiModelDescription" + _attrs([
             ("fmiVersion", "2.0"), ("modelName", m.name), ("guid", m.guid),
             ("description", m.description), ("author", "FMU Gateway"),
             ("version", m.spec.get("version", "1.0")),
             ("generationTool", "FMU Gateway models/build.py"),
             ("variableNamingConvention", "structured"),
             ("numberOfEventIndicators", str(len(m.event_indicators)))]) + ">",
         f"  <ModelExchange{_attrs([('modelIdentifier', m.name), ('completedIntegratorStepNotNeeded', 'true')] + common_caps)}>",
         "    <SourceFiles>", src, "    </SourceFiles>", "  </ModelExchange>",
         f"  <CoSimulation{_attrs([('modelIdentifier', m.name), ('canHandleVariableCommunicationStepSize', 'true')] + common_caps)}>",
         "    <SourceFiles>", src, "    </SourceFiles>", "  </CoSimulation>"]
    L += _units_xml(m)
    L += _log_categories_xml()
    L.append(_experiment_xml(m))
    L.append("  <ModelVariables>")
    for v in pv:
        i = index[v["name"]]
        L.append(f"    <!-- {i} -->")
        sv = [("name", v["name"]), ("valueReference", str(v["vr"])), ("description", v["description"]),
              ("causality", v["causality"]), ("variability", v["variability"])]
        if v["causality"] not in ("input", "parameter") and v["variability"] != "constant":
            sv.append(("initial", v["initial"]))
        tv = []
        if v["type"] == "Float64":
            tv.append(("unit", v["unit"]))
            if "derivative_of" in v:
                tv.append(("derivative", str(index[v["derivative_of"]])))
            if "nominal" in v:
                tv.append(("nominal", fmt_num(v["nominal"])))
            for k in ("min", "max"):
                if k in v:
                    tv.append((k, fmt_num(v[k])))
        if "start" in v:
            tv.append(("start", fmt_start(v)))
        L.append(f"    <ScalarVariable{_attrs(sv)}>")
        L.append(f"      <{TYPES[v['type']][1]}{_attrs(tv)}/>")
        L.append("    </ScalarVariable>")
    L.append("  </ModelVariables>")
    L.append("  <ModelStructure>")
    outputs = [v for v in pv if v["causality"] == "output"]
    if outputs:
        L.append("    <Outputs>")
        L += [f'      <Unknown index="{index[v["name"]]}"/>' for v in outputs]
        L.append("    </Outputs>")
    if m.derivatives:
        L.append("    <Derivatives>")
        L += [f'      <Unknown index="{index[d["name"]]}"/>' for d in m.derivatives]
        L.append("    </Derivatives>")
    iu = sorted(_initial_unknowns(m), key=lambda v: index[v["name"]])
    if iu:
        L.append("    <InitialUnknowns>")
        L += [f'      <Unknown index="{index[v["name"]]}"/>' for v in iu]
        L.append("    </InitialUnknowns>")
    L.append("  </ModelStructure>")
    L.append("</fmiModelDescription>")
    return "\n".join(L) + "\n"


def gen_md3(m: Model) -> str:
    caps = [("canGetAndSetFMUState", "false"), ("canSerializeFMUState", "false"),
            ("providesDirectionalDerivatives", "false"), ("providesAdjointDerivatives", "false")]
    L = ['<?xml version="1.0" encoding="UTF-8"?>',
         "<fmiModelDescription" + _attrs([
             ("fmiVersion", "3.0"), ("modelName", m.name), ("instantiationToken", m.guid),
             ("description", m.description), ("author", "FMU Gateway"),
             ("version", m.spec.get("version", "1.0")),
             ("generationTool", "FMU Gateway models/build.py"),
             ("variableNamingConvention", "structured")]) + ">",
         f"  <ModelExchange{_attrs([('modelIdentifier', m.name), ('needsCompletedIntegratorStep', 'false')] + caps)}/>",
         f"  <CoSimulation{_attrs([('modelIdentifier', m.name), ('canHandleVariableCommunicationStepSize', 'true'), ('hasEventMode', 'false'), ('providesIntermediateUpdate', 'false')] + caps)}/>"]
    L += _units_xml(m)
    L += _log_categories_xml()
    L.append(_experiment_xml(m))
    L.append("  <ModelVariables>")
    for v in m.variables:
        a = [("name", v["name"]), ("valueReference", str(v["vr"])), ("description", v["description"]),
             ("causality", v["causality"]), ("variability", v["variability"])]
        if v["causality"] not in ("input", "parameter", "independent") and v["variability"] != "constant":
            a.append(("initial", v["initial"]))
        if v["type"] == "Float64":
            a.append(("unit", v.get("unit")))
            for k in ("nominal", "min", "max"):
                if k in v:
                    a.append((k, fmt_num(v[k])))
        if "start" in v and v["type"] != "String":
            a.append(("start", fmt_start(v)))
        if "derivative_of" in v:
            a.append(("derivative", str(m.by_name[v["derivative_of"]]["vr"])))
        if v["type"] == "String" and "start" in v:
            # FMI 3: the start value of a String is a <Start value=".."/> child element
            L.append(f"    <String{_attrs(a)}>")
            L.append(f"      <Start{_attrs([('value', v['start'])])}/>")
            L.append("    </String>")
        elif v["dims"]:
            L.append(f"    <{v['type']}{_attrs(a)}>")
            L += [f'      <Dimension start="{d}"/>' for d in v["dims"]]
            L.append(f"    </{v['type']}>")
        else:
            L.append(f"    <{v['type']}{_attrs(a)}/>")
    L.append("  </ModelVariables>")
    L.append("  <ModelStructure>")
    L += [f'    <Output valueReference="{v["vr"]}"/>' for v in m.variables if v["causality"] == "output"]
    L += [f'    <ContinuousStateDerivative valueReference="{d["vr"]}"/>' for d in m.derivatives]
    L += [f'    <InitialUnknown valueReference="{v["vr"]}"/>' for v in _initial_unknowns(m)]
    L += [f'    <EventIndicator valueReference="{z["vr"]}"/>' for z in m.event_indicators]
    L.append("  </ModelStructure>")
    L.append("</fmiModelDescription>")
    return "\n".join(L) + "\n"


def gen_build_description(m: Model) -> str:
    files = "\n".join(f"      <SourceFile{_attrs([('name', f)])}/>" for f in m.sources(3))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<fmiBuildDescription fmiVersion="3.0">\n'
            f"  <BuildConfiguration{_attrs([('modelIdentifier', m.name)])}>\n"
            '    <SourceFileSet language="C99">\n'
            f"{files}\n"
            "    </SourceFileSet>\n"
            "  </BuildConfiguration>\n"
            "</fmiBuildDescription>\n")


def gen_doc(m: Model, fmi: int) -> str:
    e = html.escape
    rows = []
    for v in m.public_variables():
        name, vr, start, desc = v["name"] + "".join(f"[{d}]" for d in v["dims"]), v["vr"], v.get("start", ""), v["description"]
        if "family" in v:  # one row per repeat family
            f = v["family"]
            if f["index"] != 1:
                continue
            name, vr = f"{f['name']}_1 .. {f['name']}_{f['size']}", f"{v['vr']} .. {v['vr'] + f['size'] - 1}"
            start = "" if f["start"] is None else f["start"]
            desc = f"{f['description']} 1 .. {f['size']}"
        rows.append("<tr>" + "".join(f"<td>{e(str(x))}</td>" for x in (
            name, vr, v["type"], v["causality"], v["variability"], start, v.get("unit", ""), desc)) + "</tr>")
    ex = ", ".join(f"{k}={v}" for k, v in m.experiment.items())
    long = "".join(f"<p>{e(p)}</p>" for p in m.spec.get("long_description", "").split("\n\n") if p.strip())
    tags = ", ".join(m.spec.get("tags", []))
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{e(m.name)}</title>
<style>body{{font-family:sans-serif;max-width:60em}}td,th{{border:1px solid #ccc;padding:2px 6px}}table{{border-collapse:collapse}}</style>
</head><body>
<h1>{e(m.name)}</h1>
<p><b>{e(m.description)}</b></p>
{long}
<p>FMI {fmi}.0, Model Exchange and Co-Simulation (fixed-step RK4, sub-step &lt;= 1 ms, state events located by bisection). Tags: {e(tags)}</p>
<p>Default experiment: {e(ex)}</p>
<h2>Variables</h2>
<table><tr><th>name</th><th>vr</th><th>type</th><th>causality</th><th>variability</th><th>start</th><th>unit</th><th>description</th></tr>
{chr(10).join(rows)}
</table>
</body></html>
"""


# ---------------------------------------------------------------- build steps

def deterministic_zip(src_dir: Path, dest: Path) -> None:
    files = sorted(p for p in src_dir.rglob("*") if p.is_file())
    tmp = dest.with_suffix(".fmu.tmp")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for p in files:
            rel = p.relative_to(src_dir).as_posix()
            zi = zipfile.ZipInfo(rel, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 3
            mode = 0o755 if rel.endswith(".so") else 0o644
            zi.external_attr = (0o100000 | mode) << 16
            zf.writestr(zi, p.read_bytes())
    os.replace(tmp, dest)


def input_hash(m: Model, fmi: int, header_dir: Path) -> str:
    h = hashlib.sha256()
    h.update(BUILDER_VERSION.encode())
    h.update(Path(__file__).read_bytes())
    h.update(str(fmi).encode())
    h.update(" ".join(CFLAGS).encode())
    for p in sorted(m.dir.iterdir()):
        if p.is_file():
            h.update(p.name.encode())
            h.update(p.read_bytes())
    for f in COMMON_FILES + [GLUE[fmi]]:
        h.update((COMMON / f).read_bytes())
    for f in ("fmi2Functions.h", "fmi2FunctionTypes.h", "fmi2TypesPlatform.h",
              "fmi3Functions.h", "fmi3FunctionTypes.h", "fmi3PlatformTypes.h"):
        p = header_dir / f
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()


def build_one(m: Model, fmi: int, out: Path, header_dir: Path, force: bool) -> tuple[Path, bool]:
    sub = Path("testing") if m.testing else Path()
    fmu = out / sub / f"fmi{fmi}" / f"{m.name}.fmu"
    work = out / ".work" / ("testing" if m.testing else "lib") / f"fmi{fmi}" / m.name
    stamp = work.with_name(m.name + ".stamp")
    digest = input_hash(m, fmi, header_dir)
    if not force and fmu.exists() and stamp.exists() and stamp.read_text() == digest:
        return fmu, False

    if work.exists():
        shutil.rmtree(work)
    srcdir = work / "sources"
    bindir = work / "binaries" / PLATFORM_DIR[fmi]
    docdir = work / "documentation"
    for d in (srcdir, bindir, docdir):
        d.mkdir(parents=True)
    shutil.copyfile(m.dir / "model.c", srcdir / "model.c")
    for f in COMMON_FILES + [GLUE[fmi]]:
        shutil.copyfile(COMMON / f, srcdir / f)
    (srcdir / "model_config.h").write_text(gen_config_h(m))
    if fmi == 3:
        (srcdir / "buildDescription.xml").write_text(gen_build_description(m))
    (work / "modelDescription.xml").write_text(gen_md2(m) if fmi == 2 else gen_md3(m))
    (docdir / "index.html").write_text(gen_doc(m, fmi))

    so = bindir / f"{m.name}.so"
    link = list(m.build.get("ldflags", []))
    if m.build.get("helper_libs"):
        # outside `work`, so never zipped into the FMU
        helpers = work.with_name(m.name + ".helpers")
        if helpers.exists():
            shutil.rmtree(helpers)
        helpers.mkdir(parents=True)
        for h in m.build["helper_libs"]:
            hcmd = ["cc", "-shared", "-fPIC", "-O2", "-o", str(helpers / f"lib{h['name']}.so"),
                    str(m.dir / h["source"])]
            r = subprocess.run(hcmd, capture_output=True, text=True, check=False)
            if r.returncode != 0:
                raise BuildError(f"compiling helper {h['name']} of {m.name} failed:\n$ {' '.join(hcmd)}\n{r.stderr}")
            link += [f"-L{helpers}", f"-l{h['name']}"]
    # model_core.c's solver helpers are unused without continuous states (changing
    # model_core.c would change every FMU's sources/, so the warning is silenced here)
    quiet = ["-Wno-unused-function"] if not m.states else []
    cmd = (["cc"] + CFLAGS + quiet + ["-I", str(srcdir), "-I", str(header_dir), "-o", str(so)] +
           [str(srcdir / s) for s in m.sources(fmi)] + link + ["-lm"])
    r = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if r.returncode != 0:
        raise BuildError(f"compiling {m.name} (FMI {fmi}) failed:\n$ {' '.join(cmd)}\n{r.stderr}")
    if r.stderr.strip():
        print(f"warnings for {m.name} (FMI {fmi}):\n{r.stderr}", file=sys.stderr)
    deterministic_zip(work, fmu)
    stamp.write_text(digest)
    return fmu, True


def discover(only: list[str] | None) -> list[Model]:
    models = []
    for base, testing in ((HERE, False), (HERE / "testing", True)):
        if not base.is_dir():
            continue
        for d in sorted(base.iterdir()):
            if (d / "model.json").exists() and (d / "model.c").exists():
                if only and d.name not in only:
                    continue
                models.append(Model(d, testing))
    return models


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_library(models: list[Model], out: Path) -> Path:
    entries = []
    for m in models:
        if m.testing:
            continue
        for fmi in (3, 2):
            fmu = out / f"fmi{fmi}" / f"{m.name}.fmu"
            if not fmu.exists():
                continue
            entries.append({
                "id": f"lib:{m.name}" if fmi == 3 else f"lib:{m.name}@fmi2",
                "name": m.name,
                "fmi_version": f"{fmi}.0",
                "interfaces": ["ModelExchange", "CoSimulation"],
                "description": m.description,
                "long_description": m.spec.get("long_description", ""),
                "tags": m.spec.get("tags", []),
                "default_experiment": m.experiment,
                "file": fmu.relative_to(out).as_posix(),
                "sha256": sha256(fmu),
            })
    path = out / "library.json"
    text = json.dumps(entries, indent=2) + "\n"
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="build/models", help="output directory (default build/models)")
    ap.add_argument("--force", action="store_true", help="rebuild everything")
    ap.add_argument("--only", nargs="*", help="build only these models")
    ap.add_argument("-j", "--jobs", type=int, default=min(8, os.cpu_count() or 1))
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    out = Path(args.out).resolve()
    try:
        if shutil.which("cc") is None:
            raise BuildError("C compiler 'cc' not found on PATH")
        header_dir = fmi_header_dir()
        models = discover(args.only)
        if not models:
            raise BuildError("no models found")
        jobs = [(m, fmi) for m in models for fmi in m.fmi_versions]
        for m in models:  # a model that dropped an FMI version must not leave a stale FMU behind
            for fmi in {2, 3} - set(m.fmi_versions):
                stale = out / ("testing" if m.testing else "") / f"fmi{fmi}" / f"{m.name}.fmu"
                stale.unlink(missing_ok=True)
        built = 0
        errors = []
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
            futs = {ex.submit(build_one, m, fmi, out, header_dir, args.force): (m, fmi) for m, fmi in jobs}
            for f in concurrent.futures.as_completed(futs):
                try:
                    _, did = f.result()
                    built += did
                except BuildError as e:
                    errors.append(str(e))
        if errors:
            raise BuildError("\n\n".join(errors))
        lib = write_library(models if not args.only else discover(None), out)
    except BuildError as e:
        print(f"models/build.py: error: {e}", file=sys.stderr)
        return 1
    print(f"models: {len(jobs)} FMUs ({built} rebuilt, {len(jobs) - built} up to date) "
          f"in {time.monotonic() - t0:.2f}s -> {out}; library: {lib}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
