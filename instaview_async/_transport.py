"""The innermost step of the chain: one real send through httpx or httpx2, errors made ours."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from ._exceptions import APIConnectionError, APITimeoutError, _request_target
from .middleware.retry import ATTEMPT

if TYPE_CHECKING:
    from ._http import Family, Request, Response

__all__ = ["HTTPXSend"]

logger = logging.getLogger("instaview_async")


class HTTPXSend:
    """Sends one attempt with the family's ``AsyncClient.send`` and logs it at DEBUG.

    httpx's (or httpx2's) exceptions never leave the SDK: timeouts become APITimeoutError and
    every other request failure APIConnectionError, with the original as ``__cause__``. Their
    message names the method, path, host and port (``GET /jobs to api.instaview.sk:443 failed:
    ...``), so a log line says which server could not be reached; the query string is left out.
    """

    __slots__ = ("_client", "_request_error", "_timeout_error")

    def __init__(self, client: Any, family: Family) -> None:
        self._client = client
        self._timeout_error: type[Exception] = family.TimeoutException
        self._request_error: type[Exception] = family.RequestError

    async def __call__(self, request: Request) -> Response:
        """Send the request and return the fully read response."""
        if not logger.isEnabledFor(logging.DEBUG):
            return await self._send(request)
        started = time.perf_counter()
        status: object = "error"
        try:
            response = await self._send(request)
            status = response.status_code
            return response
        finally:
            logger.debug(
                "%s %s -> %s (attempt %s, %.1f ms)",
                request.method,
                request.url.path,
                status,
                request.extensions.get(ATTEMPT, 1),
                (time.perf_counter() - started) * 1000,
            )

    async def _send(self, request: Request) -> Response:
        try:
            response: Response = await self._client.send(request)
            return response
        except self._timeout_error as exc:
            raise APITimeoutError(
                f"{_request_target(request)} timed out ({type(exc).__name__})",
                request=request,
            ) from exc
        except self._request_error as exc:
            raise APIConnectionError(
                f"{_request_target(request)} failed: {_reason(exc)}",
                request=request,
            ) from exc


def _reason(exc: BaseException) -> str:
    """``Type: message`` of the first exception in the chain that says something.

    Under trio a failed TLS handshake is a ConnectError with no text of its own; the
    certificate error that explains it sits further down the chain.
    """
    seen: BaseException | None = exc
    while seen is not None:
        if str(seen):
            return f"{type(exc).__name__}: {seen}"
        seen = seen.__cause__ or seen.__context__
    return type(exc).__name__
