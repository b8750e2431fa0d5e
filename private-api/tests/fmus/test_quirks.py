"""Two levels of upload validation: schema quirks of tool exports that FMPy simulates through are accepted
and listed as the FMU's `warnings`; what makes an FMU unreadable or ambiguous is still refused (422, nothing
stored, nothing charged).

The quirky FMUs are our library models with their modelDescription.xml patched here, the way the tools
write them (Simulink FMI Kit: an Enumeration declared continuous; Dymola 2023x FMI 3: an Annotation with an
`order` attribute)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import fmpy
import numpy as np
import pytest

from fmu_gateway_api.settings import Settings
from tests.conftest import library_fmu
from tests.contract_client import ContractClient
from tests.fmus.test_upload_api import post_fmu, stored_files


def patched(model: str, fmi: int, edit: Callable[[str], str]) -> bytes:
    """The library FMU with its modelDescription.xml edited (everything else byte for byte)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(library_fmu(model, fmi)) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "modelDescription.xml":
                text = data.decode()
                data = edit(text).encode()
                assert data != text.encode(), "the patch changed nothing"
            zout.writestr(info, data)
    return buf.getvalue()


def enumeration_continuous(md: str) -> str:
    """FMI 2: a local Enumeration variable with variability="continuous" (after every other variable, so
    that the ModelStructure indices stay right)."""
    md = md.replace("  <LogCategories>", '  <TypeDefinitions>\n    <SimpleType name="Mode">\n      <Enumeration>\n'
                    '        <Item name="off" value="1"/>\n        <Item name="on" value="2"/>\n'
                    "      </Enumeration>\n    </SimpleType>\n  </TypeDefinitions>\n  <LogCategories>", 1)
    return md.replace("  </ModelVariables>", '    <ScalarVariable name="mode" valueReference="9999" '
                      'causality="local" variability="continuous">\n      <Enumeration declaredType="Mode"/>\n'
                      "    </ScalarVariable>\n  </ModelVariables>", 1)


def annotation_order(md: str) -> str:
    """FMI 3: an Annotation element with an `order` attribute, which the schema does not allow."""
    return md.replace("</fmiModelDescription>", '  <Annotations>\n    <Annotation type="com.example.tool" '
                      'order="1"><Tool name="x"/></Annotation>\n  </Annotations>\n</fmiModelDescription>', 1)


def duplicate_name(md: str) -> str:
    """FMI 2: a second variable called `h` (a request naming `h` would be ambiguous)."""
    return md.replace("  </ModelVariables>", '    <ScalarVariable name="h" valueReference="9998" '
                      'causality="local" variability="continuous" initial="exact">\n      <Real start="1"/>\n'
                      "    </ScalarVariable>\n  </ModelVariables>", 1)


def unreadable_value_reference(md: str) -> str:
    """A value reference that is not a number: FMPy cannot read the description at all."""
    return md.replace('valueReference="1"', 'valueReference="one"', 1)


@pytest.mark.parametrize(("fmi", "edit", "words"), [
    (2, enumeration_continuous, ["mode", "Enumeration", "continuous"]),
    (3, annotation_order, ["order"]),
])
@pytest.mark.parametrize("interface", ["ModelExchange", "CoSimulation"])
def test_a_schema_quirk_is_accepted_with_a_warning_and_runs_as_in_fmpy(
        client: ContractClient, auth: dict[str, str], fmi: int, edit: Callable[[str], str], words: list[str],
        interface: str, tmp_path: pytest.TempPathFactory) -> None:
    data = patched("BouncingBall", fmi, edit)
    with pytest.raises(fmpy.model_description.ValidationError):  # FMPy's default validation refuses it
        fmpy.read_model_description(io.BytesIO(data), validate=True)
    response = post_fmu(client, auth, data, "quirky.fmu")
    assert response.status_code == 201, response.text
    fmu = response.json()
    assert len(fmu["warnings"]) >= 1
    assert all(any(w in warning for warning in fmu["warnings"]) for w in words), fmu["warnings"]
    assert client.get(f"/v1/fmus/{fmu['id']}", headers=auth).json()["warnings"] == fmu["warnings"]
    sim = client.post("/v1/simulations", headers=auth, json={"fmu_id": fmu["id"], "interface": interface})
    assert sim.status_code == 200, sim.text
    body = sim.json()
    assert body["status"] == "succeeded", body["error"]
    req = body["request"]
    path = tmp_path / "quirky.fmu"  # type: ignore[operator]
    path.write_bytes(data)
    direct = fmpy.simulate_fmu(
        str(path), validate=False, fmi_type=interface, start_time=req["start_time"], stop_time=req["stop_time"],
        output_interval=req["output_interval"], solver=req["solver"] or "CVode",
        relative_tolerance=req["relative_tolerance"], step_size=req["step_size"], output=req["outputs"],
        remote_platform=None)
    for name in direct.dtype.names:
        assert np.array_equal(np.asarray(body["result"]["data"][name], dtype=float), direct[name].astype(float))


def test_a_clean_fmu_has_no_warnings(client: ContractClient, auth: dict[str, str]) -> None:
    response = post_fmu(client, auth, library_fmu("VanDerPol", 3).read_bytes())
    assert response.status_code == 201, response.text
    assert response.json()["warnings"] == []
    assert client.get("/v1/fmus/lib:BouncingBall", headers=auth).json()["warnings"] == []


@pytest.mark.parametrize(("edit", "words"), [
    (duplicate_name, "'h'"),
    (unreadable_value_reference, "rejected by FMPy"),
])
def test_what_fmpy_cannot_read_or_a_request_could_not_name_is_refused(
        client: ContractClient, auth: dict[str, str], settings: Settings, edit: Callable[[str], str],
        words: str) -> None:
    before = stored_files(settings)
    balance = client.get("/v1/account", headers=auth).json()["balance_credits"]
    response = post_fmu(client, auth, patched("BouncingBall", 2, edit), "bad.fmu")
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"].endswith("/fmu-invalid-model-description")
    assert words in problem["detail"]
    assert stored_files(settings) == before
    assert client.get("/v1/account", headers=auth).json()["balance_credits"] == balance
