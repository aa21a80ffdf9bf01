"""A real nginx in front of the served fake: an upstream gone for 2 s mid-import loses nothing."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

import anyio
import pytest

import instaview_async as iv
from instaview_async.testing import FakeInstaView

from ._servers import free_port, nginx, nginx_binary, rows_then, upstream

pytestmark = pytest.mark.anyio

ROWS = 240
OUTAGE = 2.0
# Short backoffs and a short recovery keep the test to a few seconds; the shape is the default.
RETRY = iv.RetryPolicy(max_attempts=3, base_delay=0.05, max_delay=0.2)
BREAKER = iv.CircuitBreakerPolicy(failure_threshold=5, recovery_time=0.3)


def _client(base_url: str, key: str) -> iv.AsyncClient:
    return iv.AsyncClient(
        api_key=key, base_url=base_url, retry=RETRY, circuit_breaker=BREAKER, timeout=10.0
    )


def _rows() -> list[dict[str, Any]]:
    return [
        {"first_name": "Gate", "last_name": f"Way{i}", "email": f"gate{i}@example.com"}
        for i in range(ROWS)
    ]


async def test_upstream_gone_for_two_seconds_mid_import_fails_and_duplicates_nothing(
    tmp_path: Path,
) -> None:
    """240 rows through nginx; the fake stops for 2 s after 60 are taken: 0 failed, 0 dupes."""
    nginx_binary()
    fake = FakeInstaView()
    key = fake.create_api_key()
    outage_began = 0.0
    async with (
        upstream(fake) as served,
        nginx(tmp_path / "nginx", served.port) as gateway,
        _client(gateway, key) as client,
    ):
        job = await client.jobs.create(title="Gateway job", description="Outage test")

        halfway = anyio.Event()

        async def outage() -> None:
            nonlocal outage_began
            await halfway.wait()
            outage_began = time.monotonic()
            await served.stop()
            await anyio.sleep(OUTAGE)
            await served.start()

        async with anyio.create_task_group() as tg:
            tg.start_soon(outage)
            rows = rows_then(_rows(), ROWS // 4, halfway)
            results = [r async for r in client.candidates.bulk_create(rows, job_id=job.id)]
        stats = client.stats
    assert outage_began > 0
    assert stats.breaker_trips >= 1  # the outage was seen, and ridden out
    by_status = Counter(r.status for r in results)
    assert by_status == {"created": ROWS}, [str(r.error) for r in results if r.error][:3]
    emails = Counter(c["email"] for c in fake.candidates.values())
    assert len(emails) == ROWS
    assert max(emails.values()) == 1


async def test_a_gateway_whose_upstream_never_answers_stops_the_import(tmp_path: Path) -> None:
    """nginx up, the API behind it down from the start: every row skipped, the 502 named."""
    nginx_binary()
    async with (
        nginx(tmp_path / "nginx", free_port()) as gateway,
        _client(gateway, "sk_test_unused") as client,
    ):
        bulk = client.candidates.bulk_create(_rows()[:50], job_id="job-1")
        results = [r async for r in bulk]
    assert Counter(r.status for r in results) == {"skipped": 50}
    stopped = bulk.stopped
    assert isinstance(stopped, iv.ImportStoppedError)
    assert isinstance(stopped.cause, iv.ServerError)
    host_port = gateway.removeprefix("http://")
    assert str(stopped) == f"the API at {host_port} is unreachable: 502 Bad Gateway"
