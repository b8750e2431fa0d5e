"""Contains all the data models used in inputs/outputs"""

from .default_experiment import DefaultExperiment
from .fmu import Fmu
from .fmu_list import FmuList
from .fmu_source import FmuSource
from .get_open_api_json_response_200 import GetOpenApiJsonResponse200
from .get_simulation_result_format import GetSimulationResultFormat
from .health import Health
from .health_status import HealthStatus
from .input_series import InputSeries
from .input_series_signals import InputSeriesSignals
from .interface import Interface
from .key_create import KeyCreate
from .key_created import KeyCreated
from .kpi_spec import KpiSpec
from .kpi_spec_kind import KpiSpecKind
from .library_list import LibraryList
from .library_model import LibraryModel
from .library_model_fmi_version import LibraryModelFmiVersion
from .model_info import ModelInfo
from .model_info_model_identifiers import ModelInfoModelIdentifiers
from .problem import Problem
from .problem_checks import ProblemChecks
from .problem_errors_item import ProblemErrorsItem
from .readiness import Readiness
from .readiness_checks import ReadinessChecks
from .readiness_status import ReadinessStatus
from .result import Result
from .result_data import ResultData
from .result_data_data import ResultDataData
from .result_data_units import ResultDataUnits
from .simulation import Simulation
from .simulation_create import SimulationCreate
from .simulation_create_interface import SimulationCreateInterface
from .simulation_create_solver_type_1 import SimulationCreateSolverType1
from .simulation_create_solver_type_2_type_1 import SimulationCreateSolverType2Type1
from .simulation_create_solver_type_3_type_1 import SimulationCreateSolverType3Type1
from .simulation_create_start_values import SimulationCreateStartValues
from .simulation_error import SimulationError
from .simulation_kpis_type_0 import SimulationKpisType0
from .simulation_list import SimulationList
from .simulation_provenance_type_0 import SimulationProvenanceType0
from .simulation_request import SimulationRequest
from .simulation_status import SimulationStatus
from .upload_fmu_body import UploadFmuBody
from .variable import Variable
from .variable_list import VariableList

__all__ = (
    "DefaultExperiment",
    "Fmu",
    "FmuList",
    "FmuSource",
    "GetOpenApiJsonResponse200",
    "GetSimulationResultFormat",
    "Health",
    "HealthStatus",
    "InputSeries",
    "InputSeriesSignals",
    "Interface",
    "KeyCreate",
    "KeyCreated",
    "KpiSpec",
    "KpiSpecKind",
    "LibraryList",
    "LibraryModel",
    "LibraryModelFmiVersion",
    "ModelInfo",
    "ModelInfoModelIdentifiers",
    "Problem",
    "ProblemChecks",
    "ProblemErrorsItem",
    "Readiness",
    "ReadinessChecks",
    "ReadinessStatus",
    "Result",
    "ResultData",
    "ResultDataData",
    "ResultDataUnits",
    "Simulation",
    "SimulationCreate",
    "SimulationCreateInterface",
    "SimulationCreateSolverType1",
    "SimulationCreateSolverType2Type1",
    "SimulationCreateSolverType3Type1",
    "SimulationCreateStartValues",
    "SimulationError",
    "SimulationKpisType0",
    "SimulationList",
    "SimulationProvenanceType0",
    "SimulationRequest",
    "SimulationStatus",
    "UploadFmuBody",
    "Variable",
    "VariableList",
)
