"""schemathesis drives every operation of shared-specs/openapi.yaml against a live server: no server
error, and every response conforms (status code, content type, headers, body schema). A fixed budget and a
fresh random seed per run (tests/contract/conftest.py prints it; FMU_GATEWAY_SCHEMATHESIS_SEED replays it)."""

from __future__ import annotations

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, seed, settings
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from fmu_gateway_api.contract import contract_json
from tests.contract.conftest import SEED

schema = schemathesis.openapi.from_dict(contract_json())
schema.config.generation.update(modes=[GenerationMode.POSITIVE], max_examples=15)


@pytest.fixture(scope="session")
def bearer(live_url: str) -> dict[str, str]:
    key = httpx.post(f"{live_url}/v1/keys", json={"name": "schemathesis"}).json()["api_key"]
    return {"Authorization": f"Bearer {key}"}


@schema.parametrize()
@seed(SEED)
@settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_every_operation_conforms(case: schemathesis.Case, live_url: str, bearer: dict[str, str]) -> None:
    # Schema-valid is not always meaningful: random bytes are no FMU, a random name is no variable. Those
    # are 4xx problems by design, so the "positive data is accepted" check does not apply; every other
    # default check (server errors, status codes, content types, headers, schemas) does.
    case.call_and_validate(base_url=live_url, headers=bearer, excluded_checks=[positive_data_acceptance])


def test_stateful_sequences_through_the_contract_links(live_url: str, bearer: dict[str, str]) -> None:
    """Upload -> get/variables/model/delete and simulate -> get/result/cancel, following the links the
    contract declares, with every response checked."""
    workflow = schema.as_state_machine()

    class Workflow(workflow):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, object]:
            return {"base_url": live_url, "headers": bearer}

        def validate_response(self, response, case, additional_checks=None, **kwargs):  # type: ignore[no-untyped-def]
            case.validate_response(response, excluded_checks=[positive_data_acceptance], transport_kwargs=kwargs)

    Workflow.run(settings=settings(max_examples=25, stateful_step_count=6, deadline=None,
                                   suppress_health_check=list(HealthCheck), derandomize=True))
