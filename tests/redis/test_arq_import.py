"""examples/arq_import.py: arq workers share budget and journal; a killed worker loses nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
import redis.asyncio
from arq import create_pool
from arq.connections import RedisSettings

from examples import arq_import
from instaview_async.testing import FakeInstaView, Faults
from tests.cli.conftest import Served, _serving

from ._redis_server import RedisServer
from .test_cli_shards import ROOT

pytestmark = pytest.mark.anyio

ROWS = 60


def _phones(fake: FakeInstaView) -> Counter[str]:
    return Counter(c["phoneNumber"] for c in fake.candidates.values())


def _rows() -> list[dict[str, Any]]:
    # Phone-only rows: no email, so only the journal and idempotency keys prevent duplicates.
    return [
        {"first_name": "Arq", "last_name": f"R{i}", "phone_number": f"+4219{i:08d}"}
        for i in range(ROWS)
    ]


async def test_a_chunk_job_run_twice_creates_nothing_twice(redis_server: RedisServer) -> None:
    """The same job run again (as arq does after a lost worker) skips every done row."""
    fake = FakeInstaView()
    key = fake.create_api_key()
    connection = redis.asyncio.Redis(port=redis_server.port)
    ctx: dict[str, Any] = {"redis": connection}
    ctx["client"] = fake.client(api_key=key)
    rows = _rows()[:10]
    try:
        first = await arq_import.import_chunk(ctx, "sha256:abc", None, 0, rows)
        again = await arq_import.import_chunk(ctx, "sha256:abc", None, 0, rows)
    finally:
        await ctx["client"].aclose()
        await connection.aclose()
    assert first == {"created": 10}
    assert again == {"skipped": 10}
    assert len(fake.candidates) == 10


@pytest.fixture
def slow(monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    """The fake on a socket, 40 requests per second and 30 ms per request."""
    fake = FakeInstaView(requests_per_minute=40, minute_seconds=1.0, faults=Faults(latency=0.03))
    with _serving(fake, monkeypatch) as served:
        yield served


def _worker(redis_url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "REDIS_URL": redis_url, "ARQ_IMPORT_JOB_TIMEOUT": "2"}
    env["ARQ_IMPORT_MAX_JOBS"] = "1"  # one chunk at a time: the victim is surely mid-job
    return subprocess.Popen(
        [sys.executable, "-m", "arq", "examples.arq_import.WorkerSettings"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(condition: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_worker_killed_mid_run_leaves_every_row_created_exactly_once(
    slow: Served, redis_server: RedisServer, tmp_path: Path
) -> None:
    """Two arq workers; one SIGKILLed mid-import: its jobs are run again, every row once."""
    source = tmp_path / "people.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in _rows()), encoding="utf-8")
    env = {**os.environ, "REDIS_URL": redis_server.url}
    enqueue = [sys.executable, "examples/arq_import.py", "enqueue", str(source), "--chunk", "10"]
    done = subprocess.run(enqueue, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    victim = _worker(redis_server.url)
    survivor = None
    try:
        # The victim works alone, one chunk of 10 at a time: a count that is not a multiple of
        # 10 means it is in the middle of a chunk.
        _wait(lambda: len(slow.fake.candidates) % 10 not in (0, 9), timeout=60)
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(5)
        survivor = _worker(redis_server.url)
        # The killed worker's job comes back when arq's in-progress mark expires (2 + 10 s).
        _wait(lambda: len(anyio.run(_tries, redis_server.url)) == ROWS // 10, timeout=90)
    finally:
        for process in (victim, survivor):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)
    phones = _phones(slow.fake)
    assert len(phones) == ROWS
    assert max(phones.values()) == 1
    assert max(anyio.run(_tries, redis_server.url)) >= 2  # the killed worker's job ran again


async def _tries(url: str) -> list[int]:
    """How many times arq ran each job (from the results it keeps)."""
    pool = await create_pool(RedisSettings.from_dsn(url))
    try:
        return [result.job_try for result in await pool.all_job_results()]
    finally:
        await pool.aclose()
