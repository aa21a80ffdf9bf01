"""The innermost step of the chain: one real send through httpx, its errors made SDK errors."""

from __future__ import annotations

import logging
import time

import httpx

from ._exceptions import APIConnectionError, APITimeoutError, _request_target
from .middleware.retry import ATTEMPT

__all__ = ["HTTPXSend"]

logger = logging.getLogger("instaview_async")


class HTTPXSend:
    """Sends one attempt with ``httpx.AsyncClient.send`` and logs it at DEBUG.

    httpx's exceptions never leave the SDK: timeouts become APITimeoutError and every other
    request failure APIConnectionError, with the httpx exception as ``__cause__``. Their message
    names the method, path, host and port (``GET /jobs to api.instaview.sk:443 failed: ...``),
    so a log line says which server could not be reached; the query string is left out.
    """

    __slots__ = ("_client",)

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def __call__(self, request: httpx.Request) -> httpx.Response:
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

    async def _send(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._client.send(request)
        except httpx.TimeoutException as exc:
            raise APITimeoutError(
                f"{_request_target(request)} timed out ({type(exc).__name__})",
                request=request,
            ) from exc
        except httpx.RequestError as exc:
            raise APIConnectionError(
                f"{_request_target(request)} failed: {_reason(exc)}",
                request=request,
            ) from exc


def _reason(exc: BaseException) -> str:
    """``Type: message`` of the first exception in the chain that says something.

    Under trio a failed TLS handshake is an httpx.ConnectError with no text of its own; the
    certificate error that explains it sits further down the chain.
    """
    seen: BaseException | None = exc
    while seen is not None:
        if str(seen):
            return f"{type(exc).__name__}: {seen}"
        seen = seen.__cause__ or seen.__context__
    return type(exc).__name__
