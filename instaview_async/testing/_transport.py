"""An in-process httpx transport that calls the fake's ASGI app directly."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import httpx

from ._app import ConnectionDropped, FakeApp, Message

__all__ = ["FakeTransport"]


class FakeTransport(httpx.AsyncBaseTransport):
    """Sends each request to the ASGI app in the same process; no socket, no thread.

    Unlike ``httpx.ASGITransport`` it turns a response dropped after commit into
    ``httpx.ReadError``, exactly what a lost response looks like to a client.
    """

    def __init__(self, app: FakeApp) -> None:
        self._app = app

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Run the request through the app and return its complete response."""
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
            raise httpx.ReadError(
                f"server dropped the connection: {exc}", request=request
            ) from None
        start = replies[0]
        content = b"".join(m.get("body", b"") for m in replies[1:])
        return httpx.Response(
            start["status"], headers=start["headers"], content=content, request=request
        )


def _scope(request: httpx.Request) -> dict[str, Any]:
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
