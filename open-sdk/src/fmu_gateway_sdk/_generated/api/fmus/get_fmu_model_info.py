from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.model_info import ModelInfo
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    fmu_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/fmus/{fmu_id}/model".format(
            fmu_id=quote(str(fmu_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ModelInfo | Problem | None:
    if response.status_code == 200:
        response_200 = ModelInfo.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ModelInfo | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    fmu_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ModelInfo | Problem]:
    """Model information from the model description

    Args:
        fmu_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ModelInfo | Problem]
    """

    kwargs = _get_kwargs(
        fmu_id=fmu_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    fmu_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> ModelInfo | Problem | None:
    """Model information from the model description

    Args:
        fmu_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ModelInfo | Problem
    """

    return sync_detailed(
        fmu_id=fmu_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    fmu_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ModelInfo | Problem]:
    """Model information from the model description

    Args:
        fmu_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ModelInfo | Problem]
    """

    kwargs = _get_kwargs(
        fmu_id=fmu_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    fmu_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> ModelInfo | Problem | None:
    """Model information from the model description

    Args:
        fmu_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ModelInfo | Problem
    """

    return (
        await asyncio_detailed(
            fmu_id=fmu_id,
            client=client,
        )
    ).parsed
