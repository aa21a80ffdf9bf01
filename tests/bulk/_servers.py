"""Real servers for outage tests: the fake on a port it can leave and retake, nginx in front."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import anyio.abc
import pytest

from instaview_async.testing import FakeInstaView

HOST = "127.0.0.1"


class Upstream:
    """The fake served by uvicorn on one port; `stop` and `start` again keep the fake's state."""

    def __init__(self, fake: FakeInstaView, tg: anyio.abc.TaskGroup) -> None:
        self.fake = fake
        self.port = 0
        self.url = ""
        self._tg = tg
        self._stop: anyio.Event | None = None
        self._stopped: anyio.Event | None = None

    async def start(self) -> str:
        """Serve on the same port as before (a free one the first time); return the base URL."""
        self._stop, self._stopped = anyio.Event(), anyio.Event()
        url: str = await self._tg.start(self._serve, self._stop, self._stopped)
        self.url, self.port = url, int(url.rsplit(":", 1)[1])
        return url

    async def stop(self) -> None:
        """Stop serving: the port refuses connections until `start`."""
        if self._stop is not None and self._stopped is not None:
            self._stop.set()
            await self._stopped.wait()
            self._stop = self._stopped = None

    async def _serve(
        self,
        stop: anyio.Event,
        stopped: anyio.Event,
        *,
        task_status: anyio.abc.TaskStatus[str] = anyio.TASK_STATUS_IGNORED,
    ) -> None:
        try:
            async with self.fake.serve(port=self.port) as url:
                task_status.started(url)
                await stop.wait()
        finally:
            stopped.set()


@asynccontextmanager
async def upstream(fake: FakeInstaView) -> AsyncIterator[Upstream]:
    """The fake on a real socket, stoppable and restartable; stopped on exit."""
    async with anyio.create_task_group() as tg:
        served = Upstream(fake, tg)
        await served.start()
        try:
            yield served
        finally:
            await served.stop()


async def rows_then(
    rows: list[dict[str, Any]], after: int, event: anyio.Event
) -> AsyncIterator[dict[str, Any]]:
    """Yield ``rows``, setting ``event`` once ``after`` of them were taken (a mid-import cue)."""
    for n, row in enumerate(rows):
        if n == after:
            event.set()
        yield row


def free_port() -> int:
    """A port nothing listens on right now (connections to it are refused)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def nginx_binary() -> str:
    """Debian's nginx (CI installs it); the test is skipped on a machine without it."""
    path = shutil.which("nginx", path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    if path is None:
        pytest.skip("nginx is not installed (.ci/run installs it)")
    return path


_CONFIG = """
daemon off;
master_process off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen {host}:{port};
        location / {{
            proxy_pass http://{host}:{upstream};
            proxy_connect_timeout 2s;
            proxy_read_timeout 10s;
            proxy_next_upstream off;
        }}
    }}
}}
"""


@asynccontextmanager
async def nginx(prefix: Path, upstream_port: int) -> AsyncIterator[str]:
    """nginx on a free 127.0.0.1 port proxying to ``upstream_port``; yields its base URL.

    Its own prefix, config, pid and logs under ``prefix``; stopped by its pid on exit.
    """
    binary = nginx_binary()
    port = free_port()
    root = anyio.Path(prefix)
    await root.mkdir(parents=True, exist_ok=True)
    config = root / "nginx.conf"
    await config.write_text(
        _CONFIG.format(prefix=prefix, host=HOST, port=port, upstream=upstream_port)
    )
    process = await anyio.open_process(
        [binary, "-p", str(prefix), "-c", str(config), "-e", str(root / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        await _until_listening(port, process, root / "error.log")
        yield f"http://{HOST}:{port}"
    finally:
        process.terminate()  # SIGTERM to its pid: nginx's fast shutdown
        with anyio.move_on_after(5) as waited:
            await process.wait()
        if waited.cancelled_caught:
            process.kill()
            await process.wait()
        await process.aclose()


async def _until_listening(port: int, process: anyio.abc.Process, log: anyio.Path) -> None:
    with anyio.fail_after(10):
        while True:
            if process.returncode is not None:
                raise RuntimeError(f"nginx did not start: {await log.read_text()}")
            try:
                stream = await anyio.connect_tcp(HOST, port)
            except OSError:
                await anyio.sleep(0.02)
            else:
                await stream.aclose()
                return
