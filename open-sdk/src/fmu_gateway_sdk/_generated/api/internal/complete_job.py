from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.complete_job_body import CompleteJobBody
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    job_id: str,
    *,
    body: CompleteJobBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/internal/v1/jobs/{job_id}/complete".format(
            job_id=quote(str(job_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Problem | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

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
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CompleteJobBody,
) -> Response[Any | Problem]:
    """A runner task reports that its job's sandbox has ended

     Called by the ECS runner task of this job only. The bearer token must be the job token the API
    minted for it (audience fmu-gateway-runner, scope job:<job_id>); API keys, API tokens and tokens
    of other jobs are refused with 401. 404 when no run of this job waits on this replica.

    Args:
        job_id (str):
        body (CompleteJobBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CompleteJobBody,
) -> Any | Problem | None:
    """A runner task reports that its job's sandbox has ended

     Called by the ECS runner task of this job only. The bearer token must be the job token the API
    minted for it (audience fmu-gateway-runner, scope job:<job_id>); API keys, API tokens and tokens
    of other jobs are refused with 401. 404 when no run of this job waits on this replica.

    Args:
        job_id (str):
        body (CompleteJobBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return sync_detailed(
        job_id=job_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CompleteJobBody,
) -> Response[Any | Problem]:
    """A runner task reports that its job's sandbox has ended

     Called by the ECS runner task of this job only. The bearer token must be the job token the API
    minted for it (audience fmu-gateway-runner, scope job:<job_id>); API keys, API tokens and tokens
    of other jobs are refused with 401. 404 when no run of this job waits on this replica.

    Args:
        job_id (str):
        body (CompleteJobBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CompleteJobBody,
) -> Any | Problem | None:
    """A runner task reports that its job's sandbox has ended

     Called by the ECS runner task of this job only. The bearer token must be the job token the API
    minted for it (audience fmu-gateway-runner, scope job:<job_id>); API keys, API tokens and tokens
    of other jobs are refused with 401. 404 when no run of this job waits on this replica.

    Args:
        job_id (str):
        body (CompleteJobBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return (
        await asyncio_detailed(
            job_id=job_id,
            client=client,
            body=body,
        )
    ).parsed
