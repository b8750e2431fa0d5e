from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.get_simulation_log_format import GetSimulationLogFormat
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    simulation_id: str,
    *,
    format_: GetSimulationLogFormat | Unset = UNSET,
    tail: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_

    params["format"] = json_format_

    params["tail"] = tail

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/simulations/{simulation_id}/log".format(
            simulation_id=quote(str(simulation_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Problem | None:
    if response.status_code == 200:
        response_200 = cast(Any, None)
        return response_200

    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Problem]:
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
    format_: GetSimulationLogFormat | Unset = UNSET,
    tail: int | Unset = UNSET,
) -> Response[Any | Problem]:
    """The run's log (the FMU's logger messages, then the sandbox's stdout and stderr)

     Plain text by default (one message a line; `[category] message` for the FMU's logger callback,
    then what the model wrote to stdout and stderr), JSON when `format=json` is given or the Accept
    header prefers `application/json`. The log is kept per run, capped at 20,000 characters (the
    first and the last messages of a model that talks too much, with the number left out between).
    Give `debug_logging: true` in the request to have the FMU log its debug categories too. A run
    served from the cache, or not yet ended, has an empty log (204 as text).

    Args:
        simulation_id (str):
        format_ (GetSimulationLogFormat | Unset):
        tail (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        simulation_id=simulation_id,
        format_=format_,
        tail=tail,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    simulation_id: str,
    *,
    client: AuthenticatedClient | Client,
    format_: GetSimulationLogFormat | Unset = UNSET,
    tail: int | Unset = UNSET,
) -> Any | Problem | None:
    """The run's log (the FMU's logger messages, then the sandbox's stdout and stderr)

     Plain text by default (one message a line; `[category] message` for the FMU's logger callback,
    then what the model wrote to stdout and stderr), JSON when `format=json` is given or the Accept
    header prefers `application/json`. The log is kept per run, capped at 20,000 characters (the
    first and the last messages of a model that talks too much, with the number left out between).
    Give `debug_logging: true` in the request to have the FMU log its debug categories too. A run
    served from the cache, or not yet ended, has an empty log (204 as text).

    Args:
        simulation_id (str):
        format_ (GetSimulationLogFormat | Unset):
        tail (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return sync_detailed(
        simulation_id=simulation_id,
        client=client,
        format_=format_,
        tail=tail,
    ).parsed


async def asyncio_detailed(
    simulation_id: str,
    *,
    client: AuthenticatedClient | Client,
    format_: GetSimulationLogFormat | Unset = UNSET,
    tail: int | Unset = UNSET,
) -> Response[Any | Problem]:
    """The run's log (the FMU's logger messages, then the sandbox's stdout and stderr)

     Plain text by default (one message a line; `[category] message` for the FMU's logger callback,
    then what the model wrote to stdout and stderr), JSON when `format=json` is given or the Accept
    header prefers `application/json`. The log is kept per run, capped at 20,000 characters (the
    first and the last messages of a model that talks too much, with the number left out between).
    Give `debug_logging: true` in the request to have the FMU log its debug categories too. A run
    served from the cache, or not yet ended, has an empty log (204 as text).

    Args:
        simulation_id (str):
        format_ (GetSimulationLogFormat | Unset):
        tail (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        simulation_id=simulation_id,
        format_=format_,
        tail=tail,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    simulation_id: str,
    *,
    client: AuthenticatedClient | Client,
    format_: GetSimulationLogFormat | Unset = UNSET,
    tail: int | Unset = UNSET,
) -> Any | Problem | None:
    """The run's log (the FMU's logger messages, then the sandbox's stdout and stderr)

     Plain text by default (one message a line; `[category] message` for the FMU's logger callback,
    then what the model wrote to stdout and stderr), JSON when `format=json` is given or the Accept
    header prefers `application/json`. The log is kept per run, capped at 20,000 characters (the
    first and the last messages of a model that talks too much, with the number left out between).
    Give `debug_logging: true` in the request to have the FMU log its debug categories too. A run
    served from the cache, or not yet ended, has an empty log (204 as text).

    Args:
        simulation_id (str):
        format_ (GetSimulationLogFormat | Unset):
        tail (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return (
        await asyncio_detailed(
            simulation_id=simulation_id,
            client=client,
            format_=format_,
            tail=tail,
        )
    ).parsed
