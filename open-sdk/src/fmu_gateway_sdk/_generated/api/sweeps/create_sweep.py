from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.sweep import Sweep
from ...models.sweep_create import SweepCreate
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: SweepCreate,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/sweeps",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Sweep | None:
    if response.status_code == 201:
        response_201 = Sweep.from_dict(response.json())

        return response_201

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | Sweep]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SweepCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | Sweep]:
    """Run a sweep (one simulation per case, in parallel)

     A base simulation request plus cases: an explicit list of start-value sets (`cases`), every
    combination of value lists (`grid`), or Latin-hypercube samples over ranges with a seed (`lhs`).
    Every case is checked against the model and the whole sweep is paid in one transaction before
    anything runs: all cases, or the first `max_cases`; when the balance does not cover them, 402 and
    nothing is charged or stored. Each case is an ordinary queued simulation (with `sweep_id`) that
    the workers run in parallel; a case identical to a stored result is served from it, free.

    Args:
        idempotency_key (str | Unset):
        body (SweepCreate): Exactly one of `cases`, `grid` and `lhs`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Sweep]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: SweepCreate,
    idempotency_key: str | Unset = UNSET,
) -> Problem | Sweep | None:
    """Run a sweep (one simulation per case, in parallel)

     A base simulation request plus cases: an explicit list of start-value sets (`cases`), every
    combination of value lists (`grid`), or Latin-hypercube samples over ranges with a seed (`lhs`).
    Every case is checked against the model and the whole sweep is paid in one transaction before
    anything runs: all cases, or the first `max_cases`; when the balance does not cover them, 402 and
    nothing is charged or stored. Each case is an ordinary queued simulation (with `sweep_id`) that
    the workers run in parallel; a case identical to a stored result is served from it, free.

    Args:
        idempotency_key (str | Unset):
        body (SweepCreate): Exactly one of `cases`, `grid` and `lhs`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Sweep
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SweepCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | Sweep]:
    """Run a sweep (one simulation per case, in parallel)

     A base simulation request plus cases: an explicit list of start-value sets (`cases`), every
    combination of value lists (`grid`), or Latin-hypercube samples over ranges with a seed (`lhs`).
    Every case is checked against the model and the whole sweep is paid in one transaction before
    anything runs: all cases, or the first `max_cases`; when the balance does not cover them, 402 and
    nothing is charged or stored. Each case is an ordinary queued simulation (with `sweep_id`) that
    the workers run in parallel; a case identical to a stored result is served from it, free.

    Args:
        idempotency_key (str | Unset):
        body (SweepCreate): Exactly one of `cases`, `grid` and `lhs`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Sweep]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: SweepCreate,
    idempotency_key: str | Unset = UNSET,
) -> Problem | Sweep | None:
    """Run a sweep (one simulation per case, in parallel)

     A base simulation request plus cases: an explicit list of start-value sets (`cases`), every
    combination of value lists (`grid`), or Latin-hypercube samples over ranges with a seed (`lhs`).
    Every case is checked against the model and the whole sweep is paid in one transaction before
    anything runs: all cases, or the first `max_cases`; when the balance does not cover them, 402 and
    nothing is charged or stored. Each case is an ordinary queued simulation (with `sweep_id`) that
    the workers run in parallel; a case identical to a stored result is served from it, free.

    Args:
        idempotency_key (str | Unset):
        body (SweepCreate): Exactly one of `cases`, `grid` and `lhs`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Sweep
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
