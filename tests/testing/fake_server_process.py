"""``instaview fake-server`` as a real child process, for tests in any language.

The server is started on port 0 (the OS picks a free 127.0.0.1 port, no race), its printed
base URL and key are read back, and it is stopped by its pid when the block ends.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO

import attrs

_START_TIMEOUT = 30.0  # a cold interpreter on a loaded 2-core machine


@attrs.frozen
class Served:
    """A running fake-server: where it listens, the key it printed, and what else it said."""

    base_url: str
    key: str
    output: str
    pid: int


@contextmanager
def fake_server(*options: str) -> Iterator[Served]:
    """Run ``instaview fake-server --port 0 OPTIONS`` until the block ends."""
    with fake_servers(options) as (served,):
        yield served


@contextmanager
def fake_servers(*option_lists: Sequence[str]) -> Iterator[list[Served]]:
    """Run one fake-server per option list, all starting at once, until the block ends."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("INSTAVIEW_FAKE_SERVER_ONCE", None)
    command = [sys.executable, "-m", "instaview_async.cli", "fake-server", "--port", "0"]
    processes: list[subprocess.Popen[str]] = []
    try:
        for options in option_lists:
            processes.append(
                subprocess.Popen(
                    [*command, *options],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    env=env,
                )
            )
        yield [_read_banner(p) for p in processes]
    finally:
        for process in processes:
            _stop(process)


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    process.stderr.close()


def _read_banner(process: subprocess.Popen[str]) -> Served:
    # A thread reads the lines: select() on a buffered text pipe misses lines already buffered.
    assert process.stdout is not None and process.stderr is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True).start()
    banner: list[str] = []
    deadline = time.monotonic() + _START_TIMEOUT
    while len(banner) < 4 and time.monotonic() < deadline:  # URL, two exports, the summary
        try:
            line = lines.get(timeout=0.1)
        except queue.Empty:
            if process.poll() is not None:
                break
            continue
        if not line:
            break
        banner.append(line)
    if len(banner) == 4:
        return _parse(banner, process.pid)
    process.kill()
    raise RuntimeError(f"fake-server did not start: {''.join(banner)}{process.stderr.read()}")


def _pump(stream: IO[str], lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line)
    lines.put("")


def _parse(lines: list[str], pid: int) -> Served:
    url = lines[0].split(" on ", 1)[1].strip()
    key = lines[2].split("INSTAVIEW_API_KEY=", 1)[1].split()[0]
    return Served(base_url=url, key=key, output="".join(lines), pid=pid)
