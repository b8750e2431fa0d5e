"""Source-only FMUs are built in the ingest sandbox with FMPy's own build helper. When that cannot work the
problem says why and which names it expected: no source list, a binary not named after the model
identifier, a source file that does not compile (named, with the compiler's first messages)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

import pytest

from fmu_gateway_api.settings import Settings
from tests.conftest import library_fmu
from tests.contract_client import ContractClient
from tests.fmus.test_upload_api import post_fmu, stored_files

Edit = Callable[[str, bytes], tuple[str, bytes] | None]


def repacked(fmi: int, edit: Edit) -> bytes:
    """lib BouncingBall with each entry passed through `edit` (None drops it; it may rename it)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(library_fmu("BouncingBall", fmi)) as zin, zipfile.ZipFile(buf, "w") as zout:
        for info in zin.infolist():
            kept = edit(info.filename, zin.read(info))
            if kept is not None:
                zout.writestr(kept[0], kept[1])
    return buf.getvalue()


def no_binary(name: str, data: bytes) -> tuple[str, bytes] | None:
    return None if name.startswith("binaries/") else (name, data)


def no_source_files(name: str, data: bytes) -> tuple[str, bytes] | None:
    if name == "modelDescription.xml":
        data = re.sub(rb"\s*<SourceFiles>.*?</SourceFiles>", b"", data, flags=re.S)
    return no_binary(name, data)


def misnamed_binary(name: str, data: bytes) -> tuple[str, bytes] | None:
    if name.startswith("binaries/"):
        return name.replace("BouncingBall.so", "bouncing_ball_sf.so"), data
    return None if name.startswith("sources/") else (name, data)


def misnamed_binary_and_no_source_files(name: str, data: bytes) -> tuple[str, bytes] | None:
    if name.startswith("binaries/"):
        return name.replace("BouncingBall.so", "bouncing_ball_sf.so"), data
    if name == "modelDescription.xml":
        data = re.sub(rb"\s*<SourceFiles>.*?</SourceFiles>", b"", data, flags=re.S)
    return name, data


def broken_source(name: str, data: bytes) -> tuple[str, bytes] | None:
    if name == "sources/model.c":
        data = data.replace(b"void model_initialize(", b"void model_initialize(int this is not C,", 1)
    return no_binary(name, data)


def no_build_description(name: str, data: bytes) -> tuple[str, bytes] | None:
    return None if name == "sources/buildDescription.xml" else no_binary(name, data)


@pytest.mark.parametrize(("fmi", "edit", "slug", "words"), [
    (2, no_source_files, "fmu-build-failed",
     ["<SourceFiles>", "binaries/linux64/BouncingBall.so", "sources/model.c"]),
    (3, no_build_description, "fmu-build-failed",
     ["sources/buildDescription.xml", "binaries/x86_64-linux/BouncingBall.so"]),
    (2, misnamed_binary, "fmu-no-linux-binary",
     ["binaries/linux64/BouncingBall.so", "bouncing_ball_sf.so", "model identifier"]),
    (2, misnamed_binary_and_no_source_files, "fmu-build-failed",
     ["<SourceFiles>", "binaries/linux64/BouncingBall.so", "bouncing_ball_sf.so", "model identifier"]),
    (2, broken_source, "fmu-build-failed", ["sources/model.c", "error:"]),
    (3, broken_source, "fmu-build-failed", ["sources/model.c", "error:"]),
])
def test_a_build_that_cannot_work_says_what_it_expected(client: ContractClient, auth: dict[str, str],
                                                         settings: Settings, fmi: int, edit: Edit, slug: str,
                                                         words: list[str]) -> None:
    before = stored_files(settings)
    response = post_fmu(client, auth, repacked(fmi, edit), "sources.fmu")
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"].endswith(f"/{slug}"), problem
    for word in words:
        assert word in problem["detail"], (word, problem["detail"])
    assert "IndexError" not in problem["detail"] and "Traceback" not in problem["detail"]
    assert stored_files(settings) == before


@pytest.mark.parametrize("fmi", [2, 3])
def test_sources_alone_are_built_with_fmpys_helper_and_run(client: ContractClient, auth: dict[str, str],
                                                           fmi: int) -> None:
    response = post_fmu(client, auth, repacked(fmi, no_binary), "sources.fmu")
    assert response.status_code == 201, response.text
    fmu = response.json()
    assert fmu["model"]["built_from_sources"] is True and fmu["warnings"] == []
    sim = client.post("/v1/simulations", headers=auth, json={"fmu_id": fmu["id"], "interface": "CoSimulation"})
    assert sim.status_code == 200, sim.text
    assert sim.json()["status"] == "succeeded", sim.json()["error"]
