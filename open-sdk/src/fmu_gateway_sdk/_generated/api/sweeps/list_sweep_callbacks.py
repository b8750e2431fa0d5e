from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.callback_delivery_list import CallbackDeliveryList
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    sweep_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/sweeps/{sweep_id}/callbacks".format(
            sweep_id=quote(str(sweep_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CallbackDeliveryList | Problem | None:
    if response.status_code == 200:
        response_200 = CallbackDeliveryList.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[CallbackDeliveryList | Problem]:
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
) -> Response[CallbackDeliveryList | Problem]:
    """The completion callback of a sweep and its delivery attempts

    Args:
        sweep_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CallbackDeliveryList | Problem]
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
) -> CallbackDeliveryList | Problem | None:
    """The completion callback of a sweep and its delivery attempts

    Args:
        sweep_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CallbackDeliveryList | Problem
    """

    return sync_detailed(
        sweep_id=sweep_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    sweep_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[CallbackDeliveryList | Problem]:
    """The completion callback of a sweep and its delivery attempts

    Args:
        sweep_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CallbackDeliveryList | Problem]
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
) -> CallbackDeliveryList | Problem | None:
    """The completion callback of a sweep and its delivery attempts

    Args:
        sweep_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CallbackDeliveryList | Problem
    """

    return (
        await asyncio_detailed(
            sweep_id=sweep_id,
            client=client,
        )
    ).parsed
