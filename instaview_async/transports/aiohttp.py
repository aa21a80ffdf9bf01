"""An httpx (or httpx2) transport sending through aiohttp: the same client API, a faster pool.

Why: httpx's connection pool loses most of its throughput when many tasks share it (measured in
``benchmarks/``: raw aiohttp ran 10-16x faster than raw httpx with 64 tasks over loopback). This
transport keeps everything above the wire in httpx and the SDK (request building, cookies,
content decoding, the middleware chain) and lets aiohttp own the sockets::

    from instaview_async.transports.aiohttp import AiohttpTransport

    async with AsyncClient(transport=AiohttpTransport()) as client:
        ...

It needs the ``aiohttp`` extra (``pip install instaview-async[aiohttp]``) and asyncio: aiohttp
does not run on trio. Bodies are read whole before the response is returned, which is what the
SDK does anyway; for streaming very large downloads, keep httpx's default transport. It serves
httpx2 clients too (``AsyncClient(transport=AiohttpTransport(), http_backend="httpx2")``): each
response and error is built in the family of the request it answers.
"""

from __future__ import annotations

import asyncio
import ssl as _ssl
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, overload

import aiohttp
import httpx
from yarl import URL

from .._http import Family, family_of

if TYPE_CHECKING:
    import httpx2

    from .._http import Request, Response

__all__ = ["AiohttpTransport"]

_HTTP_11 = b"HTTP/1.1"
_TimeoutKey = tuple[float | None, float | None, float | None]
# Headers aiohttp must not add on its own: httpx already chose them (or chose to leave them out).
_SKIP_AUTO_HEADERS = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Sends httpx requests with an ``aiohttp.ClientSession``; asyncio only.

    ``max_connections`` bounds the pool (like ``httpx.Limits``); ``keepalive_expiry`` is how long
    an idle connection is kept; ``verify`` is ``True``, ``False`` or an ``ssl.SSLContext``. Pass
    ``session`` to use your own ``aiohttp.ClientSession`` instead (it is then left open by
    ``aclose``; create it with ``auto_decompress=False``, since httpx decodes the body itself).
    The session is created on first use, inside the running event loop, and belongs to that loop.
    aiohttp's errors become the matching httpx (or httpx2) exceptions: callers see no aiohttp
    types.
    httpx's connect, read and pool timeouts apply; its write timeout has no aiohttp counterpart.
    """

    instaview_any_family: ClassVar[bool] = True  # see instaview_async._http.ANY_FAMILY

    def __init__(
        self,
        *,
        max_connections: int = 100,
        keepalive_expiry: float = 5.0,
        verify: bool | _ssl.SSLContext = True,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self._max_connections = max_connections
        self._keepalive_expiry = keepalive_expiry
        self._verify = verify
        self._session = session
        self._owns_session = session is None
        self._timeouts: dict[_TimeoutKey, aiohttp.ClientTimeout] = {}
        self._closed = False

    def _get_session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise RuntimeError("this AiohttpTransport is closed")
        if self._session is None:
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                raise RuntimeError(
                    "AiohttpTransport needs a running asyncio event loop (aiohttp does not run "
                    "on trio); use httpx's default transport there"
                ) from None
            connector = aiohttp.TCPConnector(
                limit=self._max_connections,
                limit_per_host=0,
                keepalive_timeout=self._keepalive_expiry,
                ssl=self._verify,
            )
            # httpx owns cookies and content decoding; aiohttp must do neither a second time.
            self._session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
                skip_auto_headers=_SKIP_AUTO_HEADERS,
                timeout=aiohttp.ClientTimeout(total=None),
            )
        return self._session

    def _timeout(self, extensions: Mapping[str, Any]) -> aiohttp.ClientTimeout:
        # One ClientTimeout per distinct httpx timeout, built once: most clients use one value.
        spec = extensions.get("timeout") or {}
        key = (spec.get("connect"), spec.get("read"), spec.get("pool"))
        timeout = self._timeouts.get(key)
        if timeout is None:
            connect, read, pool = key
            pool_and_connect = None if pool is None or connect is None else pool + connect
            timeout = aiohttp.ClientTimeout(
                total=None, connect=pool_and_connect, sock_connect=connect, sock_read=read
            )
            self._timeouts[key] = timeout
        return timeout

    @overload
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response: ...

    @overload
    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response: ...

    async def handle_async_request(self, request: Request) -> Response:
        """Send ``request`` through aiohttp and return the whole (still encoded) response."""
        family = family_of(request)
        assert family is not None, "not an httpx or httpx2 request"
        session = self._get_session()
        body = await request.aread()
        headers = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in request.headers.raw
            # The body is sent whole: aiohttp frames it with a Content-Length of its own.
            if name.lower() != b"transfer-encoding"
        ]
        try:
            async with session.request(
                request.method,
                URL(str(request.url), encoded=True),
                headers=headers,
                data=body or None,
                allow_redirects=False,
                timeout=self._timeout(request.extensions),
            ) as response:
                content = await response.read()
        except (asyncio.TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise _timeout_error(family, exc, request) from exc
        except aiohttp.ClientError as exc:
            raise _transport_error(family, exc, request) from exc
        version = response.version
        reply: Response = family.Response(
            response.status,
            headers=list(response.raw_headers),
            content=content,
            request=request,
            extensions={
                "http_version": _HTTP_11
                if version is None
                else f"HTTP/{version.major}.{version.minor}".encode(),
                "reason_phrase": (response.reason or "").encode("ascii", "replace"),
            },
        )
        return reply

    async def aclose(self) -> None:
        """Close the session this transport created (a session passed in is left open)."""
        self._closed = True
        session, self._session = self._session, None
        if session is not None and self._owns_session:
            await session.close()


def _timeout_error(family: Family, exc: BaseException, request: Request) -> Exception:
    """The family's TimeoutException subclass matching an aiohttp timeout."""
    message = str(exc) or type(exc).__name__
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        cls = family.ConnectTimeout
    elif isinstance(exc, aiohttp.SocketTimeoutError):
        cls = family.ReadTimeout
    else:
        cls = family.TimeoutException
    error: Exception = cls(message, request=request)
    return error


def _transport_error(family: Family, exc: aiohttp.ClientError, request: Request) -> Exception:
    """The family's TransportError subclass matching an aiohttp client error."""
    message = str(exc) or type(exc).__name__
    if isinstance(exc, aiohttp.ClientConnectorError):
        cls = family.ConnectError
    elif isinstance(exc, (aiohttp.ClientPayloadError, aiohttp.ClientResponseError)):
        cls = family.RemoteProtocolError
    elif isinstance(exc, aiohttp.ClientConnectionError):
        cls = family.ReadError
    elif isinstance(exc, aiohttp.InvalidURL):
        cls = family.UnsupportedProtocol
    else:
        cls = family.NetworkError
    error: Exception = cls(message, request=request)
    return error
