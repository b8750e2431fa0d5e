"""Every library model, FMI 2 and 3, ME and CS, gives through the API exactly what FMPy gives directly."""

from __future__ import annotations

import fmpy
import numpy as np
import pytest

from tests.conftest import library_fmu
from tests.contract_client import ContractClient

MODELS = ["BouncingBall", "VanDerPol", "FirstOrderLag", "MassSpringDamper", "FuelRail", "ScavengePump"]


@pytest.mark.parametrize("interface", ["ModelExchange", "CoSimulation"])
@pytest.mark.parametrize("fmi", [2, 3])
@pytest.mark.parametrize("model", MODELS)
def test_api_equals_fmpy_in_process(client: ContractClient, auth: dict[str, str], model: str, fmi: int,
                                    interface: str) -> None:
    fmu_id = f"lib:{model}" + ("@fmi2" if fmi == 2 else "")
    response = client.post("/v1/simulations", headers=auth, json={"fmu_id": fmu_id, "interface": interface})
    assert response.status_code == 200, response.text
    sim = response.json()
    assert sim["status"] == "succeeded", sim["error"]
    req = sim["request"]
    direct = fmpy.simulate_fmu(
        str(library_fmu(model, fmi)), validate=False, fmi_type=interface, start_time=req["start_time"],
        stop_time=req["stop_time"], output_interval=req["output_interval"], solver=req["solver"] or "CVode",
        relative_tolerance=req["relative_tolerance"], step_size=req["step_size"], output=req["outputs"],
        remote_platform=None,
    )
    data = sim["result"]["data"]
    assert sim["result"]["columns"] == list(direct.dtype.names)
    for name in direct.dtype.names:
        assert np.array_equal(np.asarray(data[name], dtype=float), direct[name].astype(float)), name
    assert len(data["time"]) > 10
