"""Serving the fake on a real socket (127.0.0.1 by default) with uvicorn (the ``server`` extra).

uvicorn runs in a daemon thread with its own asyncio loop, so ``serve`` works the same from
asyncio and trio tests. The socket is bound here, before the thread starts (port 0 picks a free
port), so the URL is known at once. A response dropped after commit aborts the TCP connection
without a byte of response, which is what a client sees when a server dies mid-request.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio

from ._app import ConnectionDropped, FakeApp, Receive, Scope, Send

__all__ = ["serve"]

HOST = "127.0.0.1"
_START_TIMEOUT = 10.0
_STOP_TIMEOUT = 5.0


def _uvicorn() -> Any:
    try:
        import uvicorn
    except ImportError:
        raise RuntimeError(
            "FakeInstaView.serve() needs uvicorn: pip install 'instaview-async[server]'"
        ) from None
    return uvicorn


class _DroppingApp:
    """Wraps the app: a ConnectionDropped aborts the connection instead of becoming a 500."""

    def __init__(self, app: FakeApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self._app(scope, receive, send)
        except ConnectionDropped:
            await _abort(receive, send)


async def _abort(receive: Receive, send: Send) -> None:
    # uvicorn's h11 protocol passes a bound method of its request cycle as ``send``; aborting
    # its transport closes the socket with no response, and uvicorn then sees a disconnect.
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is not None and hasattr(transport, "abort"):
        transport.abort()
        await receive()  # returns http.disconnect once uvicorn has noticed
        return
    # Elsewhere: promise a body that never comes, then fail, so the server closes the socket.
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1")]}
    )
    raise ConnectionDropped("response dropped")


def _bind(host: str, port: int) -> socket.socket:
    # proto=IPPROTO_TCP lets asyncio set TCP_NODELAY on accepted connections (it skips proto 0),
    # without which headers and body go out in two segments and wait on delayed ACKs (~40 ms).
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


@asynccontextmanager
async def serve(app: FakeApp, port: int = 0, *, host: str = HOST) -> AsyncIterator[str]:
    """Run ``app`` on ``host:port`` and yield its base URL; stop it on exit (bounded)."""
    uvicorn = _uvicorn()
    sock = _bind(host, port)
    config = uvicorn.Config(
        _DroppingApp(app),
        lifespan="off",
        http="h11",
        loop="asyncio",
        log_config=None,
        access_log=False,
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=lambda: asyncio.run(server.serve(sockets=[sock])),
        name=f"instaview-fake:{sock.getsockname()[1]}",
        daemon=True,
    )
    thread.start()
    try:
        with anyio.fail_after(_START_TIMEOUT):
            while not server.started:
                if not thread.is_alive():
                    raise RuntimeError("the fake InstaView server failed to start")
                await anyio.sleep(0.005)
        shown = f"[{host}]" if ":" in host else host
        yield f"http://{shown}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(thread.join, _STOP_TIMEOUT)
            if thread.is_alive():
                server.force_exit = True
                await anyio.to_thread.run_sync(thread.join, _STOP_TIMEOUT)
        sock.close()
