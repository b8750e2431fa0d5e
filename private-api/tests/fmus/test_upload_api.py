"""Uploads over HTTP: validated before they are kept, content-addressed, private to their account."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from fmu_gateway_api.settings import Settings
from tests.conftest import library_fmu, new_account
from tests.contract_client import ContractClient


def post_fmu(client: ContractClient, auth: dict[str, str], data: bytes, name: str = "model.fmu"):  # type: ignore[no-untyped-def]
    return client.post("/v1/fmus", headers=auth, files={"file": (name, data, "application/octet-stream")})


def stored_files(settings: Settings) -> list[Path]:
    """Every file the gateway keeps for uploads (blobs, built binaries, temporary uploads)."""
    roots = [settings.data_dir / "blobs", settings.data_dir / "built", settings.data_dir / "uploads"]
    return sorted(p for root in roots if root.exists() for p in root.rglob("*") if p.is_file())


def test_upload_inspect_and_reupload(client: ContractClient, auth: dict[str, str]) -> None:
    data = library_fmu("MassSpringDamper", 2).read_bytes()
    first = post_fmu(client, auth, data, "msd.fmu")
    assert first.status_code == 201, first.text
    fmu = first.json()
    import hashlib

    assert fmu["id"] == fmu["sha256"] == hashlib.sha256(data).hexdigest()
    assert fmu["filename"] == "msd.fmu" and fmu["size"] == len(data) and fmu["source"] == "upload"
    model = fmu["model"]
    assert model["fmi_version"] == "2.0" and set(model["interfaces"]) == {"ModelExchange", "CoSimulation"}
    assert "F" in model["inputs"] and {"m", "k", "c"} <= set(model["parameters"])
    assert model["default_experiment"]["stop_time"] > 0

    again = post_fmu(client, auth, data, "again.fmu")
    assert again.status_code == 200 and again.json()["id"] == fmu["id"]

    variables = client.get(f"/v1/fmus/{fmu['id']}/variables", headers=auth).json()["items"]
    force = next(v for v in variables if v["name"] == "F")
    assert force["causality"] == "input" and force["unit"] == "N" and force["type"] == "Real"
    assert isinstance(force["value_reference"], int)
    params = client.get(f"/v1/fmus/{fmu['id']}/variables", headers=auth, params={"causality": "parameter"})
    assert {v["causality"] for v in params.json()["items"]} == {"parameter"}
    assert client.get(f"/v1/fmus/{fmu['id']}/model", headers=auth).json() == model
    assert [f["id"] for f in client.get("/v1/fmus", headers=auth).json()["items"]] == [fmu["id"]]

    sim = client.post("/v1/simulations", headers=auth, json={"fmu_id": fmu["id"], "stop_time": 2.0}).json()
    assert sim["status"] == "succeeded", sim["error"]


def test_another_account_cannot_see_or_simulate_an_upload(client: ContractClient, auth: dict[str, str]) -> None:
    fmu_id = post_fmu(client, auth, library_fmu("VanDerPol", 3).read_bytes()).json()["id"]
    other = new_account(client, "other")
    assert client.get(f"/v1/fmus/{fmu_id}", headers=other).status_code == 404
    assert client.get(f"/v1/fmus/{fmu_id}/variables", headers=other).status_code == 404
    assert client.get("/v1/fmus", headers=other).json()["items"] == []
    denied = client.post("/v1/simulations", headers=other, json={"fmu_id": fmu_id})
    assert denied.status_code == 404 and denied.json()["type"].endswith("/fmu-not-found")
    assert client.delete(f"/v1/fmus/{fmu_id}", headers=other).status_code == 404
    assert client.get(f"/v1/fmus/{fmu_id}", headers=auth).status_code == 200


def test_delete_removes_the_bytes_once_nobody_references_them(client: ContractClient, settings: Settings) -> None:
    a, b = new_account(client), new_account(client)
    data = library_fmu("FirstOrderLag", 2).read_bytes() + b""  # same bytes in both accounts
    fmu_id = post_fmu(client, a, data).json()["id"]
    assert post_fmu(client, b, data).status_code == 201
    blob = settings.data_dir / "blobs" / fmu_id[:2] / fmu_id
    assert blob.is_file()
    assert client.delete(f"/v1/fmus/{fmu_id}", headers=a).status_code == 204
    assert blob.is_file()  # b still has it
    assert client.get(f"/v1/fmus/{fmu_id}", headers=a).status_code == 404
    assert client.delete(f"/v1/fmus/{fmu_id}", headers=b).status_code == 204
    assert not blob.exists()


def _zip(entries: dict[str, bytes], *, symlink: str | None = None, mode: int | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (0o120777 << 16) if mode is None else (mode << 16)
            info.create_system = 3
            zf.writestr(info, "/etc/passwd")
    return buf.getvalue()


def _valid_entries() -> dict[str, bytes]:
    with zipfile.ZipFile(library_fmu("BouncingBall", 2)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _bomb() -> bytes:
    entries = _valid_entries()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
        zf.writestr("resources/zeros.bin", bytes(64 << 20))  # 64 MiB of zeros, ~64 KiB compressed
    return buf.getvalue()


def _md(fmi_version: str) -> bytes:
    return (f'<?xml version="1.0"?><fmiModelDescription fmiVersion="{fmi_version}" modelName="m" '
            'guid="{x}" numberOfEventIndicators="0"><CoSimulation modelIdentifier="m"/>'
            '<ModelVariables><ScalarVariable name="x" valueReference="0" causality="output"><Real/>'
            '</ScalarVariable></ModelVariables><ModelStructure><Outputs><Unknown index="1"/></Outputs>'
            '</ModelStructure></fmiModelDescription>').encode()


HOSTILE = {
    "not-a-zip": (lambda: b"this is not a zip file", "fmu-not-a-zip"),
    "zip-slip": (lambda: _zip({**_valid_entries(), "../../evil.sh": b"#!/bin/sh"}), "fmu-unsafe-path"),
    "absolute-path": (lambda: _zip({**_valid_entries(), "/etc/cron.d/evil": b"x"}), "fmu-unsafe-path"),
    "symlink": (lambda: _zip(_valid_entries(), symlink="resources/passwd"), "fmu-symlink"),
    "zip-bomb": (_bomb, "fmu-zip-bomb"),
    "no-model-description": (lambda: _zip({"binaries/linux64/m.so": b"\x7fELF"}), "fmu-missing-model-description"),
    "broken-xml": (lambda: _zip({"modelDescription.xml": b"<fmiModelDescription"}), "fmu-invalid-model-description"),
    "entity-expansion": (lambda: _zip({"modelDescription.xml": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]>'
                                       b"<fmiModelDescription>&a;</fmiModelDescription>"}),
                         "fmu-invalid-model-description"),
    "fmi1": (lambda: _zip({"modelDescription.xml": _md("1.0")}), "fmu-unsupported-fmi-version"),
    "no-binary-no-sources": (lambda: _zip({"modelDescription.xml": _md("2.0")}), "fmu-no-linux-binary"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_bad_archives_are_rejected_and_nothing_is_kept(case: str, client: ContractClient,
                                                      auth: dict[str, str], settings: Settings) -> None:
    make, slug = HOSTILE[case]
    before = stored_files(settings)
    response = post_fmu(client, auth, make())
    assert 400 <= response.status_code < 500, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["type"] == f"https://fmu-gateway.dev/problems/{slug}", problem
    assert problem["detail"]
    assert stored_files(settings) == before
    assert client.get("/v1/fmus", headers=auth).json()["items"] == []


def test_an_upload_over_the_size_cap_is_413(client: ContractClient, auth: dict[str, str],
                                             settings: Settings) -> None:
    before = stored_files(settings)
    big = bytes(settings.max_upload_bytes + 1)
    response = post_fmu(client, auth, big)
    assert response.status_code == 413 and response.json()["type"].endswith("/fmu-too-large")
    assert stored_files(settings) == before


def test_uploads_must_be_multipart(client: ContractClient, auth: dict[str, str]) -> None:
    response = client.post("/v1/fmus", headers={**auth, "Content-Type": "application/octet-stream"}, content=b"x")
    assert response.status_code == 415
    missing = client.post("/v1/fmus", headers=auth, files={"other": ("a.fmu", b"x", "application/octet-stream")})
    assert missing.status_code == 422 and missing.json()["type"].endswith("/malformed-upload")


def test_an_fmu_with_only_sources_is_compiled(client: ContractClient, auth: dict[str, str]) -> None:
    entries = {n: d for n, d in _valid_entries().items() if not n.startswith("binaries/")}
    response = post_fmu(client, auth, _zip(entries), "sources-only.fmu")
    assert response.status_code == 201, response.text
    fmu = response.json()
    assert fmu["model"]["built_from_sources"] and fmu["model"]["has_sources"]
    sim = client.post("/v1/simulations", headers=auth, json={"fmu_id": fmu["id"], "stop_time": 1.0}).json()
    assert sim["status"] == "succeeded", sim["error"]
    reference = client.post("/v1/simulations", headers=auth,
                            json={"fmu_id": "lib:BouncingBall@fmi2", "stop_time": 1.0}).json()
    assert sim["result"]["data"]["h"] == pytest.approx(reference["result"]["data"]["h"], abs=1e-9)


def test_sources_that_do_not_compile_are_rejected(client: ContractClient, auth: dict[str, str],
                                                  settings: Settings) -> None:
    entries = {n: d for n, d in _valid_entries().items() if not n.startswith("binaries/")}
    for name in [n for n in entries if n.startswith("sources/") and n.endswith(".c")][:1]:
        entries[name] = b"this is not C;\n"
    before = stored_files(settings)
    response = post_fmu(client, auth, _zip(entries))
    assert response.status_code == 422 and response.json()["type"].endswith("/fmu-build-failed")
    assert stored_files(settings) == before
