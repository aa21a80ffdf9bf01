"""examples/arq_import.py: arq workers share budget and journal; a killed worker loses nothing."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
import redis.asyncio
from arq import Retry, Worker, create_pool
from arq.connections import RedisSettings
from arq.jobs import JobResult
from redis import Redis as SyncRedis

from examples import arq_import
from instaview_async import RetryPolicy
from instaview_async.testing import FakeInstaView, Faults
from tests.cli.conftest import Served, _serving

from ._redis_server import RedisServer
from .test_cli_shards import ROOT

pytestmark = pytest.mark.anyio

ROWS = 60


def _phones(fake: FakeInstaView) -> Counter[str]:
    return Counter(c["phoneNumber"] for c in fake.candidates.values())


def _rows(count: int = ROWS) -> list[dict[str, Any]]:
    # Phone-only rows: no email, so only the journal and idempotency keys prevent duplicates.
    return [
        {"first_name": "Arq", "last_name": f"R{i}", "phone_number": f"+4219{i:08d}"}
        for i in range(count)
    ]


def _numbered(rows: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    return list(enumerate(rows, start=1))


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(row) + "\n" for row in rows).encode()


async def test_a_chunk_job_run_twice_creates_nothing_twice(redis_server: RedisServer) -> None:
    """The same job run again (as arq does after a lost worker) skips every done row."""
    fake = FakeInstaView()
    key = fake.create_api_key()
    connection = redis.asyncio.Redis(port=redis_server.port)
    ctx: dict[str, Any] = {"redis": connection}
    ctx["client"] = fake.client(api_key=key)
    rows = _numbered(_rows(10))
    try:
        first = await arq_import.import_chunk(ctx, "sha256:abc", None, rows)
        again = await arq_import.import_chunk(ctx, "sha256:abc", None, rows)
    finally:
        await ctx["client"].aclose()
        await connection.aclose()
    assert first == {"created": 10}
    assert again == {"done_before": 10}
    assert len(fake.candidates) == 10


async def test_a_row_that_fails_is_named_by_its_line_in_the_file(
    redis_server: RedisServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """A row without a first name fails alone, reported as its 1-based line number."""
    fake = FakeInstaView()
    rows = _numbered(_rows(3))
    rows[1] = (40, {"first_name": "", "last_name": "Roe", "phone_number": "+421900000040"})
    connection = redis.asyncio.Redis(port=redis_server.port)
    ctx: dict[str, Any] = {
        "redis": connection,
        "client": fake.client(api_key=fake.create_api_key()),
    }
    try:
        result = await arq_import.import_chunk(ctx, "sha256:bad", None, rows)
    finally:
        await ctx["client"].aclose()
        await connection.aclose()
    assert result["created"] == 2
    assert list(result["failed"]) == [40]
    assert "line 40: " in capsys.readouterr().err


async def test_rows_failing_for_a_passing_cause_make_arq_retry_the_chunk(
    redis_server: RedisServer,
) -> None:
    """5xx rows raise arq's Retry while tries are left, then fail the job saying how to resume."""
    fake = FakeInstaView(faults=Faults(error_rate=1.0, seed=3))
    connection = redis.asyncio.Redis(port=redis_server.port)
    client = fake.client(api_key=fake.create_api_key(), retry=None, circuit_breaker=None)
    rows = _numbered(_rows(2))
    try:
        with pytest.raises(Retry):
            await arq_import.import_chunk({"redis": connection, "client": client}, "s", None, rows)
        last = {"redis": connection, "client": client, "job_try": arq_import.MAX_TRIES}
        with pytest.raises(RuntimeError, match=r"2 of 2 rows not done .* enqueue the file again"):
            await arq_import.import_chunk(last, "s", None, rows)
    finally:
        await client.aclose()
        await connection.aclose()


@contextlib.asynccontextmanager
async def _worker_in_process(
    redis_server: RedisServer, fake: FakeInstaView, key: str, **settings: Any
) -> AsyncIterator[Worker]:
    """An arq worker in this process, its client on ``fake``, in burst mode (exits when idle)."""

    async def startup(ctx: dict[str, Any]) -> None:
        ctx["client"] = fake.client(api_key=key, retry=RetryPolicy(base_delay=0.001))

    pool = await create_pool(RedisSettings(port=redis_server.port))
    worker = Worker(
        functions=[arq_import.import_chunk],
        redis_pool=pool,
        on_startup=startup,
        burst=True,
        handle_signals=False,
        poll_delay=0.05,
        max_tries=arq_import.MAX_TRIES,
        **settings,
    )
    try:
        yield worker
    finally:
        # Not worker.close(): it calls redis-py's deprecated close().
        if "client" in worker.ctx:
            await arq_import.shutdown(worker.ctx)
        await pool.aclose()


async def _results(url: str) -> dict[str, JobResult]:
    pool = await create_pool(RedisSettings.from_dsn(url))
    try:
        return {result.job_id or "": result for result in await pool.all_job_results()}
    finally:
        await pool.aclose()


async def test_enqueue_says_how_many_chunks_it_enqueued_and_which_were_there(
    redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enqueued again, a file's chunks are reported as already queued, then as done."""
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    fake = FakeInstaView()
    key = fake.create_api_key()
    content = _jsonl(_rows(25))
    first = await arq_import.enqueue(content, None, chunk=10)
    queued = await arq_import.enqueue(content, None, chunk=10)
    async with _worker_in_process(redis_server, fake, key) as worker:
        await worker.main()
    done = await arq_import.enqueue(content, None, chunk=10)
    assert (len(first.enqueued), len(first.pending), len(first.done)) == (3, 0, 0)
    assert (len(queued.enqueued), len(queued.pending), len(queued.done)) == (0, 3, 0)
    assert (len(done.enqueued), len(done.pending), len(done.done)) == (0, 0, 3)
    assert "0 enqueued, 0 already queued or running, 3 already done" in done.summary()
    assert len(fake.candidates) == 25


async def _imported(redis_server: RedisServer, fake: FakeInstaView, key: str, job_id: str) -> str:
    """Enqueue the 25-row file for ``job_id``, run a worker until idle; enqueue's summary."""
    enqueued = await arq_import.enqueue(_jsonl(_rows(25)), job_id, chunk=10)
    async with _worker_in_process(redis_server, fake, key) as worker:
        await worker.main()
    return enqueued.summary()


def _by_job(fake: FakeInstaView) -> Counter[tuple[str, str]]:
    return Counter((job, c["phoneNumber"]) for c in fake.candidates.values() for job in c["jobIds"])


async def test_one_file_imported_into_two_jobs_creates_every_row_in_each_once(
    redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second job gets its own chunks, keys and journal; a rerun for either creates nothing."""
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    fake = FakeInstaView()
    key = fake.create_api_key()
    async with fake.client(api_key=key) as setup:
        jobs = [
            (await setup.jobs.create(title=f"Job {t}", description="Arq import")).id for t in "AB"
        ]
    for job in jobs:
        assert "3 enqueued" in await _imported(redis_server, fake, key, job)
    assert all(result.success for result in (await _results(redis_server.url)).values())
    assert len(fake.candidates) == 50
    assert set(_by_job(fake).values()) == {1}
    assert {job for job, _ in _by_job(fake)} == set(jobs)
    # A rerun once arq has dropped the results (keep_result): only the journals stop it.
    async with redis.asyncio.Redis(port=redis_server.port) as connection:
        await connection.delete(*await connection.keys("arq:result:*"))
    for job in jobs:
        assert "3 enqueued" in await _imported(redis_server, fake, key, job)
    reruns = await _results(redis_server.url)
    assert all(set(result.result) == {"done_before"} for result in reruns.values())
    assert sum(result.result["done_before"] for result in reruns.values()) == 50
    assert len(fake.candidates) == 50


async def test_enqueue_again_resumes_a_chunk_whose_job_failed(
    redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk failed (its key was rejected) is enqueued again and done, each row once."""
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    fake = FakeInstaView()
    content = _jsonl(_rows(10))
    await arq_import.enqueue(content, None, chunk=10)
    async with _worker_in_process(redis_server, fake, "sk_test_rejected") as worker:
        await worker.main()
    [failed] = (await _results(redis_server.url)).values()
    assert not failed.success
    again = await arq_import.enqueue(content, None, chunk=10)
    assert (len(again.enqueued), len(again.resumed)) == (1, 1)
    async with _worker_in_process(redis_server, fake, fake.create_api_key()) as worker:
        await worker.main()
    [done] = (await _results(redis_server.url)).values()
    assert done.success
    assert done.result == {"created": 10}
    assert max(_phones(fake).values()) == 1
    assert len(fake.candidates) == 10


async def test_a_chunk_that_outlasts_its_try_is_run_again_not_failed(
    redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk slower than job_timeout stops before it, and arq's next try finishes the rows."""
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    monkeypatch.setattr(arq_import, "JOB_TIMEOUT", 2)  # a try stops after 1.5 s
    fake = FakeInstaView(faults=Faults(latency=0.6))  # 8 rows at once: 24 rows take 1.8 s
    await arq_import.enqueue(_jsonl(_rows(24)), None, chunk=24)
    async with _worker_in_process(
        redis_server, fake, fake.create_api_key(), job_timeout=2
    ) as worker:
        await worker.main()
    [result] = (await _results(redis_server.url)).values()
    assert result.success, result.result
    assert result.job_try >= 2
    assert result.result["done_before"] > 0
    assert len(fake.candidates) == 24
    assert max(_phones(fake).values()) == 1


def test_enqueue_reports_a_bad_line_by_number_and_enqueues_the_rest(
    redis_server: RedisServer, redis_sync: SyncRedis, tmp_path: Path
) -> None:
    """A line that is not JSON is named with its line number; every other row is enqueued."""
    lines = [json.dumps(row) for row in _rows(5)]
    lines[2] = '{"first_name": "Broken",'
    source = tmp_path / "people.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {**os.environ, "REDIS_URL": redis_server.url}
    command = [sys.executable, "examples/arq_import.py", "enqueue", str(source), "--chunk", "2"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("line 3: not valid JSON")
    assert "4 rows in 2 chunks of up to 2: 2 enqueued" in done.stdout
    assert redis_sync.zcard("arq:queue") == 2


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
