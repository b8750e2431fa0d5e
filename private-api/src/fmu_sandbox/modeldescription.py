"""Reading an FMU's modelDescription.xml: a hostile-XML guard, then FMPy, then plain frozen dataclasses.

Pure library code: no web framework imports. The archive checks that come first live in `archive.py`."""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

SUPPORTED_FMI_VERSIONS = ("2.0", "3.0")
INTERFACES = ("ModelExchange", "CoSimulation")
_MAX_FMPY_MESSAGE = 2000
MAX_WARNINGS = 50

Start = float | int | bool | str | list[float | int | bool | str] | None


class ModelDescriptionError(Exception):
    """modelDescription.xml is unusable; `slug` is the stable problem type, `detail` is for a person."""

    def __init__(self, slug: str, detail: str) -> None:
        super().__init__(detail)
        self.slug = slug
        self.detail = detail


@dataclass(frozen=True)
class Variable:
    name: str
    value_reference: int
    causality: str
    variability: str
    type: str
    start: Start
    unit: str | None
    description: str | None
    initial: str | None
    declared_type: str | None
    dimensions: tuple[int, ...] | None = None


@dataclass(frozen=True)
class DefaultExperiment:
    start_time: float | None
    stop_time: float | None
    tolerance: float | None
    step_size: float | None


@dataclass(frozen=True)
class ParsedModelDescription:
    """What the XML itself says; the archive layout (binaries, sources) is added by `archive.py`."""

    fmi_version: str
    model_name: str
    instantiation_token: str
    description: str | None
    generation_tool: str | None
    interfaces: tuple[str, ...]
    model_identifiers: dict[str, str]
    default_experiment: DefaultExperiment | None
    variables: tuple[Variable, ...]
    states: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    # the interfaces whose model can be instantiated only once per process (never run two in one process)
    once_per_process: tuple[str, ...] = ()


class ModelTooLarge(ModelDescriptionError):
    def __init__(self, detail: str) -> None:
        super().__init__("model-too-large", detail)


def _invalid(detail: str) -> ModelDescriptionError:
    return ModelDescriptionError("fmu-invalid-model-description", detail)


def _has_dtd(xml: bytes) -> bool:
    # A byte scan, so that entity expansion (billion laughs) never gets a chance to run; the UTF-16/32
    # spellings close the obvious way round it.
    for marker in ("<!DOCTYPE", "<!ENTITY"):
        for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
            if marker.encode(encoding) in xml:
                return True
    return False


def check_xml(xml: bytes, max_variables: int | None = None) -> str:
    """Refuse hostile, malformed or oversized XML before FMPy sees it; returns the fmiVersion attribute.

    lxml without `huge_tree` also bounds nesting (256 levels) and single text nodes (10 MB).
    Raises ModelDescriptionError (`fmu-invalid-model-description`, `fmu-unsupported-fmi-version` or
    `model-too-large`)."""
    return _checked_root(xml, max_variables)[1]


def _checked_root(xml: bytes, max_variables: int | None) -> tuple[Any, str]:
    if _has_dtd(xml):
        raise _invalid("modelDescription.xml contains a DOCTYPE or ENTITY declaration, which is not allowed")
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False,
                             dtd_validation=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise _invalid(f"modelDescription.xml is not well-formed XML: {exc}") from None
    if root.getroottree().docinfo.doctype:
        raise _invalid("modelDescription.xml contains a DOCTYPE declaration, which is not allowed")
    if root.tag != "fmiModelDescription":
        raise _invalid(f"the root element of modelDescription.xml is <{root.tag}>, not <fmiModelDescription>")
    version: str | None = root.get("fmiVersion")
    if not version:
        raise _invalid("<fmiModelDescription> has no fmiVersion attribute")
    if not (version.startswith("2.") or version.startswith("3.")):
        raise ModelDescriptionError(
            "fmu-unsupported-fmi-version",
            f"FMI version {version!r} is not supported; upload an FMU for FMI "
            f"{' or '.join(SUPPORTED_FMI_VERSIONS)}")
    token_attr = "guid" if version.startswith("2.") else "instantiationToken"
    for attr in ("modelName", token_attr):
        if not root.get(attr):
            raise _invalid(f"<fmiModelDescription> has no {attr} attribute, which FMI {version} requires")
    if max_variables is not None:
        variables = root.find("ModelVariables")
        # elements only: tools write a comment beside each variable
        count = 0 if variables is None else sum(1 for _ in variables.iterchildren(tag=etree.Element))
        if count > max_variables:
            raise ModelTooLarge(f"the model has {count} variables, more than this gateway's limit of "
                                f"{max_variables}")
    return root, version


_SCHEMAS: dict[str, Any] = {}


def load_schemas() -> None:
    """FMPy's FMI 2 and 3 XSD files, parsed once (the sandbox template does it before any upload)."""
    import os

    import fmpy

    for major in ("2", "3"):
        if major not in _SCHEMAS:
            path = os.path.join(os.path.dirname(fmpy.__file__), "schema", f"fmi{major}",
                                f"fmi{major}ModelDescription.xsd")
            _SCHEMAS[major] = etree.XMLSchema(file=path)


def _schema_problems(root: Any, version: str) -> list[str]:
    """Where the XML departs from the FMI schema (FMPy's own XSD files, as `validate=True` uses them)."""
    load_schemas()
    schema = _SCHEMAS[version.split(".", 1)[0]]
    if schema.validate(root):
        return []
    return [f"schema (line {e.line}): {e.message}" for e in schema.error_log]


def _warnings(problems: list[str]) -> tuple[str, ...]:
    """At most MAX_WARNINGS, each at most _MAX_FMPY_MESSAGE characters."""
    capped = [p if len(p) <= _MAX_FMPY_MESSAGE else p[:_MAX_FMPY_MESSAGE] + " …" for p in problems]
    if len(capped) > MAX_WARNINGS:
        capped = capped[:MAX_WARNINGS - 1] + [f"... and {len(capped) - MAX_WARNINGS + 1} more"]
    return tuple(capped)


def _float(value: object) -> float | None:
    if value is None or value == "":
        return None
    return float(str(value))


def _start(raw: object, vtype: str) -> Start:
    if raw is None:
        return None
    text = str(raw)
    try:
        if vtype in ("Real", "Float64", "Float32"):
            return float(text)
        if vtype in ("Integer", "Enumeration") or vtype.startswith(("Int", "UInt")):
            return int(text)
        if vtype == "Boolean":
            if text in ("true", "1"):
                return True
            if text in ("false", "0"):
                return False
    except ValueError:
        pass
    # Arrays ("1 2 3"), binaries and strings stay as written.
    return text


def _array_start(raw: object, vtype: str) -> Start:
    """An array variable's start values (FMI 3: separated by whitespace), one list, row-major."""
    if raw is None:
        return None
    parts = str(raw).split()
    values = [_start(p, vtype) for p in parts]
    if any(isinstance(v, str) or v is None or isinstance(v, list) for v in values):
        return str(raw)  # strings, binaries: as written
    return [v for v in values if isinstance(v, float | int | bool)]


def _variable(sv: Any) -> Variable:
    declared = sv.declaredType
    unit = sv.unit if sv.unit is not None else getattr(declared, "unit", None)
    shape = getattr(sv, "shape", None)
    if shape:
        return Variable(
            name=str(sv.name), value_reference=int(sv.valueReference), causality=str(sv.causality or "local"),
            variability=str(sv.variability or "continuous"), type=str(sv.type),
            start=_array_start(sv.start, str(sv.type)), unit=unit, description=sv.description,
            initial=sv.initial, declared_type=declared.name if declared is not None else None,
            dimensions=tuple(int(n) for n in shape))
    return Variable(
        name=str(sv.name),
        value_reference=int(sv.valueReference),
        causality=str(sv.causality or "local"),
        variability=str(sv.variability or "continuous"),
        type=str(sv.type),
        start=_start(sv.start, str(sv.type)),
        unit=unit,
        description=sv.description,
        initial=sv.initial,
        declared_type=declared.name if declared is not None else None,
    )


def parse_model_description(xml: bytes, max_variables: int | None = None) -> ParsedModelDescription:
    """Check `xml` (the bytes of modelDescription.xml) and read it with FMPy as a run reads it, so that what
    we report is exactly what FMPy will later simulate.

    Two levels. Refused (ModelDescriptionError): hostile or malformed XML, an unsupported FMI version,
    a missing modelName or guid/instantiationToken, a description FMPy cannot read, no ModelExchange or
    CoSimulation, a variable name used twice (`fmu-invalid-model-description`,
    `fmu-unsupported-fmi-version`, `fmu-no-interface`; `model-too-large` beyond `max_variables`).
    Accepted with `warnings`: what FMPy's validation (the FMI XML schema and its rules) finds beyond
    that, which tool exports often have and FMPy simulates through (`validate=False`, as every run does)."""
    root, version = _checked_root(xml, max_variables)
    from fmpy import read_model_description
    from fmpy.validation import validate_model_description

    problems = _schema_problems(root, version)
    del root
    with tempfile.TemporaryDirectory(prefix="fmu-md-") as tmp:
        xml_path = Path(tmp) / "modelDescription.xml"
        xml_path.write_bytes(xml)
        try:
            md = read_model_description(str(xml_path), validate=False)
            problems += validate_model_description(md)
        except Exception as exc:  # FMPy signals every problem with a bare Exception or ValidationError
            message = str(exc).strip() or type(exc).__name__
            if message.startswith("Unsupported FMI version"):
                raise ModelDescriptionError(
                    "fmu-unsupported-fmi-version",
                    f"{message}; supported versions are {', '.join(SUPPORTED_FMI_VERSIONS)}") from None
            if len(message) > _MAX_FMPY_MESSAGE:
                message = message[:_MAX_FMPY_MESSAGE] + " …"
            raise _invalid(f"modelDescription.xml was rejected by FMPy: {message}") from None

    names: set[str] = set()
    for sv in md.modelVariables:
        if sv.name in names:  # the service finds variables by name: which one would a request mean?
            raise _invalid(f"the variable name {sv.name!r} (line {sv.sourceline}) is used more than once")
        names.add(sv.name)
    identifiers: dict[str, str] = {}
    once: list[str] = []
    for interface, impl in (("ModelExchange", md.modelExchange), ("CoSimulation", md.coSimulation)):
        if impl is not None:
            identifiers[interface] = str(impl.modelIdentifier)
            if getattr(impl, "canBeInstantiatedOnlyOncePerProcess", False):
                once.append(interface)
    if not identifiers:
        scheduled = " (ScheduledExecution alone is not supported)" if md.scheduledExecution else ""
        raise ModelDescriptionError(
            "fmu-no-interface",
            f"the FMU implements neither ModelExchange nor CoSimulation{scheduled}")

    de = md.defaultExperiment
    try:
        experiment = None if de is None else DefaultExperiment(
            start_time=_float(de.startTime), stop_time=_float(de.stopTime),
            tolerance=_float(de.tolerance), step_size=_float(de.stepSize))
    except ValueError as exc:
        raise _invalid(f"<DefaultExperiment> has a value that is not a number: {exc}") from None

    return ParsedModelDescription(
        fmi_version=str(md.fmiVersion),
        model_name=str(md.modelName),
        instantiation_token=str(md.guid),
        description=md.description,
        generation_tool=md.generationTool,
        interfaces=tuple(i for i in INTERFACES if i in identifiers),
        model_identifiers=identifiers,
        default_experiment=experiment,
        variables=tuple(_variable(sv) for sv in md.modelVariables),
        states=tuple(_states(md)),
        warnings=_warnings([p for p in problems if "is not unique" not in p]),
        once_per_process=tuple(once),
    )


def _states(md: Any) -> list[str]:
    """The continuous states: the variables whose derivatives the model structure lists."""
    states = []
    for der in md.derivatives:
        state = getattr(der.variable, "derivative", None)
        if state is not None:
            states.append(str(state.name))
    return states


def jsonable(value: Any) -> Any:
    """Tuples to lists and non-finite floats to strings, so that strict JSON encoders accept the result."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value
