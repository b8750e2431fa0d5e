"""Archive rules for what real tools ship: byte-identical duplicate entries (the FMI Reference FMUs' layered
standards under extra/) are accepted and kept once; duplicates that differ are refused; many small entries
count together against the uncompressed caps. Every archive is constructed here."""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path

import pytest
from fmu_gateway_testkit import hostile_fmu

from fmu_sandbox.archive import ArchiveLimits, ArchiveRejected, extract, inspect_archive
from tests.contract_client import ContractClient
from tests.fmus.test_archive import MD2

PROBLEM = "https://fmu-gateway.dev/problems/"
LAYERED = b"<?xml version='1.0'?><fmiLayeredStandardManifest fmi-ls-name='org.example'/>"


def write_entries(path: Path, entries: list[tuple[str, bytes]]) -> Path:
    """A ZIP with entries in this order, repeated names included (zipfile warns about them, and writes them)."""
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        warnings.filterwarnings("ignore", "Duplicate name", UserWarning)
        for name, data in entries:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return path


def base(extra: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    return [("modelDescription.xml", MD2.encode()), ("binaries/linux64/M.so", b"\x7fELF"), *extra]


def test_identical_duplicates_are_accepted_and_kept_once(tmp_path: Path) -> None:
    path = write_entries(tmp_path / "dup.fmu", base([
        ("extra/org.example/fmi-ls-manifest.xml", LAYERED),
        ("documentation/index.html", b"<p>doc</p>"),
        ("extra/org.example/fmi-ls-manifest.xml", LAYERED),
        ("documentation/index.html", b"<p>doc</p>"),
    ]))
    assert len(zipfile.ZipFile(path).infolist()) == 6
    desc = inspect_archive(path)
    assert desc.model_name == "M"
    dest = tmp_path / "out"
    dest.mkdir()
    extract(path, dest, ArchiveLimits())
    files = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert files == ["binaries/linux64/M.so", "documentation/index.html", "extra/org.example/fmi-ls-manifest.xml",
                     "modelDescription.xml"]
    assert (dest / "extra/org.example/fmi-ls-manifest.xml").read_bytes() == LAYERED


def test_duplicates_that_differ_are_refused_with_the_entry_named(tmp_path: Path) -> None:
    path = write_entries(tmp_path / "dup.fmu", base([
        ("extra/org.example/fmi-ls-manifest.xml", LAYERED),
        ("extra/org.example/fmi-ls-manifest.xml", LAYERED.replace(b"example", b"changed")),
    ]))
    with pytest.raises(ArchiveRejected) as info:
        inspect_archive(path)
    assert info.value.slug == "fmu-unsafe-path"
    assert info.value.detail == ("entry 'extra/org.example/fmi-ls-manifest.xml' appears more than once with "
                                 "different contents")
    dest = tmp_path / "out"
    dest.mkdir()
    with pytest.raises(ArchiveRejected) as again:
        extract(path, dest, ArchiveLimits())
    assert again.value.slug == "fmu-unsafe-path"


def test_a_file_and_a_directory_of_one_name_are_refused(tmp_path: Path) -> None:
    path = write_entries(tmp_path / "dup.fmu", base([("extra/x/", b""), ("extra/x", b"data")]))
    with pytest.raises(ArchiveRejected) as info:
        inspect_archive(path)
    assert info.value.slug == "fmu-unsafe-path"


def test_many_small_entries_count_together_against_the_expansion_cap(tmp_path: Path) -> None:
    # 40 entries of 512 KiB zeros: each below the per-entry ratio check (1 MiB), 20 MiB together
    path = write_entries(tmp_path / "many.fmu", base([(f"resources/z{i}", bytes(512 << 10)) for i in range(40)]))
    with pytest.raises(ArchiveRejected) as info:
        inspect_archive(path)
    assert (info.value.slug, info.value.status) == ("fmu-zip-bomb", 413)
    assert "expands" in info.value.detail


def test_many_small_entries_count_against_the_total_cap_at_extraction(tmp_path: Path) -> None:
    entries = base([(f"resources/r{i}", bytes([i]) * 4096) for i in range(64)])  # 256 KiB in all
    path = write_entries(tmp_path / "many.fmu", entries)
    dest = tmp_path / "out"
    dest.mkdir()
    extract(path, dest, ArchiveLimits(max_uncompressed_bytes=300 << 10))  # fits
    assert len(list((dest / "resources").iterdir())) == 64
    dest2 = tmp_path / "out2"
    dest2.mkdir()
    with pytest.raises(ArchiveRejected) as info:
        extract(path, dest2, ArchiveLimits(max_uncompressed_bytes=200 << 10))
    assert (info.value.slug, info.value.status) == ("fmu-zip-bomb", 413)


def _with_duplicates(source: Path, changed: bool) -> bytes:
    """Our own StateSpace FMU with its documentation repeated under extra/, as layered standards do."""
    buf = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Duplicate name", UserWarning)
            for content in (LAYERED, LAYERED + (b" " if changed else b"")):
                zout.writestr("extra/org.example/fmi-ls-manifest.xml", content)
    return buf.getvalue()


@pytest.mark.parametrize("changed", [False, True])
def test_an_upload_with_duplicates_is_accepted_or_refused_as_a_whole(client: ContractClient, auth: dict[str, str],
                                                                      changed: bool) -> None:
    data = _with_duplicates(hostile_fmu("StateSpace", 3), changed)
    response = client.post("/v1/fmus", headers=auth, files={"file": ("dup.fmu", data, "application/octet-stream")})
    if changed:
        assert response.status_code == 422, response.text
        assert response.json()["type"] == PROBLEM + "fmu-unsafe-path"
        assert "appears more than once with different contents" in response.json()["detail"]
        assert client.get("/v1/fmus", headers=auth).json()["items"] == []
        return
    assert response.status_code == 201, response.text
    run = client.post("/v1/simulations", headers=auth, json={"fmu_id": response.json()["id"], "stop_time": 1.0})
    assert run.status_code == 200, run.text
    assert run.json()["status"] == "succeeded", run.json()["error"]
