"""A minimal keep-alive HTTP/1.1 server on 127.0.0.1 that answers every request with one job.

It is as cheap as an asyncio server can be (a Protocol, no parsing beyond finding the end of each
request head), so that the benchmark measures the clients, not the server. Run it in its own
process: ``python -m benchmarks._server`` prints the port it listens on, then serves until killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys

from ._payloads import job_envelope_bytes

_BODY = job_envelope_bytes()
_RESPONSE = (
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: application/json\r\n"
    b"Content-Length: " + str(len(_BODY)).encode() + b"\r\n"
    b"Connection: keep-alive\r\n"
    b"\r\n" + _BODY
)


class _Protocol(asyncio.Protocol):
    """Answers each complete request head; bodies are not expected (the benchmark sends GETs)."""

    def __init__(self) -> None:
        self._buffer = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        count = self._buffer.count(b"\r\n\r\n")
        if count:
            self._buffer = self._buffer[self._buffer.rfind(b"\r\n\r\n") + 4 :]
            assert self._transport is not None
            self._transport.write(_RESPONSE * count)


async def _serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Protocol, "127.0.0.1", port, backlog=1024)
    sockets = server.sockets
    print(sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    """Serve on the port given as the first argument (0: any free port, printed on stdout)."""
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(port))


if __name__ == "__main__":
    main()
