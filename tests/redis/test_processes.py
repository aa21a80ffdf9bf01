"""Several processes on one key and one Redis, against the fake served on a real socket."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import anyio
import httpx
import pytest
import redis

from instaview_async.testing import FakeInstaView

from ._redis_server import RedisServer
from ._spawn import Workers

pytestmark = pytest.mark.anyio


def _statuses(fake: FakeInstaView, since: int = 0) -> Counter[int]:
    return Counter(r.status for r in fake.requests[since:])


async def _job(base_url: str, key: str) -> str:
    async with httpx.AsyncClient(base_url=base_url) as http:
        reply = await http.post(
            "/jobs",
            json={"title": "Shared key", "description": "Many workers"},
            headers={"Authorization": f"Bearer {key}"},
        )
        return str(reply.json()["data"]["id"])


async def _until(condition: Callable[[], bool]) -> None:
    """Poll the fake's state (it has no event to wait on) until the condition holds."""
    with anyio.fail_after(30):
        while not condition():  # noqa: ASYNC110
            await anyio.sleep(0.01)


async def _run(configs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    workers = Workers(configs)
    try:
        await workers.ready()
        workers.go()
        return await workers.reports()
    finally:
        workers.kill()


async def test_three_processes_share_one_429_wait(redis_server: RedisServer) -> None:
    """The key's window is spent elsewhere: one process meets the 429, the others wait with it."""
    fake = FakeInstaView(requests_per_minute=6, minute_seconds=2.0)
    key = fake.create_api_key()
    async with fake.serve() as base_url:
        job_id = await _job(base_url, key)
        common = {"base_url": base_url, "api_key": key, "redis": redis_server.url}
        workers = Workers([{**common, "mode": "get", "job_id": job_id, "count": 1}] * 3)
        try:
            await workers.ready()
            # Another program on the key spends a whole window just before they start.
            await anyio.sleep(2.0 - time.time() % 2.0)
            async with httpx.AsyncClient(base_url=base_url) as http:
                while _statuses(fake)[429] == 0:
                    await http.get(f"/jobs/{job_id}", headers={"Authorization": f"Bearer {key}"})
            spent = len(fake.requests)
            workers.go()
            reports = await workers.reports()
        finally:
            workers.kill()
    assert _statuses(fake, spent) == {429: 1, 200: 3}
    assert sum(r["rate_limited"] for r in reports) == 1
    assert all(r["statuses"] == {"ok": 1} for r in reports)


async def test_processes_pace_together_inside_the_limit(redis_server: RedisServer) -> None:
    """3 processes x 6 requests on a key allowing 10 per 2-second window: paced, no 429."""
    fake = FakeInstaView(requests_per_minute=10, minute_seconds=2.0)
    key = fake.create_api_key()
    async with fake.serve() as base_url:
        job_id = await _job(base_url, key)
        common = {"base_url": base_url, "api_key": key, "redis": redis_server.url}
        config = {**common, "mode": "get", "job_id": job_id, "count": 6, "concurrency": 4}
        workers = Workers([config] * 3)
        try:
            await workers.ready()
            # Released at a window's start: on this loaded machine a request sent late in a
            # window can reach the server after its reset (see benchmarks/README.md).
            await anyio.sleep(2.0 - time.time() % 2.0)
            workers.go()
            reports = await workers.reports()
        finally:
            workers.kill()
    assert _statuses(fake) == {201: 1, 200: 18}
    assert sum(r["rate_limited"] for r in reports) == 0


async def test_redis_killed_mid_run_and_restarted_the_import_completes_once(
    redis_server: RedisServer,
) -> None:
    """Redis dies mid-import and comes back: every row created once, one warning per worker."""
    fake = FakeInstaView(requests_per_minute=25, minute_seconds=1.0)
    key = fake.create_api_key()
    rows = [{"first_name": "R", "last_name": f"{i}", "email": f"r{i}@x.test"} for i in range(75)]
    async with fake.serve() as base_url:
        job_id = await _job(base_url, key)
        common = {"base_url": base_url, "api_key": key, "redis": redis_server.url}
        configs = [
            {**common, "mode": "create", "job_id": job_id, "rows": rows[i::3]} for i in range(3)
        ]
        workers = Workers(configs)
        try:
            await workers.ready()
            workers.go()
            await _until(lambda: len(fake.candidates) >= 10)
            redis_server.kill()
            await anyio.sleep(0.5)
            redis_server.start()
            reports = await workers.reports()
        finally:
            workers.kill()
    emails = Counter(c["email"] for c in fake.candidates.values())
    assert sorted(emails) == sorted(row["email"] for row in rows)
    assert set(emails.values()) == {1}
    assert all(r["statuses"] == {"created": 25} for r in reports)
    # One warning per outage and worker, never more. A worker asleep in a rate-limit wait for
    # the whole 0.5 s outage (the window is 1 s) never asked Redis meanwhile: none for it.
    warned = [len(r["warnings"]) for r in reports]
    assert max(warned) == 1 and warned.count(0) < len(warned), [r["warnings"] for r in reports]
    # A worker whose last rows were all let through by its own gate meanwhile may not need
    # Redis again; the others share through it once it is back.
    assert any(any("answers again" in m for m in r["infos"]) for r in reports)
    assert redis.Redis(port=redis_server.port).dbsize() > 0
