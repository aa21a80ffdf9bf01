"""Cancelling calls at random points leaks nothing and leaves the gate and breaker usable.

The suite runs with warnings as errors, so a coroutine never awaited, a task destroyed while
pending or an unclosed socket (ResourceWarning) fails these tests too; ``gc.collect()`` at the
end makes such leftovers surface inside the test that caused them.
"""

from __future__ import annotations

import collections
import gc
import json
import random
import ssl
from typing import Any

import anyio
import anyio.lowlevel
import pytest

import instaview_async as iv
from instaview_async.middleware.circuit_breaker import CircuitState
from instaview_async.models.jobs import Job
from tests.helpers import job_json
from tests.http_family import httpx

from .misbehaving_server import MisbehavingServer

pytestmark = pytest.mark.anyio

CALLS = 1_000
WORKERS = 32
_SSL = ssl.create_default_context()  # built once: plain-HTTP tests need none per client


def body(data: Any) -> bytes:
    """A success envelope."""
    return json.dumps({"success": True, "data": data, "error": None}).encode()


class Flaky:
    """An async MockTransport handler: a few checkpoints, then 200, 503 or 429 (seeded)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.healthy = False
        self.statuses: collections.Counter[int] = collections.Counter()

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        for _ in range(self.rng.randrange(4)):
            await anyio.lowlevel.checkpoint()
        roll = 1.0 if self.healthy else self.rng.random()
        status = 503 if roll < 0.2 else 429 if roll < 0.3 else 200
        self.statuses[status] += 1
        if status == 429:
            return httpx.Response(429, json={"statusCode": 429, "retryAfter": 0.001})
        if status == 503:
            return httpx.Response(503, text="<html>503</html>")
        return httpx.Response(200, content=body(job_json()))


async def call_and_cancel(call: Any, checkpoints: int) -> str:
    """Run ``call()`` and cancel it after ``checkpoints`` scheduler passes; name the outcome."""
    outcome = "cancelled"

    async def run() -> None:
        nonlocal outcome
        try:
            result = await call()
            outcome = "ok" if isinstance(result, Job) else type(result).__name__
        except iv.InstaViewError as error:
            outcome = type(error).__name__

    async with anyio.create_task_group() as tg:
        tg.start_soon(run)
        for _ in range(checkpoints):
            await anyio.lowlevel.checkpoint()
        tg.cancel_scope.cancel()
    return outcome


async def test_1000_calls_cancelled_at_random_points_leave_gate_and_breaker_consistent() -> None:
    """1,000 calls through retry, breaker and gate, cancelled at seeded random points: the
    gate has nothing in flight, the breaker has no stuck probe, and the next call succeeds."""
    rng = random.Random(7)
    flaky = Flaky(seed=11)
    client = iv.AsyncClient(
        api_key="sk_test_CANCEL",
        base_url="https://api.test",
        transport=httpx.MockTransport(flaky),
        retry=iv.RetryPolicy(max_attempts=4, base_delay=0.0005, max_delay=0.001),
        circuit_breaker=iv.CircuitBreakerPolicy(failure_threshold=4, recovery_time=0.002),
        rate_limit=iv.RateLimitPolicy(max_wait=1.0),
    )
    plan = [rng.randrange(40) for _ in range(CALLS)]
    outcomes: collections.Counter[str] = collections.Counter()

    async def worker(mine: list[int]) -> None:
        for checkpoints in mine:
            outcomes[await call_and_cancel(lambda: client.jobs.get("j1"), checkpoints)] += 1

    async with client:
        with anyio.fail_after(20):
            async with anyio.create_task_group() as tg:
                for w in range(WORKERS):
                    tg.start_soon(worker, plan[w::WORKERS])
        gate, breaker = client._shared.rate_limit, client._shared.circuit_breaker
        assert gate is not None and breaker is not None
        assert gate._in_flight == 0
        assert breaker._probes == 0
        flaky.healthy = True
        await anyio.sleep(0.01)  # past the gate's 1 ms and the breaker's 2 ms recovery
        assert isinstance(await client.jobs.get("j1"), Job)
        assert breaker.state is CircuitState.CLOSED
    gc.collect()
    assert sum(outcomes.values()) == CALLS
    assert set(outcomes) <= {"ok", "cancelled", "ServerError", "CircuitOpenError"}
    assert outcomes["ok"] > 100 and outcomes["cancelled"] > 50, outcomes
    # Whether the breaker trips depends on how cancellations interleave with failures, which
    # differs between event loops; the invariants above are what must hold either way.
    assert flaky.statuses[503] > 50 and flaky.statuses[429] > 20
    print(f"\n{CALLS} cancellable calls: {dict(outcomes)}; server saw {dict(flaky.statuses)}")


async def test_a_cancelled_half_open_probe_frees_its_slot() -> None:
    """A probe cancelled while half-open does not keep the breaker refusing every call."""
    started = anyio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/jobs/slow":
            started.set()
            await anyio.sleep(10)
        return httpx.Response(
            503 if request.url.path == "/jobs/fail" else 200, content=body(job_json())
        )

    policy = iv.CircuitBreakerPolicy(failure_threshold=1, recovery_time=0.001)
    client = iv.AsyncClient(
        api_key="sk_test_CANCEL",
        base_url="https://api.test",
        transport=httpx.MockTransport(handler),
        retry=None,
        circuit_breaker=policy,
    )
    async with client:
        with pytest.raises(iv.ServerError):
            await client.jobs.get("fail")  # opens the circuit
        await anyio.sleep(0.005)
        async with anyio.create_task_group() as tg:
            tg.start_soon(client.jobs.get, "slow")  # the one half-open probe
            await started.wait()
            with pytest.raises(iv.CircuitOpenError):  # a second probe is refused meanwhile
                await client.jobs.get("j1")
            tg.cancel_scope.cancel()
        breaker = client._shared.circuit_breaker
        assert breaker is not None and breaker._probes == 0
        assert isinstance(await client.jobs.get("j1"), Job)  # the next probe goes through
        assert breaker.state is CircuitState.CLOSED


def pool_of(client: iv.AsyncClient) -> Any:
    """The httpcore connection pool behind the SDK's own httpx client."""
    return client._shared.http_client._transport._pool  # type: ignore[attr-defined]


async def test_calls_cancelled_mid_request_on_real_sockets_leak_no_connection(
    misbehaving: MisbehavingServer,
) -> None:
    """300 keep-alive calls on real sockets cancelled at random times: every pooled connection
    is idle or closed, no request waits in the pool, and the pool serves the next call."""
    rng = random.Random(5)
    # Every other call runs to the end; the rest are cancelled within the server's 2 ms delay
    # or just after it, while connecting, sending, waiting or reading.
    delays = [None if i % 2 else rng.uniform(0.0, 0.004) for i in range(300)]
    outcomes: collections.Counter[str] = collections.Counter()
    client = iv.AsyncClient(
        api_key="sk_test_CANCEL",
        base_url=misbehaving.base_url,
        transport=httpx.AsyncHTTPTransport(verify=_SSL),
        retry=iv.RetryPolicy(base_delay=0.001),
    )

    async def worker(mine: list[float | None]) -> None:
        for delay in mine:
            with anyio.move_on_after(delay) as scope:
                await client.jobs.get("keepalive")
            outcomes["cancelled" if scope.cancelled_caught else "ok"] += 1

    async with client:
        with anyio.fail_after(20):
            async with anyio.create_task_group() as tg:
                for w in range(WORKERS // 4):
                    tg.start_soon(worker, delays[w :: WORKERS // 4])
        pool = pool_of(client)
        assert not pool._requests, "no request is left waiting for a connection"
        assert all(c.is_idle() or c.is_closed() for c in pool.connections)
        assert isinstance(await client.jobs.get("keepalive"), Job)
        assert 1 <= len(pool.connections) <= WORKERS // 4, "kept alive, and no more than needed"
        assert all(c.is_idle() for c in pool.connections)
        assert client._shared.rate_limit is not None
        assert client._shared.rate_limit._in_flight == 0
    assert pool.connections == []
    gc.collect()
    assert outcomes["cancelled"] > 30 and outcomes["ok"] > 30, outcomes
    print(f"\nkeep-alive calls: {dict(outcomes)}; pool ended with {len(pool.connections)}")
