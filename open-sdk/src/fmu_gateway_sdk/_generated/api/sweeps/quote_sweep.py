from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.sweep_create import SweepCreate
from ...models.sweep_quote import SweepQuote
from ...types import Response


def _get_kwargs(
    *,
    body: SweepCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/sweeps/quote",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | SweepQuote | None:
    if response.status_code == 200:
        response_200 = SweepQuote.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[Problem | SweepQuote]:
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
) -> Response[Problem | SweepQuote]:
    """What a sweep would cost, before anything runs

     Expands the cases and checks each one against the model as `createSweep` would, without running
    or charging anything. `affordable_cases` is how many of the cases (in order) the balance pays for:
    give it as `max_cases` to run exactly those.

    Args:
        body (SweepCreate): Exactly one of `cases`, `grid` and `lhs`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SweepQuote]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: SweepCreate,
) -> Problem | SweepQuote | None:
    """What a sweep would cost, before anything runs

     Expands the cases and checks each one against the model as `createSweep` would, without running
    or charging anything. `affordable_cases` is how many of the cases (in order) the balance pays for:
    give it as `max_cases` to run exactly those.

    Args:
        body (SweepCreate): Exactly one of `cases`, `grid` and `lhs`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SweepQuote
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SweepCreate,
) -> Response[Problem | SweepQuote]:
    """What a sweep would cost, before anything runs

     Expands the cases and checks each one against the model as `createSweep` would, without running
    or charging anything. `affordable_cases` is how many of the cases (in order) the balance pays for:
    give it as `max_cases` to run exactly those.

    Args:
        body (SweepCreate): Exactly one of `cases`, `grid` and `lhs`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SweepQuote]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: SweepCreate,
) -> Problem | SweepQuote | None:
    """What a sweep would cost, before anything runs

     Expands the cases and checks each one against the model as `createSweep` would, without running
    or charging anything. `affordable_cases` is how many of the cases (in order) the balance pays for:
    give it as `max_cases` to run exactly those.

    Args:
        body (SweepCreate): Exactly one of `cases`, `grid` and `lhs`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SweepQuote
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
