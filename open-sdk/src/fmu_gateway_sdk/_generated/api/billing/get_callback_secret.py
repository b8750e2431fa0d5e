from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.callback_secret import CallbackSecret
from ...models.problem import Problem
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/account/callback-secret",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CallbackSecret | Problem | None:
    if response.status_code == 200:
        response_200 = CallbackSecret.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[CallbackSecret | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[CallbackSecret | Problem]:
    """The account's secret that signs completion callbacks

     Made on first use. Every callback carries `FMU-Gateway-Signature: t=<unix time>,v1=<hex>` where
    v1 is HMAC-SHA256 with this secret over `<t>.<raw body>`; see the README for the recipe.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CallbackSecret | Problem]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> CallbackSecret | Problem | None:
    """The account's secret that signs completion callbacks

     Made on first use. Every callback carries `FMU-Gateway-Signature: t=<unix time>,v1=<hex>` where
    v1 is HMAC-SHA256 with this secret over `<t>.<raw body>`; see the README for the recipe.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CallbackSecret | Problem
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[CallbackSecret | Problem]:
    """The account's secret that signs completion callbacks

     Made on first use. Every callback carries `FMU-Gateway-Signature: t=<unix time>,v1=<hex>` where
    v1 is HMAC-SHA256 with this secret over `<t>.<raw body>`; see the README for the recipe.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CallbackSecret | Problem]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> CallbackSecret | Problem | None:
    """The account's secret that signs completion callbacks

     Made on first use. Every callback carries `FMU-Gateway-Signature: t=<unix time>,v1=<hex>` where
    v1 is HMAC-SHA256 with this secret over `<t>.<raw body>`; see the README for the recipe.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CallbackSecret | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
