"""An in-process transport that calls the fake's ASGI app directly, for httpx and httpx2."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, overload
from urllib.parse import unquote

import httpx

from .._http import family_of
from ._app import ConnectionDropped, FakeApp, Message

if TYPE_CHECKING:
    import httpx2

    from .._http import Request, Response

__all__ = ["FakeTransport"]


class FakeTransport(httpx.AsyncBaseTransport):
    """Sends each request to the ASGI app in the same process; no socket, no thread.

    Unlike ``httpx.ASGITransport`` it turns a response dropped after commit into a
    ``ReadError``, exactly what a lost response looks like to a client. It answers each
    request in that request's family, so an httpx2 client can use it as well as an httpx one
    (``AsyncClient(transport=..., http_backend="httpx2")``).
    """

    instaview_any_family: ClassVar[bool] = True  # see instaview_async._http.ANY_FAMILY

    def __init__(self, app: FakeApp) -> None:
        self._app = app

    @overload
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response: ...

    @overload
    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response: ...

    async def handle_async_request(self, request: Request) -> Response:
        """Run the request through the app and return its complete response."""
        family = family_of(request)
        assert family is not None, "not an httpx or httpx2 request"
        body = await request.aread()
        replies: list[Message] = []
        delivered = False

        async def receive() -> Message:
            nonlocal delivered
            if delivered:
                return {"type": "http.disconnect"}
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: Message) -> None:
            replies.append(message)

        try:
            await self._app(_scope(request), receive, send)
        except ConnectionDropped as exc:
            raise family.ReadError(
                f"server dropped the connection: {exc}", request=request
            ) from None
        start = replies[0]
        content = b"".join(m.get("body", b"") for m in replies[1:])
        response: Response = family.Response(
            start["status"], headers=start["headers"], content=content, request=request
        )
        return response


def _scope(request: Request) -> dict[str, Any]:
    url = request.url
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": url.scheme,
        "path": unquote(url.path),
        "raw_path": url.raw_path.split(b"?")[0],
        "query_string": url.query,
        "root_path": "",
        "headers": list(request.headers.raw),
        "server": (url.host, url.port or 80),
        "client": ("127.0.0.1", 0),
    }
