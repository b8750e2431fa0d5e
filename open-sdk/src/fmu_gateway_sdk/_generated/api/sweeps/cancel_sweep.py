from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.sweep import Sweep
from ...types import Response


def _get_kwargs(
    sweep_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/sweeps/{sweep_id}".format(
            sweep_id=quote(str(sweep_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Sweep | None:
    if response.status_code == 202:
        response_202 = Sweep.from_dict(response.json())

        return response_202

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

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
    sweep_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Problem | Sweep]:
    """Cancel a sweep

     Every case still queued is cancelled and refunded at once, and so is every case a worker has claimed
    in a batch but not begun (its status turns `cancelled` when the worker stops the batch there); cases
    already running finish (they are paid for, and their results stay in the table).

    Args:
        sweep_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Sweep]
    """

    kwargs = _get_kwargs(
        sweep_id=sweep_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    sweep_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Problem | Sweep | None:
    """Cancel a sweep

     Every case still queued is cancelled and refunded at once, and so is every case a worker has claimed
    in a batch but not begun (its status turns `cancelled` when the worker stops the batch there); cases
    already running finish (they are paid for, and their results stay in the table).

    Args:
        sweep_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Sweep
    """

    return sync_detailed(
        sweep_id=sweep_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    sweep_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Problem | Sweep]:
    """Cancel a sweep

     Every case still queued is cancelled and refunded at once, and so is every case a worker has claimed
    in a batch but not begun (its status turns `cancelled` when the worker stops the batch there); cases
    already running finish (they are paid for, and their results stay in the table).

    Args:
        sweep_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Sweep]
    """

    kwargs = _get_kwargs(
        sweep_id=sweep_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    sweep_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Problem | Sweep | None:
    """Cancel a sweep

     Every case still queued is cancelled and refunded at once, and so is every case a worker has claimed
    in a batch but not begun (its status turns `cancelled` when the worker stops the batch there); cases
    already running finish (they are paid for, and their results stay in the table).

    Args:
        sweep_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Sweep
    """

    return (
        await asyncio_detailed(
            sweep_id=sweep_id,
            client=client,
        )
    ).parsed
