"""Under load: 64 tasks share one rate-limit gate, and the breaker rides out a 503 burst."""

from __future__ import annotations

import collections
import time

import anyio
import anyio.lowlevel
import pytest

import instaview_async as iv
from instaview_async.middleware.circuit_breaker import CircuitState
from instaview_async.models.jobs import Job
from instaview_async.testing import FakeInstaView, Faults
from tests.helpers import job_json
from tests.http_family import httpx

pytestmark = pytest.mark.anyio

TASKS = 64
LIMIT = 16  # requests per window
WINDOW = 0.2  # seconds: the fake's "minute"


class Recording(httpx.AsyncBaseTransport):
    """Passes requests on and records (path, status, window reset) of every reply."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner
        self.replies: list[tuple[str, int, str | None]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        reset = response.headers.get("x-ratelimit-reset-minute")
        self.replies.append((str(request.url), response.status_code, reset))
        return response


async def read(client: iv.AsyncClient, job_id: str, task: int) -> None:
    """``jobs.get``, with the task's number in the query so its replies can be told apart."""
    job = await client.request("GET", f"/jobs/{job_id}", Job, params={"task": task})
    assert job.id == job_id


@pytest.mark.parametrize("pace", [True, False], ids=["paced", "429-only"])
async def test_64_tasks_wait_out_each_window_together(pace: bool) -> None:
    """64 tasks reading a job against 16 requests per 0.2 s window: every call
    succeeds, and no task meets more than one 429 per window (the gate holds the others)."""
    # 5 ms of latency keeps all 64 first requests in flight together: a real blind burst.
    fake = FakeInstaView(
        requests_per_minute=LIMIT, minute_seconds=WINDOW, faults=Faults(latency=0.005)
    )
    key = fake.create_api_key()
    async with fake.client(api_key=key, rate_limit=None) as setup:
        job = await setup.jobs.create(
            title="Load-tested job", description="Read by 64 tasks under a rate limit"
        )
    await anyio.sleep(WINDOW)  # a fresh window; the client below knows no budget yet
    fake.clear_requests()
    transport = Recording(fake.transport())
    client = iv.AsyncClient(
        api_key=key,
        base_url=fake.base_url,
        transport=transport,
        rate_limit=iv.RateLimitPolicy(pace=pace, max_wait=5.0),
    )
    started = time.perf_counter()
    with anyio.fail_after(10):
        async with client, anyio.create_task_group() as tg:
            for i in range(TASKS):
                tg.start_soon(read, client, job.id, i)
    elapsed = time.perf_counter() - started

    statuses = collections.Counter(r.status for r in fake.requests)
    assert statuses[200] == TASKS
    assert client.stats.rate_limited == statuses[429] == len(fake.requests) - TASKS
    per_task_window = collections.Counter(
        (path, reset) for path, status, reset in transport.replies if status == 429
    )
    assert max(per_task_window.values(), default=0) <= 1
    # Unpaced, each window refuses at most the tasks still waiting beyond its limit (48 + 32 +
    # 16); paced, only the first, blind burst is refused: later windows are probed first.
    herd = sum(TASKS - k * LIMIT for k in range(1, TASKS // LIMIT))
    assert statuses[429] <= (TASKS - LIMIT if pace else herd)
    # About one wait per task per window; a loaded machine can let a task's wake-up slip past one
    # more window, so the margin is one extra wait per task (64 waits each would be 4096).
    assert client.stats.rate_limit_waits <= herd + 2 * TASKS
    assert elapsed < 3 * (TASKS // LIMIT + 2) * WINDOW  # 4 windows, not 64 waits each
    print(f"\npace={pace}: {dict(statuses)}, {client.stats}, {elapsed:.2f}s")


class Switchable:
    """An async MockTransport handler that answers 503 until switched to healthy."""

    def __init__(self) -> None:
        self.healthy = False
        self.hits = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.hits += 1
        await anyio.lowlevel.checkpoint()  # let the 64 tasks overlap
        if not self.healthy:
            return httpx.Response(503, text="<html>503 Service Unavailable</html>")
        body = {"success": True, "data": job_json(), "error": None}
        return httpx.Response(200, json=body)


async def test_breaker_opens_under_a_503_burst_and_recovers_when_healthy() -> None:
    """A 100% 503 burst from 64 tasks opens the breaker, open calls fail fast without being
    sent, and once the API is healthy one probe closes it and all 64 tasks succeed."""
    server = Switchable()
    recovery = 30.0
    client = iv.AsyncClient(
        api_key="sk_test_BURST",
        base_url="https://api.test",
        transport=httpx.MockTransport(server),
        retry=iv.RetryPolicy(max_attempts=3, base_delay=0.0005, max_delay=0.001),
        circuit_breaker=iv.CircuitBreakerPolicy(failure_threshold=5, recovery_time=recovery),
    )
    breaker = client._shared.circuit_breaker
    assert breaker is not None
    now = [1000.0]
    breaker._clock = lambda: now[0]  # the breaker's time moves only when the test says so
    failures: collections.Counter[str] = collections.Counter()

    async def call() -> None:
        try:
            await client.jobs.get("j1")
        except (iv.ServerError, iv.CircuitOpenError) as error:
            failures[type(error).__name__] += 1

    async def burst() -> None:
        failures.clear()
        async with anyio.create_task_group() as tg:
            for _ in range(TASKS):
                tg.start_soon(call)

    async with client:
        await burst()
        assert breaker.state is CircuitState.OPEN and client.stats.breaker_trips == 1
        assert sum(failures.values()) == TASKS and failures["CircuitOpenError"] > 0
        burst_hits = server.hits
        assert burst_hits <= TASKS, "retries were refused by the open circuit, not sent"

        await burst()  # still open: all fail fast, nothing is sent
        assert failures == {"CircuitOpenError": TASKS} and server.hits == burst_hits

        now[0] += recovery  # recovery time passed, but the API is still down
        await burst()  # one probe is let through, fails, and reopens the circuit
        assert server.hits == burst_hits + 1 and breaker.state is CircuitState.OPEN
        # The probe's own retry meets the reopened circuit, so all 64 end in CircuitOpenError.
        assert failures == {"CircuitOpenError": TASKS}

        server.healthy = True
        now[0] += recovery
        assert breaker.state is CircuitState.HALF_OPEN
        await burst()  # one probe closes it; the others were refused while it was out
        assert breaker.state is CircuitState.CLOSED
        await burst()
        assert not failures and breaker.state is CircuitState.CLOSED
        assert server.hits == burst_hits + 2 + TASKS  # two probes, then 64 successes
    print(f"\n503 burst: {burst_hits} of {3 * TASKS} possible attempts sent; {client.stats}")


@pytest.mark.parametrize("reset", ["inf", "1e400", "-inf"])
async def test_a_budget_reset_that_is_not_finite_does_not_close_the_gate_for_good(
    reset: str,
) -> None:
    """``X-RateLimit-Remaining-Minute: 0`` with a reset of ``inf`` is ignored, not obeyed."""
    headers = {"x-ratelimit-remaining-minute": "0", "x-ratelimit-reset-minute": reset}
    body = {"success": True, "data": job_json(), "error": None}
    client = iv.AsyncClient(
        api_key="sk_test_RESET",
        base_url="https://api.test",
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json=body, headers=headers)),
    )
    async with client:
        with anyio.fail_after(5):
            for _ in range(3):
                assert isinstance(await client.jobs.get("j1"), Job)
    assert client.stats.rate_limit_waits == 0


async def test_a_paced_client_that_knows_its_budget_meets_no_429() -> None:
    """Once a reply has told the budget, 64 tasks over four windows meet no 429 at all."""
    fake = FakeInstaView(
        requests_per_minute=LIMIT, minute_seconds=WINDOW, faults=Faults(latency=0.005)
    )
    async with fake.client(api_key=fake.create_api_key()) as client:
        job = await client.jobs.create(title="Paced job", description="Read by 64 paced tasks")
        with anyio.fail_after(10):
            async with anyio.create_task_group() as tg:
                for i in range(TASKS):
                    tg.start_soon(read, client, job.id, i)
    assert [r.status for r in fake.requests].count(429) == 0
    assert client.stats.rate_limited == 0


async def test_a_cancelled_window_probe_does_not_hold_the_others() -> None:
    """If the request probing a new window is cancelled, the tasks waiting on it go ahead."""
    reset_at = [0.0]
    probe_started = anyio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/jobs/first":  # spends the budget until 50 ms from now
            reset_at[0] = time.time() + 0.05
            headers = {"x-ratelimit-remaining-minute": "0",
                       "x-ratelimit-reset-minute": f"{reset_at[0]:.3f}"}  # fmt: skip
            return httpx.Response(200, json={"success": True, "data": job_json()}, headers=headers)
        if request.url.path == "/jobs/probe":
            probe_started.set()
            await anyio.sleep(10)
        return httpx.Response(200, json={"success": True, "data": job_json()})

    client = iv.AsyncClient(
        api_key="sk_test_PROBE",
        base_url="https://api.test",
        transport=httpx.MockTransport(handler),
        retry=None,
    )
    probe_scope = anyio.CancelScope()
    results: list[Job] = []

    async def probe() -> None:
        with probe_scope:
            await client.jobs.get("probe")

    async def waiter() -> None:
        results.append(await client.jobs.get("waiter"))

    async with client:
        await client.jobs.get("first")
        with anyio.fail_after(5):
            async with anyio.create_task_group() as tg:
                tg.start_soon(probe)  # the first request after the reset: the probe
                await probe_started.wait()
                tg.start_soon(waiter)
                await anyio.sleep(0.02)
                assert results == [], "the waiter holds back while the probe is out"
                probe_scope.cancel()
        assert len(results) == 1 and isinstance(results[0], Job)
        gate = client._shared.rate_limit
        assert gate is not None and gate._probe_done is None and gate._in_flight == 0
