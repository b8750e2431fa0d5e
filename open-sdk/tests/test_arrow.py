"""Results as Apache Arrow against a real gateway: simulate() fetches the columnar result when pyarrow is
installed, to_numpy()/to_pandas() convert from it exactly, and the CLI writes .arrow and .parquet."""

from __future__ import annotations

from pathlib import Path

import fmpy
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import LIBRARY_DIR

from fmu_gateway_sdk import Gateway, cli

pytestmark = pytest.mark.e2e
STATE_SPACE = LIBRARY_DIR / "testing" / "fmi3" / "StateSpace.fmu"


def test_an_array_model_comes_back_as_arrow_equal_to_fmpy(gw: Gateway) -> None:
    result = gw.simulate(STATE_SPACE, stop_time=2.0, output_interval=0.01, interface="CoSimulation",
                         start_values={"x0": [1.0, -1.0, 0.5]})
    assert isinstance(result.table, pa.Table)
    assert result.dimensions == {"y": [3]}
    req = result.request
    expected = fmpy.simulate_fmu(str(STATE_SPACE), validate=False, fmi_type="CoSimulation",
                                 start_time=req["start_time"], stop_time=req["stop_time"],
                                 output_interval=req["output_interval"], start_values=req["start_values"],
                                 output=req["outputs"], remote_platform=None)
    array = result.to_numpy()
    assert array.dtype.names == expected.dtype.names
    assert array["y"].tobytes() == np.ascontiguousarray(expected["y"]).tobytes()
    assert result["y"] == expected["y"].tolist()
    frame = result.to_pandas()
    assert list(frame.columns) == ["time", "y[1]", "y[2]", "y[3]", "energy"]
    assert frame["y[3]"].to_numpy().tobytes() == np.ascontiguousarray(expected["y"][:, 2]).tobytes()


def test_the_cli_writes_arrow_and_parquet_by_extension(gateway_url: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    parquet, arrow = tmp_path / "r.parquet", tmp_path / "r.arrow"
    code = cli.main(["--quiet", "--url", gateway_url, "run", "lib:VanDerPol", "--stop-time", "1",
                     "--out", str(parquet)])
    assert code == 0, capsys.readouterr()
    table = pq.read_table(parquet)
    assert table.column_names == ["time", "x0", "x1"]
    assert table.schema.field("x0").metadata[b"fmi_type"] == b"Float64"
    with Gateway(base_url=gateway_url) as gw:
        sims = gw.simulations(limit=1)
    code = cli.main(["--quiet", "--url", gateway_url, "simulations", "result", sims[0].id,
                     "--out", str(arrow)])
    assert code == 0, capsys.readouterr()
    assert pa.ipc.open_stream(arrow.read_bytes()).read_all().equals(table)
    with Gateway(base_url=gateway_url) as gw:  # asked with zstd buffers: the same table
        assert gw.result_table(sims[0].id).equals(table)
        assert gw.result_bytes(sims[0].id, "arrow") == arrow.read_bytes()  # what the CLI wrote
