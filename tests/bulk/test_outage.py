"""Riding out outages in a bulk import, on a virtual clock: pause, resume, or stop naming why."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import anyio
import pytest

import instaview_async as iv
from instaview_async._bulk import BulkImport, BulkResult
from instaview_async._outage import OutageGate
from instaview_async.middleware import CircuitBreaker
from instaview_async.models.jobs import Job
from tests.conftest import envelope, error_reply
from tests.helpers import job_json
from tests.http_family import httpx

from ._clock import Clock

pytestmark = pytest.mark.anyio

RECOVERY = 5.0
THRESHOLD = 3


class FlakyApi(httpx.AsyncBaseTransport):
    """Creates jobs (replaying a repeated Idempotency-Key); down for a while after some creates.

    Down means connection refused: from the moment ``up_for`` jobs exist until ``down_for``
    virtual seconds later (forever when None). A title in ``poison`` always gets a 500.
    """

    def __init__(
        self,
        clock: Clock,
        *,
        up_for: int,
        down_for: float | None,
        poison: frozenset[str] = frozenset(),
    ) -> None:
        self.clock = clock
        self.up_for = up_for
        self.down_for = down_for
        self.poison = poison
        self.down_since: float | None = None
        self.replies: dict[str, httpx.Response] = {}
        self.created: Counter[str] = Counter()  # title -> times created
        self.refused = 0
        self.calls_while_down = 0  # create calls the import made, the breaker's refusals too

    def _down(self) -> bool:
        if self.down_since is None and len(self.created) >= self.up_for:
            self.down_since = self.clock.now
        if self.down_since is None:
            return False
        return self.down_for is None or self.clock.now < self.down_since + self.down_for

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await anyio.lowlevel.checkpoint()
        if self._down():
            self.refused += 1
            raise httpx.ConnectError("[Errno 111] Connection refused")
        key = request.headers["Idempotency-Key"]
        if key in self.replies:
            return self.replies[key]
        title = json.loads(request.content)["title"]
        if title in self.poison:
            return error_reply(500, "INTERNAL_ERROR", "boom")
        self.created[title] += 1
        reply = envelope(job_json(id=f"job-{title}", title=title), 201)
        self.replies[key] = reply
        return reply


def _rows(count: int) -> Iterator[dict[str, Any]]:
    for i in range(count):
        yield {"title": f"Title {i:04d}", "description": "A fine job"}


async def _run(
    api: FlakyApi,
    rows: int,
    *,
    max_outage: float = 120.0,
    breaker: bool = True,
    concurrency: int = 8,
) -> tuple[list[BulkResult[Job]], iv.ImportStoppedError | None]:
    clock = api.clock
    policy = iv.CircuitBreakerPolicy(failure_threshold=THRESHOLD, recovery_time=RECOVERY)
    guard = CircuitBreaker(policy, clock=clock) if breaker else None
    client = iv.AsyncClient(
        api_key="sk_test_x",
        base_url="https://api.test",
        transport=api,
        retry=None,
        circuit_breaker=None,
        rate_limit=None,
        middleware=[guard] if guard else [],
    )

    async def create(fields: dict[str, Any], key: str) -> Job:
        if api.down_since is not None and api._down():
            api.calls_while_down += 1
        return await client.jobs.create(**fields, idempotency_key=key)

    gate = OutageGate(
        target="api.test:443",
        breaker=guard,
        max_outage=max_outage,
        clock=clock,
        sleep=clock.sleep,
    )
    async with client:
        bulk = BulkImport(
            _rows(rows),
            create=create,
            find_existing=None,
            concurrency=concurrency,
            namespace="test",
            gate=gate,
        )
        results = [r async for r in bulk]
    return results, bulk.stopped


async def test_an_outage_mid_import_fails_no_row_and_creates_none_twice() -> None:
    """API down for 20 s after 60 creates: all 200 rows created once, none failed or skipped."""
    api = FlakyApi(Clock(), up_for=60, down_for=20.0)
    results, stopped = await _run(api, 200)
    assert stopped is None
    assert sorted(r.index for r in results) == list(range(200))
    assert Counter(r.status for r in results) == {"created": 200}
    assert len(api.created) == 200 and max(api.created.values()) == 1
    assert 20.0 <= api.clock.now <= 20.0 + RECOVERY + 1


async def test_while_paused_the_workers_wait_for_the_probe() -> None:
    """During a 60 s outage the import makes a few calls per worker and per recovery period
    (the probes), not one per row or per loop: the other workers wait."""
    api = FlakyApi(Clock(), up_for=10, down_for=60.0)
    results, _ = await _run(api, 500, concurrency=8)
    assert Counter(r.status for r in results) == {"created": 500}
    periods = 60.0 / RECOVERY + 1
    # In flight when it began: a call or two per worker; then a probe and a refusal per period.
    assert api.calls_while_down <= 2 * 8 + 2 * periods
    assert api.refused <= 8 + periods


async def test_an_outage_longer_than_max_outage_stops_the_import() -> None:
    """Down for good after 50 creates: stops at max_outage, the rest skipped with one error."""
    api = FlakyApi(Clock(), up_for=50, down_for=None)
    results, stopped = await _run(api, 300, max_outage=60.0)
    assert sorted(r.index for r in results) == list(range(300))
    by_status = Counter(r.status for r in results)
    assert by_status == {"created": 50, "skipped": 250}
    assert isinstance(stopped, iv.ImportStoppedError)
    assert all(r.error is stopped for r in results if r.status == "skipped")
    assert not any(r.ok for r in results if r.status == "skipped")
    assert 60.0 <= api.clock.now <= 60.0 + 1
    assert isinstance(stopped.cause, iv.APIConnectionError)
    assert stopped.__cause__ is stopped.cause
    message = str(stopped)
    assert "\n" not in message
    assert "api.test:443" in message and "more than 60s" in message
    assert "Connection refused" in message


async def test_an_api_down_from_the_start_stops_at_once() -> None:
    """No call ever answered and the breaker opens: every row skipped, no waiting at all."""
    api = FlakyApi(Clock(), up_for=0, down_for=None)
    results, stopped = await _run(api, 1000)
    assert Counter(r.status for r in results) == {"skipped": 1000}
    assert stopped is not None
    assert str(stopped).startswith("the API at api.test:443 is unreachable: ")
    assert "Connection refused" in str(stopped)
    assert api.clock.now == 0.0
    assert api.refused <= 8 * THRESHOLD


async def test_a_row_that_always_gets_a_500_fails_alone() -> None:
    """A poison row is sent as often as the breaker's threshold, then fails; no pause, no stop."""
    api = FlakyApi(Clock(), up_for=10_000, down_for=None, poison=frozenset({"Title 0007"}))
    results, stopped = await _run(api, 100)
    assert stopped is None
    failed = [r for r in results if r.status == "failed"]
    assert [r.index for r in failed] == [7]
    assert isinstance(failed[0].error, iv.ServerError)
    assert len(api.created) == 99
    assert api.clock.now == 0.0


async def test_without_a_breaker_connection_failures_fail_their_rows() -> None:
    """With the breaker disabled nothing tells an outage from a bad row: rows fail, no stop."""
    api = FlakyApi(Clock(), up_for=0, down_for=None)
    results, stopped = await _run(api, 20, breaker=False)
    assert stopped is None
    assert Counter(r.status for r in results) == {"failed": 20}
    assert all(isinstance(r.error, iv.APIConnectionError) for r in results)


@pytest.mark.parametrize("bad", [-1.0, float("nan")])
async def test_max_outage_must_not_be_negative(bad: float) -> None:
    """A negative or NaN max_outage is refused, naming the argument."""
    async with iv.AsyncClient(api_key="sk_test_x", base_url="https://api.test") as client:
        with pytest.raises(ValueError, match="max_outage"):
            client.candidates.bulk_create([], max_outage=bad)
        with pytest.raises(ValueError, match="max_outage"):
            client.jobs.bulk_create([], max_outage=bad)
