from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.variable_list import VariableList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    fmu_id: str,
    *,
    causality: str | Unset = UNSET,
    limit: int | Unset = 1000,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["causality"] = causality

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/fmus/{fmu_id}/variables".format(
            fmu_id=quote(str(fmu_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | VariableList | None:
    if response.status_code == 200:
        response_200 = VariableList.from_dict(response.json())

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
) -> Response[Problem | VariableList]:
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
    causality: str | Unset = UNSET,
    limit: int | Unset = 1000,
    cursor: str | Unset = UNSET,
) -> Response[Problem | VariableList]:
    """The model's variables

    Args:
        fmu_id (str):
        causality (str | Unset):
        limit (int | Unset):  Default: 1000.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | VariableList]
    """

    kwargs = _get_kwargs(
        fmu_id=fmu_id,
        causality=causality,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    fmu_id: str,
    *,
    client: AuthenticatedClient | Client,
    causality: str | Unset = UNSET,
    limit: int | Unset = 1000,
    cursor: str | Unset = UNSET,
) -> Problem | VariableList | None:
    """The model's variables

    Args:
        fmu_id (str):
        causality (str | Unset):
        limit (int | Unset):  Default: 1000.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | VariableList
    """

    return sync_detailed(
        fmu_id=fmu_id,
        client=client,
        causality=causality,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    fmu_id: str,
    *,
    client: AuthenticatedClient | Client,
    causality: str | Unset = UNSET,
    limit: int | Unset = 1000,
    cursor: str | Unset = UNSET,
) -> Response[Problem | VariableList]:
    """The model's variables

    Args:
        fmu_id (str):
        causality (str | Unset):
        limit (int | Unset):  Default: 1000.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | VariableList]
    """

    kwargs = _get_kwargs(
        fmu_id=fmu_id,
        causality=causality,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    fmu_id: str,
    *,
    client: AuthenticatedClient | Client,
    causality: str | Unset = UNSET,
    limit: int | Unset = 1000,
    cursor: str | Unset = UNSET,
) -> Problem | VariableList | None:
    """The model's variables

    Args:
        fmu_id (str):
        causality (str | Unset):
        limit (int | Unset):  Default: 1000.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | VariableList
    """

    return (
        await asyncio_detailed(
            fmu_id=fmu_id,
            client=client,
            causality=causality,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
