"""Upload validation: every rejected archive is crafted here; positive cases use the model library."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from fmu_sandbox.archive import ArchiveLimits, ArchiveRejected, inspect_archive

REPO = Path(__file__).resolve().parents[3]
LIBRARY = Path(os.environ.get("FMU_GATEWAY_LIBRARY_DIR", REPO / "build" / "models"))

MD2 = """<?xml version="1.0" encoding="UTF-8"?>
<fmiModelDescription fmiVersion="2.0" modelName="M" guid="{x}">
  <CoSimulation modelIdentifier="M"/>
  <UnitDefinitions><Unit name="m"/></UnitDefinitions>
  <ModelVariables>
    <ScalarVariable name="y" valueReference="1" causality="output" variability="continuous" initial="exact">
      <Real start="1" unit="m"/>
    </ScalarVariable>
  </ModelVariables>
  <ModelStructure><Outputs><Unknown index="1"/></Outputs></ModelStructure>
</fmiModelDescription>
"""


def write_zip(path: Path, entries: dict[str, bytes | str], *, attrs: dict[str, int] | None = None,
              compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = compression
            if attrs and name in attrs:
                info.external_attr = attrs[name]
            zf.writestr(info, data)
    return path


def fmu(tmp_path: Path, extra: dict[str, bytes | str] | None = None, md: str | None = MD2,
        binary: bool = True, attrs: dict[str, int] | None = None,
        compression: int = zipfile.ZIP_DEFLATED) -> Path:
    entries: dict[str, bytes | str] = {}
    if md is not None:
        entries["modelDescription.xml"] = md
    if binary:
        entries["binaries/linux64/M.so"] = b"\x7fELF"
    entries.update(extra or {})
    return write_zip(tmp_path / "test.fmu", entries, attrs=attrs, compression=compression)


def rejected(path: Path, limits: ArchiveLimits | None = None) -> ArchiveRejected:
    with pytest.raises(ArchiveRejected) as info:
        inspect_archive(path, limits or ArchiveLimits())
    return info.value


def test_minimal_crafted_fmu_is_accepted(tmp_path: Path) -> None:
    desc = inspect_archive(fmu(tmp_path))
    assert desc.fmi_version == "2.0"
    assert desc.interfaces == ("CoSimulation",)
    assert desc.platforms == ("linux64",)
    assert not desc.needs_build
    assert desc.default_experiment is None
    assert desc.variables[0].start == 1.0


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "x.fmu"
    path.write_bytes(b"this is not a zip file" * 10)
    assert rejected(path).slug == "fmu-not-a-zip"


def test_truncated_zip(tmp_path: Path) -> None:
    data = fmu(tmp_path).read_bytes()
    path = tmp_path / "truncated.fmu"
    path.write_bytes(data[: len(data) // 2])
    assert rejected(path).slug == "fmu-not-a-zip"


def test_too_many_entries(tmp_path: Path) -> None:
    extra: dict[str, bytes | str] = {f"documentation/{i}.txt": b"" for i in range(6000)}
    err = rejected(fmu(tmp_path, extra, compression=zipfile.ZIP_STORED))
    assert err.slug == "fmu-too-many-entries"


@pytest.mark.parametrize("name", ["/etc/passwd", "\\windows\\evil.dll", "C:/evil.dll", "c:evil",
                                  "../evil", "sources/../../evil", "binaries\\..\\..\\evil.so"])
def test_unsafe_paths(tmp_path: Path, name: str) -> None:
    err = rejected(fmu(tmp_path, {name: b"x"}))
    assert err.slug == "fmu-unsafe-path"
    assert name in err.detail or repr(name) in err.detail


def test_nul_in_name(tmp_path: Path) -> None:
    # zipfile refuses to write a NUL in a name, so patch the bytes of a placeholder of the same length.
    path = fmu(tmp_path, {"documentation/evil_Xname.txt": b"x"})
    data = path.read_bytes().replace(b"evil_Xname", b"evil\x00Xname")
    path.write_bytes(data)
    assert rejected(path).slug == "fmu-unsafe-path"


def test_symlink(tmp_path: Path) -> None:
    err = rejected(fmu(tmp_path, {"documentation/link": b"/etc/passwd"},
                       attrs={"documentation/link": 0o120777 << 16}))
    assert err.slug == "fmu-symlink"
    assert "documentation/link" in err.detail


def test_device_file(tmp_path: Path) -> None:
    err = rejected(fmu(tmp_path, {"dev": b""}, attrs={"dev": 0o020644 << 16}))
    assert err.slug == "fmu-symlink"


def test_total_size_bomb(tmp_path: Path) -> None:
    limits = ArchiveLimits(max_uncompressed_bytes=1 << 20)
    err = rejected(fmu(tmp_path, {"resources/zeros": bytes(2 << 20)}), limits)
    assert (err.slug, err.status) == ("fmu-zip-bomb", 413)


def test_compression_ratio_bomb(tmp_path: Path) -> None:
    err = rejected(fmu(tmp_path, {"resources/zeros": bytes(2 << 20)}))
    assert (err.slug, err.status) == ("fmu-zip-bomb", 413)
    assert "resources/zeros" in err.detail


def test_model_description_over_cap(tmp_path: Path) -> None:
    md = MD2.replace("</fmiModelDescription>", "<!--" + "x" * 5000 + "--></fmiModelDescription>")
    err = rejected(fmu(tmp_path, md=md), ArchiveLimits(max_model_description_bytes=4096))
    assert (err.slug, err.status) == ("model-too-large", 422)


def test_model_with_more_variables_than_the_limit(tmp_path: Path) -> None:
    second = '<ScalarVariable name="z" valueReference="2" causality="local"><Real/></ScalarVariable>'
    md = MD2.replace("</ModelVariables>", second + "</ModelVariables>")
    assert inspect_archive(fmu(tmp_path, md=md), ArchiveLimits(max_model_variables=2)).variables[1].name == "z"
    err = rejected(fmu(tmp_path, md=md), ArchiveLimits(max_model_variables=1))
    assert (err.slug, err.status) == ("model-too-large", 422)
    assert err.detail == "the model has 2 variables, more than this gateway's limit of 1"


def test_missing_model_description(tmp_path: Path) -> None:
    assert rejected(fmu(tmp_path, md=None)).slug == "fmu-missing-model-description"


def test_model_description_not_at_root(tmp_path: Path) -> None:
    err = rejected(fmu(tmp_path, {"M/modelDescription.xml": MD2}, md=None))
    assert err.slug == "fmu-missing-model-description"


@pytest.mark.parametrize(("md", "fragment"), [
    ("<fmiModelDescription fmiVersion='2.0'", "well-formed"),
    ("""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<fmiModelDescription fmiVersion="2.0" modelName="&lol2;" guid="x"/>""", "DOCTYPE"),
    ('<?xml version="1.0"?>\n<!ENTITY x "y">\n<fmiModelDescription/>', "DOCTYPE"),
    ('<notFmi fmiVersion="2.0"/>', "root element"),
    ('<fmiModelDescription modelName="M" guid="x"/>', "fmiVersion"),
    ('<fmiModelDescription fmiVersion="2.0" guid="x"><CoSimulation modelIdentifier="M"/>'
     "</fmiModelDescription>", "modelName"),
    (MD2.replace('valueReference="1"', 'valueReference="one"'), "FMPy"),
])
def test_invalid_model_description(tmp_path: Path, md: str, fragment: str) -> None:
    err = rejected(fmu(tmp_path, md=md))
    assert err.slug == "fmu-invalid-model-description"
    assert fragment in err.detail


def test_utf16_doctype_is_refused(tmp_path: Path) -> None:
    md = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n<fmiModelDescription/>'
    err = rejected(fmu(tmp_path, {"modelDescription.xml": md.encode("utf-16")}, md=None))
    assert err.slug == "fmu-invalid-model-description"


def test_fmi1_is_unsupported(tmp_path: Path) -> None:
    md = """<?xml version="1.0" encoding="UTF-8"?>
<fmiModelDescription fmiVersion="1.0" modelName="M" modelIdentifier="M" guid="{x}"
  numberOfContinuousStates="0" numberOfEventIndicators="0"><ModelVariables/></fmiModelDescription>"""
    err = rejected(fmu(tmp_path, md=md))
    assert err.slug == "fmu-unsupported-fmi-version"
    assert "2.0" in err.detail
    assert "3.0" in err.detail


def test_no_interface(tmp_path: Path) -> None:
    md = MD2.replace('<CoSimulation modelIdentifier="M"/>', "")
    assert rejected(fmu(tmp_path, md=md)).slug == "fmu-no-interface"


def test_fmi3_scheduled_execution_alone(tmp_path: Path) -> None:
    md = """<?xml version="1.0" encoding="UTF-8"?>
<fmiModelDescription fmiVersion="3.0" modelName="M" instantiationToken="{x}">
  <ScheduledExecution modelIdentifier="M"/>
  <ModelVariables><Float64 name="time" valueReference="0" causality="independent"/></ModelVariables>
  <ModelStructure/>
</fmiModelDescription>"""
    err = rejected(fmu(tmp_path, {"binaries/x86_64-linux/M.so": b"x"}, md=md))
    assert err.slug == "fmu-no-interface"


def test_no_binary_no_sources(tmp_path: Path) -> None:
    extra: dict[str, bytes | str] = {"binaries/win64/M.dll": b"MZ", "sources/README.txt": b"no code"}
    err = rejected(fmu(tmp_path, extra, binary=False))
    assert err.slug == "fmu-no-linux-binary"
    assert "binaries/linux64/M.so" in err.detail


def test_binary_for_wrong_identifier(tmp_path: Path) -> None:
    err = rejected(fmu(tmp_path, {"binaries/linux64/Other.so": b"x"}, binary=False))
    assert err.slug == "fmu-no-linux-binary"


def test_sources_without_binary_need_build(tmp_path: Path) -> None:
    desc = inspect_archive(fmu(tmp_path, {"sources/m.c": b"int x;"}, binary=False))
    assert desc.needs_build
    assert desc.has_sources
    assert desc.platforms == ()


# --- the model library ---------------------------------------------------------------------------------


def library_fmu(version: str) -> Path:
    if not LIBRARY.is_dir():
        pytest.skip(f"model library not built: {LIBRARY} is missing (run models/build.py --out build/models "
                    "or set FMU_GATEWAY_LIBRARY_DIR)")
    return LIBRARY / version / "BouncingBall.fmu"


@pytest.mark.parametrize(("version", "platform", "real"), [("fmi2", "linux64", "Real"),
                                                           ("fmi3", "x86_64-linux", "Float64")])
def test_library_fmu_inspects(version: str, platform: str, real: str) -> None:
    desc = inspect_archive(library_fmu(version))
    assert desc.fmi_version == ("2.0" if version == "fmi2" else "3.0")
    assert desc.model_name == "BouncingBall"
    assert desc.instantiation_token
    assert desc.interfaces == ("ModelExchange", "CoSimulation")
    assert desc.model_identifiers == {"ModelExchange": "BouncingBall", "CoSimulation": "BouncingBall"}
    assert platform in desc.platforms
    assert desc.has_sources
    assert not desc.needs_build
    de = desc.default_experiment
    assert de is not None
    assert de.start_time == 0.0
    assert de.stop_time is not None
    assert de.stop_time > 0
    variables = {v.name: v for v in desc.variables}
    h = variables["h"]
    assert (h.causality, h.variability, h.type, h.unit) == ("output", "continuous", real, "m")
    assert isinstance(h.start, float)
    assert variables["g"].causality == "parameter"
    assert variables["g"].unit == "m/s2"
    assert variables["resting"].start is False
    assert isinstance(variables["bounces"].start, int)
    assert not isinstance(variables["bounces"].start, bool)
    data = desc.to_dict()
    assert data["interfaces"] == ["ModelExchange", "CoSimulation"]
    assert data["variables"][0]["name"] == desc.variables[0].name
