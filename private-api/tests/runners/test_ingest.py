"""Ingest: an upload is checked, unpacked, built from sources and described in a sandbox, then installed
once, read-only, in the FMU cache. The service process never opens an uploaded archive."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from fmu_gateway_api.runners.fmu_cache import IngestRejected, build_failure_detail
from fmu_gateway_api.runners.local import SandboxHost
from tests.conftest import library_fmu, make_settings, new_account
from tests.contract_client import ContractClient


def _rewrite(src: Path, *, drop_binaries: bool = True, replace: dict[str, bytes] | None = None,
             add: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if drop_binaries and info.filename.startswith("binaries/"):
                continue
            data = (replace or {}).get(info.filename, zin.read(info))
            zout.writestr(info, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return buf.getvalue()


def upload(client: ContractClient, auth: dict[str, str], data: bytes) -> object:
    return client.post("/v1/fmus", headers=auth, files={"file": ("m.fmu", io.BytesIO(data), "application/zip")})


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHost]:
    settings = make_settings(tmp_path_factory.mktemp("ingest"), None, build_timeout_s=60)
    host = SandboxHost(settings)
    host.start()
    yield host
    host.close()


@pytest.mark.parametrize("fmi", [2, 3])
def test_a_binary_built_from_sources_gives_the_original_numbers(client: ContractClient, auth: dict[str, str],
                                                                fmi: int) -> None:
    original = library_fmu("BouncingBall", fmi)
    response = upload(client, auth, _rewrite(original))
    assert response.status_code == 201, response.text
    fmu = response.json()
    assert fmu["model"]["built_from_sources"] is True
    assert fmu["model"]["platforms"] == ["linux64" if fmi == 2 else "x86_64-linux"]  # what runs here now
    body = {"interface": "CoSimulation", "stop_time": 2.0, "cache": False}
    built = client.post("/v1/simulations", headers=auth, json={"fmu_id": fmu["id"], **body}).json()
    lib = client.post("/v1/simulations", headers=auth,
                      json={"fmu_id": "lib:BouncingBall" + ("@fmi2" if fmi == 2 else ""), **body}).json()
    for name in lib["result"]["columns"]:
        np.testing.assert_allclose(built["result"]["data"][name], lib["result"]["data"][name], rtol=1e-12)


def test_a_build_failure_names_the_file_and_shows_only_its_own_diagnostics(client: ContractClient,
                                                                          auth: dict[str, str]) -> None:
    original = library_fmu("BouncingBall", 2)
    with zipfile.ZipFile(original) as zf:
        model_c = zf.read("sources/model.c")
    response = upload(client, auth, _rewrite(original, replace={"sources/model.c": model_c + b"\nthis is not C;\n"}))
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"].endswith("/fmu-build-failed")
    lines = problem["detail"].splitlines()
    assert "sources/model.c does not compile" in lines[0]
    assert any(line.startswith("sources/model.c:") and ": error: " in line for line in lines[1:])
    assert all(line.startswith(("sources/", "link error:")) for line in lines[1:]), lines
    assert "/var/tmp" not in problem["detail"] and "CMake" not in problem["detail"]


def test_sources_without_a_source_list_say_what_is_missing(client: ContractClient, auth: dict[str, str]) -> None:
    original = library_fmu("BouncingBall", 2)
    with zipfile.ZipFile(original) as zf:
        md = zf.read("modelDescription.xml").decode()
    start = md.index("<SourceFiles>")
    end = md.index("</SourceFiles>") + len("</SourceFiles>")
    stripped = md[:start] + md[end:]
    while "<SourceFiles>" in stripped:
        start = stripped.index("<SourceFiles>")
        stripped = stripped[:start] + stripped[stripped.index("</SourceFiles>") + len("</SourceFiles>"):]
    response = upload(client, auth, _rewrite(original, replace={"modelDescription.xml": stripped.encode()}))
    assert response.status_code == 422, response.text
    assert response.json()["type"].endswith("/fmu-build-failed")
    assert "a <SourceFiles> list" in response.json()["detail"]


def test_a_binary_named_after_something_else_is_named_in_the_problem(client: ContractClient,
                                                                    auth: dict[str, str]) -> None:
    original = library_fmu("BouncingBall", 2)
    data = _rewrite(original, drop_binaries=True, add={"binaries/linux64/Renamed.so": b"\x7fELF"})
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        kept = [n for n in zf.namelist() if not n.startswith("sources/")]
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(buf, "w") as zout:
        for name in kept:
            zout.writestr(name, zin.read(name))
    response = upload(client, auth, buf.getvalue())
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"].endswith("/fmu-no-linux-binary")
    assert "binaries/linux64/BouncingBall.so" in problem["detail"] and "Renamed.so" in problem["detail"]


def _with_duplicate(original: Path, first: bytes, second: bytes) -> bytes:
    """The archive with documentation/extra.txt twice (as layered standards ship extra/ files)."""
    buf = io.BytesIO(_rewrite(original, drop_binaries=False, add={"documentation/extra.txt": first}))
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "a") as zf:
        warnings.simplefilter("ignore", UserWarning)  # zipfile's "Duplicate name": exactly what we want
        zf.writestr("documentation/extra.txt", second)
    return buf.getvalue()


def test_identical_duplicate_entries_are_accepted_and_different_ones_refused(client: ContractClient) -> None:
    auth = new_account(client, "duplicates")
    original = library_fmu("BouncingBall", 3)
    response = upload(client, auth, _with_duplicate(original, b"one", b"one"))
    assert response.status_code == 201, response.text
    assert client.post("/v1/simulations", headers=auth, json={
        "fmu_id": response.json()["id"], "stop_time": 0.5}).json()["status"] == "succeeded"
    response = upload(client, auth, _with_duplicate(original, b"one", b"two"))
    assert response.status_code == 422, response.text
    assert response.json()["type"].endswith("/fmu-unsafe-path")


def test_a_build_that_takes_too_long_is_stopped(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, None, build_timeout_s=0.5)
    host = SandboxHost(settings)
    try:
        host.start()
        data = _rewrite(library_fmu("BouncingBall", 2))
        archive = tmp_path / "src.fmu"
        archive.write_bytes(data)
        with pytest.raises(IngestRejected) as info:
            host.fmus.ingest(archive, hashlib.sha256(data).hexdigest())
        assert info.value.slug == "fmu-build-failed"
        assert "longer than 0.5 s" in info.value.detail
        assert list(host.scratch.runs.iterdir()) == []
    finally:
        host.close()


def test_the_cache_holds_each_fmu_once_read_only(host: SandboxHost, tmp_path: Path) -> None:
    data = library_fmu("VanDerPol", 3).read_bytes()
    archive = tmp_path / "v.fmu"
    archive.write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    first = host.fmus.ingest(archive, sha)
    again = host.fmus.ensure(sha, archive)
    assert first.path == again == host.fmus.path(sha)
    for path in [first.path, *first.path.rglob("*")]:
        st = path.lstat()
        assert stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode)
        assert st.st_mode & 0o022 == 0, path  # nobody but its owner may write
        if os.geteuid() == 0:
            assert st.st_uid == 0, path  # not a sandbox uid that a later run may get
    assert stat.S_IMODE(host.scratch.fmus.stat().st_mode) == 0o711  # reachable by name, never listed


def test_an_unpacked_tree_with_a_link_is_never_installed(host: SandboxHost, tmp_path: Path) -> None:
    tree = host.scratch.runs / "crafted"
    (tree / "binaries").mkdir(parents=True)
    (tree / "modelDescription.xml").write_text("<x/>")
    os.symlink("/etc/shadow", tree / "binaries" / "evil.so")
    with pytest.raises(IngestRejected) as info:
        host.fmus._install(tree, "ab" * 32)
    assert info.value.slug == "fmu-symlink"
    assert not host.fmus.path("ab" * 32).exists()


def test_build_output_keeps_only_the_fmus_own_diagnostics() -> None:
    output = "\n".join([
        "-- The C compiler identification is GNU 12.2.0",
        "/var/tmp/fmu-gateway-0-abc/runs/ingest-x/fmu/sources/model.c:1:10: fatal error: /etc/shadow: "
        "Permission denied",
        "    1 | #include \"/etc/shadow\"",
        "      |          ^~~~~~~~~~~~~",
        "/etc/passwd:1:1: error: root:x:0:0:root:/root:/bin/bash",
        "compilation terminated.",
        "/usr/bin/ld: model.o: in function `f': undefined reference to `g'",
    ])
    detail = build_failure_detail("building the binary from sources failed", output)
    assert detail.splitlines() == [
        "building the binary from sources failed: sources/model.c does not compile",
        "sources/model.c:1:10: fatal error: /etc/shadow: Permission denied",
        "link error: undefined reference to `g'",
    ]


def test_the_cache_evicts_the_least_recently_used_fmu_that_no_run_holds(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, None, fmu_cache_max_bytes=1)  # every install is over the limit
    host = SandboxHost(settings)
    try:
        host.start()
        shas = []
        for name in ("BouncingBall", "VanDerPol", "FirstOrderLag"):
            data = library_fmu(name, 3).read_bytes()
            archive = tmp_path / f"{name}.fmu"
            archive.write_bytes(data)
            shas.append((hashlib.sha256(data).hexdigest(), archive))
        held, _ = shas[0]
        host.fmus.ensure(*shas[0])
        host.fmus.hold(held)
        host.fmus.ensure(*shas[1])  # over the limit: the unheld older entry (none yet) goes
        host.fmus.ensure(*shas[2])  # ... now VanDerPol goes; BouncingBall is held
        assert host.fmus.path(held).is_dir()
        assert not host.fmus.path(shas[1][0]).exists()
        host.fmus.drop(held)
        again = host.fmus.ensure(*shas[1])  # evicted FMUs come back from their archive when needed
        assert again.is_dir() and not host.fmus.path(held).exists()
    finally:
        host.close()
