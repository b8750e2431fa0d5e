from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.simulation import Simulation
from ...models.simulation_create import SimulationCreate
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: SimulationCreate,
    idempotency_key: str | Unset = UNSET,
    payment_token: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    if not isinstance(payment_token, Unset):
        headers["Payment-Token"] = payment_token

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/simulations",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Simulation | None:
    if response.status_code == 200:
        response_200 = Simulation.from_dict(response.json())

        return response_200

    if response.status_code == 202:
        response_202 = Simulation.from_dict(response.json())

        return response_202

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 402:
        response_402 = Problem.from_dict(response.json())

        return response_402

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | Simulation]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SimulationCreate,
    idempotency_key: str | Unset = UNSET,
    payment_token: str | Unset = UNSET,
) -> Response[Problem | Simulation]:
    """Run a simulation

     Checks the request against the model description, then runs it in a fresh sandbox. Waits up to
    `wait_s` seconds (bounded by the server) for the result: 200 with the result inline when it has
    ended (also when the model failed: see `status` and `error`), else 202 with the simulation to
    poll. An identical request on the same FMU returns the stored result at once, with
    `cached: true`.

    Args:
        idempotency_key (str | Unset):
        payment_token (str | Unset):
        body (SimulationCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Simulation]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
        payment_token=payment_token,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: SimulationCreate,
    idempotency_key: str | Unset = UNSET,
    payment_token: str | Unset = UNSET,
) -> Problem | Simulation | None:
    """Run a simulation

     Checks the request against the model description, then runs it in a fresh sandbox. Waits up to
    `wait_s` seconds (bounded by the server) for the result: 200 with the result inline when it has
    ended (also when the model failed: see `status` and `error`), else 202 with the simulation to
    poll. An identical request on the same FMU returns the stored result at once, with
    `cached: true`.

    Args:
        idempotency_key (str | Unset):
        payment_token (str | Unset):
        body (SimulationCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Simulation
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
        payment_token=payment_token,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SimulationCreate,
    idempotency_key: str | Unset = UNSET,
    payment_token: str | Unset = UNSET,
) -> Response[Problem | Simulation]:
    """Run a simulation

     Checks the request against the model description, then runs it in a fresh sandbox. Waits up to
    `wait_s` seconds (bounded by the server) for the result: 200 with the result inline when it has
    ended (also when the model failed: see `status` and `error`), else 202 with the simulation to
    poll. An identical request on the same FMU returns the stored result at once, with
    `cached: true`.

    Args:
        idempotency_key (str | Unset):
        payment_token (str | Unset):
        body (SimulationCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Simulation]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
        payment_token=payment_token,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: SimulationCreate,
    idempotency_key: str | Unset = UNSET,
    payment_token: str | Unset = UNSET,
) -> Problem | Simulation | None:
    """Run a simulation

     Checks the request against the model description, then runs it in a fresh sandbox. Waits up to
    `wait_s` seconds (bounded by the server) for the result: 200 with the result inline when it has
    ended (also when the model failed: see `status` and `error`), else 202 with the simulation to
    poll. An identical request on the same FMU returns the stored result at once, with
    `cached: true`.

    Args:
        idempotency_key (str | Unset):
        payment_token (str | Unset):
        body (SimulationCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Simulation
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            payment_token=payment_token,
        )
    ).parsed
