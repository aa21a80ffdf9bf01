"""A small HTTP/1.1 server on 127.0.0.1 that misbehaves on purpose, one way per path.

The fake API answers like the real one; this server does what a broken network, a crashed
backend or a misconfigured gateway does instead: it resets connections in the middle of a
response, never answers, trickles bytes, sends truncated JSON, HTML, a huge body, a wrong content
type, or a redirect to another host. The behaviour is chosen by the last path segment, so
``client.jobs.get("reset")`` asks for ``GET /jobs/reset`` and gets a reset.

It runs its own asyncio loop in a daemon thread, so tests on asyncio and on trio use it the same
way, and every request it received (method, path, headers) is recorded for assertions. Stopping
it cancels the handlers still running (e.g. the one that never answers), bounded in time.
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import struct
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import attrs

HOST = "127.0.0.1"
_STOP_TIMEOUT = 5.0

JOB = {
    "id": "550e8400-e29b-41d4-a716-446655440000",
    "title": "Senior Engineer",
    "status": "OPEN",
    "createdAt": "2024-01-15T10:30:00Z",
}
HTML_PAGE = (
    b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
    b"</h1></center><hr><center>nginx</center></body></html>"
)
HUGE_SIZE = 8 * 1024 * 1024


def envelope_bytes(data: Any = JOB) -> bytes:
    """A valid success envelope around ``data``."""
    body = {"success": True, "data": data, "error": None, "timestamp": "2024-01-15T10:30:00Z"}
    return json.dumps(body).encode()


@attrs.frozen
class Received:
    """One request as the server read it; header names lower-case."""

    method: str
    path: str
    headers: dict[str, str]


Writer = asyncio.StreamWriter
Behaviour = Callable[["MisbehavingServer", Writer], Awaitable[None]]


def _head(status: int, reason: str, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _reply(
    writer: Writer,
    status: int,
    body: bytes,
    content_type: str | None = "application/json",
    reason: str = "OK",
    **extra: str,
) -> None:
    headers = {"Content-Length": str(len(body)), "Connection": "close", **extra}
    if content_type is not None:
        headers["Content-Type"] = content_type
    writer.write(_head(status, reason, headers) + body)
    await writer.drain()


def _reset(writer: Writer) -> None:
    """Abort with a TCP RST (SO_LINGER 0) instead of a clean FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def ok(server: MisbehavingServer, writer: Writer) -> None:
    """A well-formed 200 with a job."""
    await _reply(writer, 200, envelope_bytes())


async def keepalive(server: MisbehavingServer, writer: Writer) -> None:
    """A 200 with a job after 2 ms, keeping the connection open for the next request."""
    await asyncio.sleep(0.002)
    body = envelope_bytes()
    head = _head(200, "OK", {"Content-Length": str(len(body)), "Content-Type": "application/json"})
    writer.write(head + body)
    await writer.drain()


async def reset(server: MisbehavingServer, writer: Writer) -> None:
    """Half of the promised body, then a TCP reset."""
    body = envelope_bytes()
    head = _head(200, "OK", {"Content-Length": str(len(body)), "Connection": "close"})
    writer.write(head + body[: len(body) // 2])
    await writer.drain()
    await asyncio.sleep(0.01)
    _reset(writer)


async def reset_before_reply(server: MisbehavingServer, writer: Writer) -> None:
    """The request is read, then the connection is reset without a byte of reply."""
    _reset(writer)


async def close_before_reply(server: MisbehavingServer, writer: Writer) -> None:
    """The request is read, then the connection is closed cleanly without a reply."""
    writer.close()


async def short_body(server: MisbehavingServer, writer: Writer) -> None:
    """Content-Length promises more than is sent before a clean close."""
    body = envelope_bytes()
    head = _head(200, "OK", {"Content-Length": str(len(body) + 100)})
    writer.write(head + body)
    await writer.drain()
    writer.close()


async def chunked_cut(server: MisbehavingServer, writer: Writer) -> None:
    """A chunked body whose last chunk never comes."""
    body = envelope_bytes()
    head = _head(200, "OK", {"Transfer-Encoding": "chunked", "Content-Type": "application/json"})
    writer.write(head + f"{len(body):x}\r\n".encode() + body[:10])
    await writer.drain()
    writer.close()


async def garbage(server: MisbehavingServer, writer: Writer) -> None:
    """Not HTTP at all."""
    writer.write(b"SSH-2.0-OpenSSH_9.6\r\n\x00\xff garbage\r\n\r\n")
    await writer.drain()
    writer.close()


async def hang(server: MisbehavingServer, writer: Writer) -> None:
    """Never answers (until the server stops)."""
    await asyncio.sleep(3600)


async def hang_mid_body(server: MisbehavingServer, writer: Writer) -> None:
    """Sends the head and a few bytes, then nothing more."""
    body = envelope_bytes()
    head = _head(200, "OK", {"Content-Length": str(len(body)), "Content-Type": "application/json"})
    writer.write(head + body[:5])
    await writer.drain()
    await asyncio.sleep(3600)


async def trickle(server: MisbehavingServer, writer: Writer) -> None:
    """A whole valid reply, a few bytes at a time, each gap well inside the read timeout."""
    body = envelope_bytes()
    data = _head(200, "OK", {"Content-Length": str(len(body)), "Content-Type": "application/json"})
    data += body
    step = max(1, len(data) // 15)
    for start in range(0, len(data), step):
        writer.write(data[start : start + step])
        await writer.drain()
        await asyncio.sleep(0.01)


async def drip(server: MisbehavingServer, writer: Writer) -> None:
    """A valid reply whose body comes one byte every 50 ms: each read is quick, the whole slow."""
    body = envelope_bytes()
    head = _head(200, "OK", {"Content-Length": str(len(body)), "Content-Type": "application/json"})
    writer.write(head)
    for i in range(len(body)):
        writer.write(body[i : i + 1])
        await writer.drain()
        await asyncio.sleep(0.05)


async def http10_until_close(server: MisbehavingServer, writer: Writer) -> None:
    """An HTTP/1.0 reply with no Content-Length: the body ends when the connection closes."""
    writer.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + envelope_bytes())
    await writer.drain()
    writer.close()


async def huge_header(server: MisbehavingServer, writer: Writer) -> None:
    """A 200 with a 200 KB header line, past what an HTTP parser should accept."""
    await _reply(writer, 200, envelope_bytes(), **{"X-Junk": "j" * 200_000})


async def status_999(server: MisbehavingServer, writer: Writer) -> None:
    """A status code no RFC defines."""
    await _reply(writer, 999, b"{}", reason="Whatever")


async def truncated_json(server: MisbehavingServer, writer: Writer) -> None:
    """A 200 whose JSON stops in the middle (with a correct Content-Length)."""
    body = envelope_bytes()
    await _reply(writer, 200, body[: len(body) // 2])


async def truncated_json_500(server: MisbehavingServer, writer: Writer) -> None:
    """A 500 whose JSON stops in the middle."""
    body = json.dumps({"success": False, "error": {"code": "INTERNAL_SERVER_ERROR"}}).encode()
    await _reply(writer, 500, body[: len(body) // 2], reason="Internal Server Error")


async def invalid_json(server: MisbehavingServer, writer: Writer) -> None:
    """A 200 that claims JSON and is not."""
    await _reply(writer, 200, b"{'success': True, data: NaN,}")


async def invalid_utf8(server: MisbehavingServer, writer: Writer) -> None:
    """A 200 whose body is not even text."""
    await _reply(writer, 200, b"\xff\xfe\xfa\x00\x81{")


async def empty_200(server: MisbehavingServer, writer: Writer) -> None:
    """A 200 with no body at all."""
    await _reply(writer, 200, b"")


async def wrong_shape(server: MisbehavingServer, writer: Writer) -> None:
    """Valid JSON, valid envelope, but data is not a job."""
    await _reply(writer, 200, envelope_bytes([1, 2, 3]))


async def html_502(server: MisbehavingServer, writer: Writer) -> None:
    """A gateway's HTML error page."""
    await _reply(writer, 502, HTML_PAGE, "text/html", reason="Bad Gateway")


async def html_200(server: MisbehavingServer, writer: Writer) -> None:
    """A captive portal or CDN page served with 200."""
    await _reply(writer, 200, b"<html><body>Please log in to the Wi-Fi</body></html>", "text/html")


async def html_404(server: MisbehavingServer, writer: Writer) -> None:
    """A web server's own 404 page (wrong base URL)."""
    await _reply(writer, 404, b"<html><body>Not Found</body></html>", "text/html", "Not Found")


async def huge(server: MisbehavingServer, writer: Writer) -> None:
    """An 8 MiB body of junk with a 200."""
    await _reply(writer, 200, b"x" * HUGE_SIZE, "text/plain")


async def huge_500(server: MisbehavingServer, writer: Writer) -> None:
    """An 8 MiB HTML error page."""
    page = b"<html>" + b"<p>stack trace line</p>" * (HUGE_SIZE // 23) + b"</html>"
    await _reply(writer, 500, page, "text/html", "Internal Server Error")


async def huge_valid(server: MisbehavingServer, writer: Writer) -> None:
    """A valid job whose description is 4 MiB long."""
    await _reply(writer, 200, envelope_bytes({**JOB, "description": "d" * (HUGE_SIZE // 2)}))


async def wrong_content_type(server: MisbehavingServer, writer: Writer) -> None:
    """A valid envelope labelled text/plain."""
    await _reply(writer, 200, envelope_bytes(), "text/plain; charset=iso-8859-1")


async def no_content_type(server: MisbehavingServer, writer: Writer) -> None:
    """A valid envelope with no Content-Type header."""
    await _reply(writer, 200, envelope_bytes(), None)


async def bad_gzip(server: MisbehavingServer, writer: Writer) -> None:
    """Content-Encoding: gzip over bytes that are not gzip."""
    await _reply(writer, 200, b"definitely not gzip", **{"Content-Encoding": "gzip"})


async def redirect(server: MisbehavingServer, writer: Writer) -> None:
    """A 302 to the same path on another host (``server.redirect_to``)."""
    location = f"{server.redirect_to}/jobs/ok"
    await _reply(writer, 302, b"", None, "Found", Location=location)


async def redirect_same_host(server: MisbehavingServer, writer: Writer) -> None:
    """A 301 to another path on this host."""
    await _reply(writer, 301, b"", None, "Moved Permanently", Location="/jobs/ok")


BEHAVIOURS: dict[str, Behaviour] = {
    f.__name__: f
    for f in (
        ok,
        keepalive,
        reset,
        reset_before_reply,
        close_before_reply,
        short_body,
        chunked_cut,
        garbage,
        hang,
        hang_mid_body,
        trickle,
        drip,
        http10_until_close,
        huge_header,
        status_999,
        truncated_json,
        truncated_json_500,
        invalid_json,
        invalid_utf8,
        empty_200,
        wrong_shape,
        html_502,
        html_200,
        html_404,
        huge,
        huge_500,
        huge_valid,
        wrong_content_type,
        no_content_type,
        bad_gzip,
        redirect,
        redirect_same_host,
    )
}


class MisbehavingServer:
    """Serves ``BEHAVIOURS`` on 127.0.0.1 from a thread; ``start()``, then ``stop()``.

    With ``ssl_context`` it speaks HTTPS (``base_url`` starts with ``https://``).
    """

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self._ssl = ssl_context
        self.received: list[Received] = []
        self.redirect_to = "http://127.0.0.1:9"
        self.base_url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> str:
        """Start serving on a free port; return the base URL."""
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(ready,), name="misbehaving-server", daemon=True
        )
        self._thread.start()
        if not ready.wait(_STOP_TIMEOUT) or self._server is None:
            raise RuntimeError("the misbehaving server did not start")
        port = self._server.sockets[0].getsockname()[1]
        self.base_url = f"{'https' if self._ssl else 'http'}://{HOST}:{port}"
        return self.base_url

    def stop(self) -> None:
        """Stop serving; handlers still running are cancelled. Bounded by a few seconds."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(lambda: loop.create_task(self._shutdown()))
        thread.join(_STOP_TIMEOUT)
        if thread.is_alive():
            raise RuntimeError("the misbehaving server did not stop in time")

    def clear(self) -> None:
        """Forget the requests received so far."""
        with self._lock:
            self.received.clear()

    def requests_to(self, path: str) -> list[Received]:
        """The requests received for ``path``."""
        with self._lock:
            return [r for r in self.received if r.path == path]

    def _run(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            self._server = loop.run_until_complete(
                asyncio.start_server(self._handle, HOST, 0, limit=2**20, ssl=self._ssl)
            )
            ready.set()
            loop.run_forever()
        finally:
            ready.set()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _shutdown(self) -> None:
        assert self._server is not None and self._loop is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()
        self._loop.stop()

    async def _handle(self, reader: asyncio.StreamReader, writer: Writer) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:  # every reply but keepalive's says Connection: close and ends the connection
            name = "keepalive"
            while name == "keepalive":
                received = await _read_request(reader)
                if received is None:
                    return
                with self._lock:
                    self.received.append(received)
                name = received.path.rstrip("/").rsplit("/", 1)[-1]
                await BEHAVIOURS.get(name, ok)(self, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        except asyncio.CancelledError:  # stop() ends handlers this way; the loop is closing
            return
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]
            if not writer.is_closing():
                writer.close()


async def _read_request(reader: asyncio.StreamReader) -> Received | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    if length:
        await reader.readexactly(length)
    return Received(method, target.split("?", 1)[0], headers)
