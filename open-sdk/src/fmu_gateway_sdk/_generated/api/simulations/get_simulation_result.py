from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.get_simulation_result_format import GetSimulationResultFormat
from ...models.problem import Problem
from ...models.result import Result
from ...types import UNSET, Response, Unset


def _get_kwargs(
    simulation_id: str,
    *,
    format_: GetSimulationResultFormat | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_

    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/simulations/{simulation_id}/result".format(
            simulation_id=quote(str(simulation_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Result | None:
    if response.status_code == 200:
        response_200 = Result.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | Result]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    simulation_id: str,
    *,
    client: AuthenticatedClient | Client,
    format_: GetSimulationResultFormat | Unset = UNSET,
) -> Response[Problem | Result]:
    """The result as JSON columns, CSV, Apache Arrow or Parquet

     A result is stored once as an Apache Arrow table and rendered as asked: JSON by default; CSV, an
    Arrow IPC stream (`application/vnd.apache.arrow.stream`) or Parquet
    (`application/vnd.apache.parquet`,
    zstd) when the Accept header prefers one, or by `format`. Arrow and Parquet keep the FMI types, NaN
    and the infinities as they are: one field per column, time first, with field metadata `fmi_type`,
    `unit` and, for an FMI 3 array (a fixed-size list of its elements, row-major), `dimensions`
    (`"3"`, `"3,3"`); String is utf8, Binary is binary. JSON and CSV are as `ResultData` says.
    The Arrow stream's buffers are uncompressed unless the client names the IPC buffer codecs it reads
    with a `codecs` parameter on the Arrow media type, as the Apache Arrow project suggests for HTTP:
    `Accept: application/vnd.apache.arrow.stream; codecs="zstd, lz4"` (also with `format=arrow`). A
    list with `zstd` gets the stored stream as it is, its buffers zstd-compressed (smaller, and sent
    without re-encoding; pyarrow and most Arrow libraries read it as it is, Arrow JS needs a zstd codec
    registered); any other list gets uncompressed buffers, which a client must always accept.

    Args:
        simulation_id (str):
        format_ (GetSimulationResultFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Result]
    """

    kwargs = _get_kwargs(
        simulation_id=simulation_id,
        format_=format_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    simulation_id: str,
    *,
    client: AuthenticatedClient | Client,
    format_: GetSimulationResultFormat | Unset = UNSET,
) -> Problem | Result | None:
    """The result as JSON columns, CSV, Apache Arrow or Parquet

     A result is stored once as an Apache Arrow table and rendered as asked: JSON by default; CSV, an
    Arrow IPC stream (`application/vnd.apache.arrow.stream`) or Parquet
    (`application/vnd.apache.parquet`,
    zstd) when the Accept header prefers one, or by `format`. Arrow and Parquet keep the FMI types, NaN
    and the infinities as they are: one field per column, time first, with field metadata `fmi_type`,
    `unit` and, for an FMI 3 array (a fixed-size list of its elements, row-major), `dimensions`
    (`"3"`, `"3,3"`); String is utf8, Binary is binary. JSON and CSV are as `ResultData` says.
    The Arrow stream's buffers are uncompressed unless the client names the IPC buffer codecs it reads
    with a `codecs` parameter on the Arrow media type, as the Apache Arrow project suggests for HTTP:
    `Accept: application/vnd.apache.arrow.stream; codecs="zstd, lz4"` (also with `format=arrow`). A
    list with `zstd` gets the stored stream as it is, its buffers zstd-compressed (smaller, and sent
    without re-encoding; pyarrow and most Arrow libraries read it as it is, Arrow JS needs a zstd codec
    registered); any other list gets uncompressed buffers, which a client must always accept.

    Args:
        simulation_id (str):
        format_ (GetSimulationResultFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Result
    """

    return sync_detailed(
        simulation_id=simulation_id,
        client=client,
        format_=format_,
    ).parsed


async def asyncio_detailed(
    simulation_id: str,
    *,
    client: AuthenticatedClient | Client,
    format_: GetSimulationResultFormat | Unset = UNSET,
) -> Response[Problem | Result]:
    """The result as JSON columns, CSV, Apache Arrow or Parquet

     A result is stored once as an Apache Arrow table and rendered as asked: JSON by default; CSV, an
    Arrow IPC stream (`application/vnd.apache.arrow.stream`) or Parquet
    (`application/vnd.apache.parquet`,
    zstd) when the Accept header prefers one, or by `format`. Arrow and Parquet keep the FMI types, NaN
    and the infinities as they are: one field per column, time first, with field metadata `fmi_type`,
    `unit` and, for an FMI 3 array (a fixed-size list of its elements, row-major), `dimensions`
    (`"3"`, `"3,3"`); String is utf8, Binary is binary. JSON and CSV are as `ResultData` says.
    The Arrow stream's buffers are uncompressed unless the client names the IPC buffer codecs it reads
    with a `codecs` parameter on the Arrow media type, as the Apache Arrow project suggests for HTTP:
    `Accept: application/vnd.apache.arrow.stream; codecs="zstd, lz4"` (also with `format=arrow`). A
    list with `zstd` gets the stored stream as it is, its buffers zstd-compressed (smaller, and sent
    without re-encoding; pyarrow and most Arrow libraries read it as it is, Arrow JS needs a zstd codec
    registered); any other list gets uncompressed buffers, which a client must always accept.

    Args:
        simulation_id (str):
        format_ (GetSimulationResultFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Result]
    """

    kwargs = _get_kwargs(
        simulation_id=simulation_id,
        format_=format_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    simulation_id: str,
    *,
    client: AuthenticatedClient | Client,
    format_: GetSimulationResultFormat | Unset = UNSET,
) -> Problem | Result | None:
    """The result as JSON columns, CSV, Apache Arrow or Parquet

     A result is stored once as an Apache Arrow table and rendered as asked: JSON by default; CSV, an
    Arrow IPC stream (`application/vnd.apache.arrow.stream`) or Parquet
    (`application/vnd.apache.parquet`,
    zstd) when the Accept header prefers one, or by `format`. Arrow and Parquet keep the FMI types, NaN
    and the infinities as they are: one field per column, time first, with field metadata `fmi_type`,
    `unit` and, for an FMI 3 array (a fixed-size list of its elements, row-major), `dimensions`
    (`"3"`, `"3,3"`); String is utf8, Binary is binary. JSON and CSV are as `ResultData` says.
    The Arrow stream's buffers are uncompressed unless the client names the IPC buffer codecs it reads
    with a `codecs` parameter on the Arrow media type, as the Apache Arrow project suggests for HTTP:
    `Accept: application/vnd.apache.arrow.stream; codecs="zstd, lz4"` (also with `format=arrow`). A
    list with `zstd` gets the stored stream as it is, its buffers zstd-compressed (smaller, and sent
    without re-encoding; pyarrow and most Arrow libraries read it as it is, Arrow JS needs a zstd codec
    registered); any other list gets uncompressed buffers, which a client must always accept.

    Args:
        simulation_id (str):
        format_ (GetSimulationResultFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Result
    """

    return (
        await asyncio_detailed(
            simulation_id=simulation_id,
            client=client,
            format_=format_,
        )
    ).parsed
