from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.get_sweep_results_format import GetSweepResultsFormat
from ...models.problem import Problem
from ...models.sweep_table import SweepTable
from ...types import UNSET, Response, Unset


def _get_kwargs(
    sweep_id: str,
    *,
    format_: GetSweepResultsFormat | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_

    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/sweeps/{sweep_id}/results".format(
            sweep_id=quote(str(sweep_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | SweepTable | None:
    if response.status_code == 200:
        response_200 = SweepTable.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 406:
        response_406 = Problem.from_dict(response.json())

        return response_406

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
) -> Response[Problem | SweepTable]:
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
    format_: GetSweepResultsFormat | Unset = UNSET,
) -> Response[Problem | SweepTable]:
    """The sweep's table, one row per case

     One row per case, in case order: its start values, status, KPIs, error and simulation id (whose
    full result is `getSimulationResult`). Cases not yet ended are rows too (status queued or
    running). JSON by default; CSV when the Accept header prefers `text/csv` or `format=csv` is
    given (columns `case`, `simulation_id`, `status`, `cached`, one per start value, one per KPI,
    `error`).

    Args:
        sweep_id (str):
        format_ (GetSweepResultsFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SweepTable]
    """

    kwargs = _get_kwargs(
        sweep_id=sweep_id,
        format_=format_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    sweep_id: str,
    *,
    client: AuthenticatedClient | Client,
    format_: GetSweepResultsFormat | Unset = UNSET,
) -> Problem | SweepTable | None:
    """The sweep's table, one row per case

     One row per case, in case order: its start values, status, KPIs, error and simulation id (whose
    full result is `getSimulationResult`). Cases not yet ended are rows too (status queued or
    running). JSON by default; CSV when the Accept header prefers `text/csv` or `format=csv` is
    given (columns `case`, `simulation_id`, `status`, `cached`, one per start value, one per KPI,
    `error`).

    Args:
        sweep_id (str):
        format_ (GetSweepResultsFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SweepTable
    """

    return sync_detailed(
        sweep_id=sweep_id,
        client=client,
        format_=format_,
    ).parsed


async def asyncio_detailed(
    sweep_id: str,
    *,
    client: AuthenticatedClient | Client,
    format_: GetSweepResultsFormat | Unset = UNSET,
) -> Response[Problem | SweepTable]:
    """The sweep's table, one row per case

     One row per case, in case order: its start values, status, KPIs, error and simulation id (whose
    full result is `getSimulationResult`). Cases not yet ended are rows too (status queued or
    running). JSON by default; CSV when the Accept header prefers `text/csv` or `format=csv` is
    given (columns `case`, `simulation_id`, `status`, `cached`, one per start value, one per KPI,
    `error`).

    Args:
        sweep_id (str):
        format_ (GetSweepResultsFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SweepTable]
    """

    kwargs = _get_kwargs(
        sweep_id=sweep_id,
        format_=format_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    sweep_id: str,
    *,
    client: AuthenticatedClient | Client,
    format_: GetSweepResultsFormat | Unset = UNSET,
) -> Problem | SweepTable | None:
    """The sweep's table, one row per case

     One row per case, in case order: its start values, status, KPIs, error and simulation id (whose
    full result is `getSimulationResult`). Cases not yet ended are rows too (status queued or
    running). JSON by default; CSV when the Accept header prefers `text/csv` or `format=csv` is
    given (columns `case`, `simulation_id`, `status`, `cached`, one per start value, one per KPI,
    `error`).

    Args:
        sweep_id (str):
        format_ (GetSweepResultsFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SweepTable
    """

    return (
        await asyncio_detailed(
            sweep_id=sweep_id,
            client=client,
            format_=format_,
        )
    ).parsed
