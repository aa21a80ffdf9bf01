"""The probe of a paused bulk import: however it ends, someone probes again and minds the clock.

The breaker here is the client's real one on a virtual clock; the API behind it is scripted.
Every test runs the import under a few real seconds' `fail_after`: a hang fails the test.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import anyio
import pytest

import instaview_async as iv
from instaview_async._bulk import BulkImport, BulkResult
from instaview_async._outage import OutageGate
from instaview_async.middleware import CircuitBreaker
from instaview_async.middleware.circuit_breaker import CircuitState
from tests.http_family import httpx

from ._clock import Clock

pytestmark = pytest.mark.anyio

URL = "https://api.test/v1/jobs"
RECOVERY = 5.0
MAX_OUTAGE = 60.0
HANG = 3.0  # real seconds; a run takes milliseconds of them

FirstProbe = Callable[[CircuitBreaker, httpx.Request], Awaitable[httpx.Response]]


async def _accept(request: httpx.Request) -> httpx.Response:
    await anyio.lowlevel.checkpoint()
    return httpx.Response(201)


async def _refuse(request: httpx.Request) -> httpx.Response:
    await anyio.lowlevel.checkpoint()
    raise iv.APIConnectionError("[Errno 111] Connection refused")


async def refused_before_sending(breaker: CircuitBreaker, request: httpx.Request) -> httpx.Response:
    """The rate limiter inside the breaker refuses the probe: its wait is over max_wait."""
    raise iv.RateLimitError("a slot is 90s away, over max_wait", code="RATE_LIMIT_EXCEEDED")


async def answered_but_another_probe_failed(
    breaker: CircuitBreaker, request: httpx.Request
) -> httpx.Response:
    """Another user of the shared breaker probes meanwhile (half_open_max_calls=2) and fails:
    the breaker reopens, and the import's own probe, answered, is a generation too late."""
    with pytest.raises(iv.APIConnectionError):
        await breaker(request, _refuse)
    return httpx.Response(201)


async def failed_after_the_breaker_closed_outside(
    breaker: CircuitBreaker, request: httpx.Request
) -> httpx.Response:
    """Another user's probe closes the shared breaker; the import's own then fails, so its row
    fails as a bad row (strikes reach the breaker's threshold) with the import still paused."""
    await breaker(request, _accept)
    raise iv.APIConnectionError("Connection reset by peer")


async def a_500_after_the_breaker_closed_outside(
    breaker: CircuitBreaker, request: httpx.Request
) -> httpx.Response:
    """Another user's probe closes the shared breaker; the import's own gets a 500, one that
    does not reopen it: a bad row's failure, not the outage's."""
    await breaker(request, _accept)
    return httpx.Response(500)


class ScriptedApi:
    """Rows sent through a real breaker: row 0 while the API is up, then it refuses connections.

    Rows 1 and 2 fail, open the breaker and pause the import (row 0 answered, so it waits). The
    import's first probe ends as ``first_probe`` says; after it the API is ``after`` ("up" or
    "down" for good).
    """

    def __init__(self, first_probe: FirstProbe, after: str, *, threshold: int = 1) -> None:
        self.clock = Clock()
        policy = iv.CircuitBreakerPolicy(
            failure_threshold=threshold, recovery_time=RECOVERY, half_open_max_calls=2
        )
        self.breaker = CircuitBreaker(policy, clock=self.clock)
        self.first_probe = first_probe
        self.after = after
        self.probed = False
        self.answered = anyio.Event()

    async def create(self, fields: dict[str, Any], key: str) -> str:
        row = fields["i"]
        if row:
            await self.answered.wait()  # the API answered this import before its outage
        first = not self.probed and self.breaker.state is CircuitState.HALF_OPEN
        self.probed = self.probed or first
        request = httpx.Request("POST", URL)
        response = await self.breaker(request, partial(self._reply, row, first))
        if response.status_code >= 500:
            raise iv.ServerError("boom", status_code=500, code="INTERNAL_ERROR")
        self.answered.set()
        return f"job {row}"

    async def _reply(self, row: int, first: bool, request: httpx.Request) -> httpx.Response:
        if first:
            await anyio.lowlevel.checkpoint()
            return await self.first_probe(self.breaker, request)
        if row == 0 or (self.probed and self.after == "up"):
            return await _accept(request)
        return await _refuse(request)

    async def run(
        self, rows: int = 3, *, max_outage: float = MAX_OUTAGE
    ) -> tuple[list[BulkResult[str]], iv.ImportStoppedError | None]:
        gate = OutageGate(
            target="api.test:443",
            breaker=self.breaker,
            max_outage=max_outage,
            clock=self.clock,
            sleep=self.clock.sleep,
        )
        bulk = BulkImport(
            ({"i": i} for i in range(rows)),
            create=self.create,
            find_existing=None,
            concurrency=rows,
            namespace="probe",
            gate=gate,
        )
        with anyio.fail_after(HANG):
            async with bulk:
                results = [r async for r in bulk]
        assert sorted(r.index for r in results) == list(range(rows))  # one result per row
        return results, bulk.stopped


WAYS = {
    "refused before sending": (refused_before_sending, iv.RateLimitError),
    "answered, another probe failed": (answered_but_another_probe_failed, None),
    "failed, breaker closed outside": (
        failed_after_the_breaker_closed_outside,
        iv.APIConnectionError,
    ),
}


@pytest.mark.parametrize("way", list(WAYS))
async def test_a_probe_that_ends_without_resuming_hands_the_probe_on(way: str) -> None:
    """However the first probe's call ends, another worker probes next: the API is back, so
    every other row is created; only a row whose own call failed fails."""
    first_probe, failure = WAYS[way]
    results, stopped = await ScriptedApi(first_probe, "up").run()
    assert stopped is None
    failed = [r for r in results if r.status == "failed"]
    assert [type(r.error) for r in failed] == ([] if failure is None else [failure])
    assert Counter(r.status for r in results)["created"] == 3 - len(failed)


@pytest.mark.parametrize("way", list(WAYS))
async def test_after_such_a_probe_max_outage_still_stops_the_import(way: str) -> None:
    """The API stays down after that first probe: the next prober minds the clock, and the
    rows left are skipped at max_outage, naming the outage's cause."""
    first_probe, failure = WAYS[way]
    api = ScriptedApi(first_probe, "down")
    results, stopped = await api.run()
    assert isinstance(stopped, iv.ImportStoppedError)
    assert "more than 60s (max_outage)" in str(stopped)
    assert "Connection refused" in str(stopped)
    assert MAX_OUTAGE <= api.clock.now <= MAX_OUTAGE + 1
    by_status = Counter(r.status for r in results)
    assert by_status["skipped"] == 1
    assert by_status["failed"] == (0 if failure is None else 1)
    assert all(r.error is stopped for r in results if r.status == "skipped")


async def test_a_bad_rows_500_is_not_named_as_the_outages_cause() -> None:
    """While paused, a row's 500 that leaves the breaker closed is the row's own failure: the
    stop at max_outage names the connection error that opened the breaker, not that 500."""
    api = ScriptedApi(a_500_after_the_breaker_closed_outside, "down", threshold=2)
    results, stopped = await api.run(max_outage=RECOVERY)
    assert isinstance(stopped, iv.ImportStoppedError)
    assert isinstance(stopped.cause, iv.APIConnectionError)
    assert "Connection refused" in str(stopped)
    assert "boom" not in str(stopped) and "500" not in str(stopped)
    assert Counter(r.status for r in results)["created"] == 1  # row 0, before the outage


async def _open(breaker: CircuitBreaker) -> None:
    """Another import on the same client meets the outage first and opens the breaker."""
    with pytest.raises(iv.APIConnectionError):
        await breaker(httpx.Request("POST", URL), _refuse)
    assert breaker.state is CircuitState.OPEN


@pytest.mark.parametrize(("api_up", "statuses"), [(True, {"created": 5}), (False, {"skipped": 5})])
async def test_an_import_started_while_the_breaker_is_open_waits_instead_of_stopping(
    api_up: bool, statuses: dict[str, int]
) -> None:
    """The client's breaker is already open when an import starts: that is not this import's
    evidence that the API was never there, so it waits like any paused import (and resumes when
    the probe gets through, or stops at max_outage) instead of stopping as unreachable."""
    clock = Clock()
    policy = iv.CircuitBreakerPolicy(failure_threshold=1, recovery_time=RECOVERY)
    breaker = CircuitBreaker(policy, clock=clock)
    await _open(breaker)

    async def create(fields: dict[str, Any], key: str) -> str:
        await breaker(httpx.Request("POST", URL), _accept if api_up else _refuse)
        return f"job {fields['i']}"

    gate = OutageGate(
        target="api.test:443", breaker=breaker, clock=clock, sleep=clock.sleep, max_outage=60.0
    )
    bulk = BulkImport(
        ({"i": i} for i in range(5)),
        create=create,
        find_existing=None,
        concurrency=3,
        namespace="inherited",
        gate=gate,
    )
    with anyio.fail_after(HANG):
        results = [r async for r in bulk]
    assert Counter(r.status for r in results) == statuses
    if api_up:
        assert bulk.stopped is None
        assert RECOVERY <= clock.now <= RECOVERY + 1  # resumed at the first probe
    else:
        assert bulk.stopped is not None
        assert "more than 60s (max_outage)" in str(bulk.stopped)
        assert "unreachable" not in str(bulk.stopped)
