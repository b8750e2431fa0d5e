"""FMU Gateway SDK: simulate FMI 2.0/3.0 FMUs on an FMU Gateway from Python.

    from fmu_gateway_sdk import Gateway

    gw = Gateway()  # FMU_GATEWAY_URL / FMU_GATEWAY_API_KEY, or a local gateway
    result = gw.simulate("lib:BouncingBall", stop_time=3, kpis=["max(h)"])
    print(result.kpis)
    result.to_pandas()
"""

from fmu_gateway_sdk._base import __version__
from fmu_gateway_sdk._client import Gateway
from fmu_gateway_sdk._errors import (
    APIConnectionError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    FmuGatewayError,
    InternalServerError,
    NotFoundError,
    PaymentRequired,
    PermissionDeniedError,
    RateLimitError,
    SimulationFailed,
    UnprocessableEntityError,
)
from fmu_gateway_sdk._generated.models import (
    Account,
    Checkout,
    Fmu,
    KeyCreated,
    LibraryModel,
    ModelInfo,
    Pricing,
    Quote,
    Variable,
)
from fmu_gateway_sdk._options import SimulationOptions, input_series, kpi_spec
from fmu_gateway_sdk._results import SimulationResult

__all__ = [
    "APIConnectionError",
    "Account",
    "AuthenticationError",
    "BadRequestError",
    "Checkout",
    "ConflictError",
    "Fmu",
    "FmuGatewayError",
    "Gateway",
    "InternalServerError",
    "KeyCreated",
    "LibraryModel",
    "ModelInfo",
    "NotFoundError",
    "PaymentRequired",
    "PermissionDeniedError",
    "Pricing",
    "Quote",
    "RateLimitError",
    "SimulationFailed",
    "SimulationOptions",
    "SimulationResult",
    "UnprocessableEntityError",
    "Variable",
    "__version__",
    "input_series",
    "kpi_spec",
]
