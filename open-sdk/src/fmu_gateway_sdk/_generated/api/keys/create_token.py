from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.token import Token
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/auth/token",
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Token | None:
    if response.status_code == 200:
        response_200 = Token.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | Token]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[Problem | Token]:
    """Exchange an API key for a short-lived internal token

     The edge verifies the key and returns the EdDSA-signed JWT it minted (at most 5 minutes; identity
    only: account, key id, scopes, audience, jti). Partners may send it as the Bearer instead of the
    key; it stops working within 5 seconds of the key's revocation. Needs a live API key (`403
    key-required` for a token).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Token]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> Problem | Token | None:
    """Exchange an API key for a short-lived internal token

     The edge verifies the key and returns the EdDSA-signed JWT it minted (at most 5 minutes; identity
    only: account, key id, scopes, audience, jti). Partners may send it as the Bearer instead of the
    key; it stops working within 5 seconds of the key's revocation. Needs a live API key (`403
    key-required` for a token).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Token
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[Problem | Token]:
    """Exchange an API key for a short-lived internal token

     The edge verifies the key and returns the EdDSA-signed JWT it minted (at most 5 minutes; identity
    only: account, key id, scopes, audience, jti). Partners may send it as the Bearer instead of the
    key; it stops working within 5 seconds of the key's revocation. Needs a live API key (`403
    key-required` for a token).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Token]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> Problem | Token | None:
    """Exchange an API key for a short-lived internal token

     The edge verifies the key and returns the EdDSA-signed JWT it minted (at most 5 minutes; identity
    only: account, key id, scopes, audience, jti). Partners may send it as the Bearer instead of the
    key; it stops working within 5 seconds of the key's revocation. Needs a live API key (`403
    key-required` for a token).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Token
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
