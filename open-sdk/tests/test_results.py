"""What a result shows of itself: a one-line repr, Jupyter's HTML, and plots that say what ran."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fmu_gateway_sdk import SimulationResult

SIM_ID = "sim_" + "0" * 32


def result(rows: int = 501, **extra: Any) -> SimulationResult:
    time = [i * 0.01 for i in range(rows)]
    doc: dict[str, Any] = {
        "id": SIM_ID, "status": "succeeded", "fmu_id": "lib:MassSpringDamper", "cached": False,
        "kpis": {"max(x)": 0.123456789, "final(v)": None},
        "request": {"start_time": 0.0, "stop_time": 5.0, "start_values": {"c": 0.5, "k": 2},
                    "inputs": {"time": [0.0, 1.0, 1.0, 4.0], "signals": {"F": [0.0, 0.0, 1.0, 1.0]}}},
        "result": {"columns": ["time", "x", "v"], "units": {"time": "s", "x": "m", "v": "m/s"},
                   "data": {"time": time, "x": [t / 10 for t in time], "v": [0.1] * rows}},
        **extra,
    }
    return SimulationResult.from_api(doc)


def test_repr_is_one_line_without_the_data() -> None:
    assert repr(result()) == ("<SimulationResult lib:MassSpringDamper succeeded: 501 rows x 3 columns; "
                              f"max(x)=0.123457, final(v)=None; id {SIM_ID}>")
    failed = SimulationResult.from_api({"id": SIM_ID, "status": "failed", "fmu_id": "a" * 64,
                                        "error": {"type": "model-crashed", "detail": "segfault"}})
    assert repr(failed) == ("<SimulationResult aaaaaaaaaaaa failed (model-crashed): 0 rows x 0 columns; "
                            f"id {SIM_ID}>")
    named = SimulationResult.from_api({"id": SIM_ID, "status": "succeeded", "fmu_id": "a" * 64},
                                      model="pump.fmu")
    assert repr(named).startswith("<SimulationResult pump.fmu succeeded")


def test_html_repr_shows_model_status_kpis_and_a_head_of_the_table() -> None:
    page = result()._repr_html_()
    assert page.splitlines()[1] == ("<p><b>lib:MassSpringDamper</b> succeeded &middot; 501 rows &times; "
                                    f"3 columns &middot; <code>{SIM_ID}</code> &middot; c=0.5, k=2</p>")
    assert "<tr><td>max(x)</td><td>0.123457</td></tr>" in page
    assert "<th>time [s]</th><th>x [m]</th><th>v [m/s]</th>" in page
    assert page.count("<tr><td>") == 2 + 5  # two KPIs, five rows
    assert "&hellip; 496 more rows" in page
    assert len(page) < 2000


def test_plot_titles_the_model_and_start_values_and_draws_the_inputs(tmp_path: Path) -> None:
    figure = result().plot(tmp_path / "r.png")
    assert figure.get_suptitle() == "lib:MassSpringDamper  (c=0.5, k=2)"
    labels = [ax.get_ylabel() for ax in figure.axes]
    assert labels == ["F\n(input)", "x [m]", "v [m/s]"]
    line = figure.axes[0].get_lines()[0]
    assert list(line.get_xdata()) == [0.0, 1.0, 1.0, 4.0, 5.0]  # held after the last point, to stop_time
    assert list(line.get_ydata()) == [0.0, 0.0, 1.0, 1.0, 1.0]
    assert (tmp_path / "r.png").read_bytes()[:4] == b"\x89PNG"


def test_show_plot_opens_a_pyplot_window(monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib.pyplot as plt

    shown: list[bool] = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(True))
    figure = result().plot(show=True)
    assert shown == [True]
    assert plt.fignum_exists(figure.number)
    plt.close(figure)


def typed_result() -> SimulationResult:
    """A result as gateway 0.8 writes it: spelled-out non-finite numbers, an FMI 3 array, a String column."""
    return SimulationResult.from_api({
        "id": SIM_ID, "status": "succeeded", "fmu_id": "a" * 64,
        "result": {"columns": ["time", "y", "x", "n", "s"], "units": {},
                   "types": {"time": "Float64", "y": "Float64", "x": "Float64", "n": "Int32", "s": "String"},
                   "dimensions": {"y": [2]},
                   "data": {"time": [0.0, 0.5], "y": [[1.0, "NaN"], ["Infinity", 0.1]],
                            "x": ["-Infinity", 2.0], "n": [1, 2], "s": ["NaN", "a,b"]}}})


def test_non_finite_numbers_arrays_and_strings_convert_exactly(tmp_path: Path) -> None:
    import math

    import numpy as np

    res = typed_result()
    assert res["x"][0] == -math.inf
    assert res["s"] == ["NaN", "a,b"]
    array = res.to_numpy()
    assert array.dtype["y"].shape == (2,)
    assert array.dtype["n"] == np.dtype("i4")
    assert np.isnan(array["y"][0, 1])
    assert array["y"][1].tolist() == [math.inf, 0.1]
    assert list(array["s"]) == ["NaN", "a,b"]
    frame = res.to_pandas()
    assert list(frame.columns) == ["time", "y[1]", "y[2]", "x", "n", "s"]
    assert math.isnan(frame["y[2]"][0])
    assert (frame["x"][0], frame["s"][0]) == (-math.inf, "NaN")
    text = res.to_csv(tmp_path / "r.csv").read_text()
    assert text.splitlines() == ["time,y[1],y[2],x,n,s", "0.0,1.0,NaN,-Infinity,1,NaN",
                                 '0.5,Infinity,0.1,2.0,2,"a,b"']
