from typing import Literal

SimulationCreateSolverType3Type1 = Literal["CVode", "Euler"]

SIMULATION_CREATE_SOLVER_TYPE_3_TYPE_1_VALUES: set[SimulationCreateSolverType3Type1] = {
    "CVode",
    "Euler",
}


def check_simulation_create_solver_type_3_type_1(value: str) -> SimulationCreateSolverType3Type1:
    if value in SIMULATION_CREATE_SOLVER_TYPE_3_TYPE_1_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SIMULATION_CREATE_SOLVER_TYPE_3_TYPE_1_VALUES!r}")
