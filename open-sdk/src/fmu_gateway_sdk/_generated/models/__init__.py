"""Contains all the data models used in inputs/outputs"""

from .account import Account
from .account_billing import AccountBilling
from .callback_attempt import CallbackAttempt
from .callback_delivery import CallbackDelivery
from .callback_delivery_event import CallbackDeliveryEvent
from .callback_delivery_list import CallbackDeliveryList
from .callback_delivery_state import CallbackDeliveryState
from .callback_secret import CallbackSecret
from .checkout import Checkout
from .checkout_create import CheckoutCreate
from .checkout_kind import CheckoutKind
from .complete_job_body import CompleteJobBody
from .complete_job_body_layers_type_0 import CompleteJobBodyLayersType0
from .default_experiment import DefaultExperiment
from .fmu import Fmu
from .fmu_list import FmuList
from .fmu_source import FmuSource
from .get_open_api_json_response_200 import GetOpenApiJsonResponse200
from .get_simulation_log_format import GetSimulationLogFormat
from .get_simulation_result_format import GetSimulationResultFormat
from .get_sweep_results_format import GetSweepResultsFormat
from .health import Health
from .health_status import HealthStatus
from .input_series import InputSeries
from .input_series_signals import InputSeriesSignals
from .interface import Interface
from .key import Key
from .key_create import KeyCreate
from .key_created import KeyCreated
from .key_list import KeyList
from .kpi_spec import KpiSpec
from .kpi_spec_kind import KpiSpecKind
from .ledger_entry import LedgerEntry
from .ledger_entry_kind import LedgerEntryKind
from .library_list import LibraryList
from .library_model import LibraryModel
from .library_model_fmi_version import LibraryModelFmiVersion
from .model_info import ModelInfo
from .model_info_model_identifiers import ModelInfoModelIdentifiers
from .pricing import Pricing
from .pricing_credit_packs_item import PricingCreditPacksItem
from .pricing_pay_per_run import PricingPayPerRun
from .pricing_tiers import PricingTiers
from .pricing_tiers_additional_property import PricingTiersAdditionalProperty
from .pricing_tiers_additional_property_billing import PricingTiersAdditionalPropertyBilling
from .problem import Problem
from .problem_checks import ProblemChecks
from .problem_credit_packs_item import ProblemCreditPacksItem
from .problem_errors_item import ProblemErrorsItem
from .problem_type import ProblemType
from .problem_type_list import ProblemTypeList
from .quote import Quote
from .quote_billing import QuoteBilling
from .readiness import Readiness
from .readiness_checks import ReadinessChecks
from .readiness_status import ReadinessStatus
from .receive_stripe_webhook_body import ReceiveStripeWebhookBody
from .result import Result
from .result_data import ResultData
from .result_data_data import ResultDataData
from .result_data_dimensions import ResultDataDimensions
from .result_data_types import ResultDataTypes
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
from .simulation_log import SimulationLog
from .simulation_log_status import SimulationLogStatus
from .simulation_provenance_type_0 import SimulationProvenanceType0
from .simulation_request import SimulationRequest
from .simulation_status import SimulationStatus
from .simulation_summary import SimulationSummary
from .simulation_summary_kpis_type_0 import SimulationSummaryKpisType0
from .simulation_summary_status import SimulationSummaryStatus
from .sweep import Sweep
from .sweep_counts import SweepCounts
from .sweep_create import SweepCreate
from .sweep_create_cases_type_0_item import SweepCreateCasesType0Item
from .sweep_create_grid_type_0 import SweepCreateGridType0
from .sweep_lhs import SweepLhs
from .sweep_lhs_ranges import SweepLhsRanges
from .sweep_quote import SweepQuote
from .sweep_quote_billing import SweepQuoteBilling
from .sweep_row import SweepRow
from .sweep_row_kpis import SweepRowKpis
from .sweep_row_start_values import SweepRowStartValues
from .sweep_row_status import SweepRowStatus
from .sweep_status import SweepStatus
from .sweep_table import SweepTable
from .sweep_table_status import SweepTableStatus
from .token import Token
from .token_token_type import TokenTokenType
from .upload_fmu_body import UploadFmuBody
from .variable import Variable
from .variable_list import VariableList
from .webhook_ack import WebhookAck

__all__ = (
    "Account",
    "AccountBilling",
    "CallbackAttempt",
    "CallbackDelivery",
    "CallbackDeliveryEvent",
    "CallbackDeliveryList",
    "CallbackDeliveryState",
    "CallbackSecret",
    "Checkout",
    "CheckoutCreate",
    "CheckoutKind",
    "CompleteJobBody",
    "CompleteJobBodyLayersType0",
    "DefaultExperiment",
    "Fmu",
    "FmuList",
    "FmuSource",
    "GetOpenApiJsonResponse200",
    "GetSimulationLogFormat",
    "GetSimulationResultFormat",
    "GetSweepResultsFormat",
    "Health",
    "HealthStatus",
    "InputSeries",
    "InputSeriesSignals",
    "Interface",
    "Key",
    "KeyCreate",
    "KeyCreated",
    "KeyList",
    "KpiSpec",
    "KpiSpecKind",
    "LedgerEntry",
    "LedgerEntryKind",
    "LibraryList",
    "LibraryModel",
    "LibraryModelFmiVersion",
    "ModelInfo",
    "ModelInfoModelIdentifiers",
    "Pricing",
    "PricingCreditPacksItem",
    "PricingPayPerRun",
    "PricingTiers",
    "PricingTiersAdditionalProperty",
    "PricingTiersAdditionalPropertyBilling",
    "Problem",
    "ProblemChecks",
    "ProblemCreditPacksItem",
    "ProblemErrorsItem",
    "ProblemType",
    "ProblemTypeList",
    "Quote",
    "QuoteBilling",
    "Readiness",
    "ReadinessChecks",
    "ReadinessStatus",
    "ReceiveStripeWebhookBody",
    "Result",
    "ResultData",
    "ResultDataData",
    "ResultDataDimensions",
    "ResultDataTypes",
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
    "SimulationLog",
    "SimulationLogStatus",
    "SimulationProvenanceType0",
    "SimulationRequest",
    "SimulationStatus",
    "SimulationSummary",
    "SimulationSummaryKpisType0",
    "SimulationSummaryStatus",
    "Sweep",
    "SweepCounts",
    "SweepCreate",
    "SweepCreateCasesType0Item",
    "SweepCreateGridType0",
    "SweepLhs",
    "SweepLhsRanges",
    "SweepQuote",
    "SweepQuoteBilling",
    "SweepRow",
    "SweepRowKpis",
    "SweepRowStartValues",
    "SweepRowStatus",
    "SweepStatus",
    "SweepTable",
    "SweepTableStatus",
    "Token",
    "TokenTokenType",
    "UploadFmuBody",
    "Variable",
    "VariableList",
    "WebhookAck",
)
