from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.fmu import Fmu
from ...models.problem import Problem
from ...models.upload_fmu_body import UploadFmuBody
from ...types import Response


def _get_kwargs(
    *,
    body: UploadFmuBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/fmus",
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Fmu | Problem | None:
    if response.status_code == 200:
        response_200 = Fmu.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = Fmu.from_dict(response.json())

        return response_201

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Fmu | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: UploadFmuBody,
) -> Response[Fmu | Problem]:
    """Upload an FMU

     The archive is streamed to disk, hashed (its sha256 is its id) and validated before it is kept:
    safe paths, no links, entry-count and size caps, a valid modelDescription.xml (FMI 2 or 3), and
    a Linux x86-64 binary or C sources that compile. An FMU this account already has is answered
    with 200 and its record; new ones with 201.
    Validation has two levels: what makes an FMU unsafe or unrunnable is refused (422 or 413, nothing
    stored, nothing charged); schema quirks that FMPy simulates through are accepted and listed in
    the FMU's `warnings`. A source build that fails says which of the FMU's files failed and why
    (`fmu-build-failed`), or which source list or binary name it expected.

    Args:
        body (UploadFmuBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Fmu | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: UploadFmuBody,
) -> Fmu | Problem | None:
    """Upload an FMU

     The archive is streamed to disk, hashed (its sha256 is its id) and validated before it is kept:
    safe paths, no links, entry-count and size caps, a valid modelDescription.xml (FMI 2 or 3), and
    a Linux x86-64 binary or C sources that compile. An FMU this account already has is answered
    with 200 and its record; new ones with 201.
    Validation has two levels: what makes an FMU unsafe or unrunnable is refused (422 or 413, nothing
    stored, nothing charged); schema quirks that FMPy simulates through are accepted and listed in
    the FMU's `warnings`. A source build that fails says which of the FMU's files failed and why
    (`fmu-build-failed`), or which source list or binary name it expected.

    Args:
        body (UploadFmuBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Fmu | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: UploadFmuBody,
) -> Response[Fmu | Problem]:
    """Upload an FMU

     The archive is streamed to disk, hashed (its sha256 is its id) and validated before it is kept:
    safe paths, no links, entry-count and size caps, a valid modelDescription.xml (FMI 2 or 3), and
    a Linux x86-64 binary or C sources that compile. An FMU this account already has is answered
    with 200 and its record; new ones with 201.
    Validation has two levels: what makes an FMU unsafe or unrunnable is refused (422 or 413, nothing
    stored, nothing charged); schema quirks that FMPy simulates through are accepted and listed in
    the FMU's `warnings`. A source build that fails says which of the FMU's files failed and why
    (`fmu-build-failed`), or which source list or binary name it expected.

    Args:
        body (UploadFmuBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Fmu | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: UploadFmuBody,
) -> Fmu | Problem | None:
    """Upload an FMU

     The archive is streamed to disk, hashed (its sha256 is its id) and validated before it is kept:
    safe paths, no links, entry-count and size caps, a valid modelDescription.xml (FMI 2 or 3), and
    a Linux x86-64 binary or C sources that compile. An FMU this account already has is answered
    with 200 and its record; new ones with 201.
    Validation has two levels: what makes an FMU unsafe or unrunnable is refused (422 or 413, nothing
    stored, nothing charged); schema quirks that FMPy simulates through are accepted and listed in
    the FMU's `warnings`. A source build that fails says which of the FMU's files failed and why
    (`fmu-build-failed`), or which source list or binary name it expected.

    Args:
        body (UploadFmuBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Fmu | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
