"""No loss, no duplicates: every create lands exactly once despite 5xx and lost replies."""

from __future__ import annotations

import collections
import time

import anyio
import pytest

import instaview_async as iv
from instaview_async.testing import FakeInstaView, Faults

pytestmark = pytest.mark.anyio

CREATES = 2_000
WORKERS = 32
DESCRIPTION = "Created by the no-loss reliability test under injected faults"


async def test_2000_creates_under_faults_leave_exactly_2000_jobs() -> None:
    """2,000 creates under 20% 5xx and 5% replies dropped after commit leave 2,000 jobs."""
    # Retries reuse the Idempotency-Key, so a write whose reply was lost is replayed by the
    # server instead of written twice, and ten attempts mean no create is given up.
    faults = Faults(error_rate=0.2, drop_after_commit_rate=0.05, seed=2024)
    fake = FakeInstaView(faults=faults)
    retry = iv.RetryPolicy(max_attempts=10, base_delay=0.0005, max_delay=0.002)
    client = fake.client(api_key=fake.create_api_key(), retry=retry, circuit_breaker=None)
    send, receive = anyio.create_memory_object_stream[int](CREATES)
    for i in range(CREATES):
        send.send_nowait(i)
    send.close()
    created: list[str] = []

    async def worker() -> None:
        async for i in receive:
            job = await client.jobs.create(title=f"Job {i:04d}", description=DESCRIPTION)
            created.append(job.id)

    started = time.perf_counter()
    with anyio.fail_after(30):
        async with client, receive, anyio.create_task_group() as tg:
            for _ in range(WORKERS):
                tg.start_soon(worker)
    elapsed = time.perf_counter() - started

    titles = [job["title"] for job in fake.jobs.values()]
    assert len(fake.jobs) == CREATES and len(set(titles)) == CREATES
    assert sorted(created) == sorted(fake.jobs)
    posts = [r for r in fake.requests if r.method == "POST"]
    faults_seen = collections.Counter(r.fault for r in posts)
    assert faults_seen["error"] > 0.15 * len(posts) and faults_seen["drop_after_commit"] > 50
    replays = sum(r.replayed for r in posts)
    assert replays == faults_seen["drop_after_commit"]  # each lost reply comes back replayed
    assert client.stats.retries == len(posts) - CREATES
    print(  # shown with pytest -s; the README quotes these numbers
        f"\n{CREATES} creates: {len(posts)} POSTs, {faults_seen['error']} 5xx, "
        f"{faults_seen['drop_after_commit']} dropped after commit, {replays} replayed, "
        f"{elapsed:.2f}s"
    )
