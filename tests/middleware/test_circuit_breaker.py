"""CircuitBreaker: what counts as a failure, opening, half-open probes and recovery."""

from __future__ import annotations

import anyio
import pytest

import instaview_async as iv
from instaview_async.middleware import CircuitBreaker
from instaview_async.middleware.circuit_breaker import CircuitState
from tests.helpers import FakeTime, Recorder
from tests.http_family import httpx

pytestmark = pytest.mark.anyio

REQUEST = httpx.Request("GET", "https://api.test/jobs")


def _breaker(time: FakeTime, threshold: int = 3, probes: int = 1) -> CircuitBreaker:
    policy = iv.CircuitBreakerPolicy(
        failure_threshold=threshold, recovery_time=60.0, half_open_max_calls=probes
    )
    return CircuitBreaker(policy, clock=time.clock)


async def _call(breaker: CircuitBreaker, recorder: Recorder) -> httpx.Response:
    async def call_next(request: httpx.Request) -> httpx.Response:
        return recorder(request)

    return await breaker(REQUEST, call_next)


async def _fail(breaker: CircuitBreaker, times: int, status: int = 503) -> None:
    recorder = Recorder([httpx.Response(status)])
    for _ in range(times):
        await _call(breaker, recorder)


async def test_opens_after_threshold_failures_and_fails_fast() -> None:
    """After failure_threshold 5xx in a row, calls raise CircuitOpenError without being sent."""
    time = FakeTime()
    breaker = _breaker(time)
    await _fail(breaker, 3)
    recorder = Recorder([httpx.Response(200)])
    with pytest.raises(iv.CircuitOpenError) as caught:
        await _call(breaker, recorder)
    assert recorder.requests == []
    assert caught.value.retry_in == pytest.approx(60.0)
    assert "60.0s" in str(caught.value)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 429])
async def test_client_errors_and_429_never_count(status: int) -> None:
    """4xx replies, 429 included, say nothing about the API's health."""
    breaker = _breaker(FakeTime())
    await _fail(breaker, 10, status=status)
    assert breaker.state is CircuitState.CLOSED


async def test_connection_errors_count() -> None:
    """Connection errors and timeouts count as failures."""
    breaker = _breaker(FakeTime())
    recorder = Recorder([iv.APITimeoutError("slow")])
    for _ in range(3):
        with pytest.raises(iv.APITimeoutError):
            await _call(breaker, recorder)
    assert breaker.state is CircuitState.OPEN


async def test_a_success_resets_the_count() -> None:
    """Failures must be consecutive: a success in between starts the count again."""
    breaker = _breaker(FakeTime())
    await _fail(breaker, 2)
    await _call(breaker, Recorder([httpx.Response(200)]))
    await _fail(breaker, 2)
    assert breaker.state is CircuitState.CLOSED


async def test_successful_probe_after_recovery_time_closes() -> None:
    """After recovery_time one probe is let through; its success closes the circuit."""
    time = FakeTime()
    breaker = _breaker(time)
    await _fail(breaker, 3)
    time.now += 60.0
    assert breaker.state is CircuitState.HALF_OPEN
    response = await _call(breaker, Recorder([httpx.Response(200)]))
    assert response.status_code == 200
    assert breaker.state is CircuitState.CLOSED


async def test_failed_probe_reopens() -> None:
    """A failed probe opens the circuit again for a full recovery_time."""
    time = FakeTime()
    breaker = _breaker(time)
    await _fail(breaker, 3)
    time.now += 61.0
    await _fail(breaker, 1)
    assert breaker.state is CircuitState.OPEN
    with pytest.raises(iv.CircuitOpenError) as caught:
        await _call(breaker, Recorder([httpx.Response(200)]))
    assert caught.value.retry_in == pytest.approx(60.0)


async def _probe_fails_after(breaker: CircuitBreaker, time: FakeTime) -> float:
    """Wait out the open circuit (its retry_in), then fail the probe; returns the wait."""
    with pytest.raises(iv.CircuitOpenError) as caught:
        await _call(breaker, Recorder([httpx.Response(200)]))
    time.now += caught.value.retry_in
    await _fail(breaker, 1)
    return caught.value.retry_in


async def test_with_max_recovery_time_each_failed_probe_doubles_the_wait_up_to_it() -> None:
    """1 s, 2, 4, 8, then 8 again; a probe that succeeds closes it, and the next trip starts
    over at 1 s: a blip costs a second, a long outage one probe per max_recovery_time."""
    time = FakeTime()
    policy = iv.CircuitBreakerPolicy(failure_threshold=3, recovery_time=1.0, max_recovery_time=8.0)
    breaker = CircuitBreaker(policy, clock=time.clock)
    await _fail(breaker, 3)
    waits = [await _probe_fails_after(breaker, time) for _ in range(5)]
    assert waits == pytest.approx([1.0, 2.0, 4.0, 8.0, 8.0])
    with pytest.raises(iv.CircuitOpenError) as caught:
        await _call(breaker, Recorder([httpx.Response(200)]))
    time.now += caught.value.retry_in
    await _call(breaker, Recorder([httpx.Response(200)]))
    assert breaker.state is CircuitState.CLOSED
    await _fail(breaker, 3)
    assert await _probe_fails_after(breaker, time) == pytest.approx(1.0)


def test_max_recovery_time_below_recovery_time_is_refused_naming_both() -> None:
    with pytest.raises(ValueError, match=r"max_recovery_time must be >= recovery_time \(5"):
        iv.CircuitBreakerPolicy(recovery_time=5.0, max_recovery_time=1.0)


async def test_half_open_admits_a_bounded_number_of_probes() -> None:
    """While half_open_max_calls probes are in flight, other calls fail fast."""
    time = FakeTime()
    breaker = _breaker(time, probes=2)
    await _fail(breaker, 3)
    time.now += 60.0
    release = anyio.Event()
    sent = 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal sent
        sent += 1
        await release.wait()
        return httpx.Response(200)

    outcomes: list[str] = []

    async def call() -> None:
        try:
            await breaker(REQUEST, slow)
            outcomes.append("ok")
        except iv.CircuitOpenError:
            outcomes.append("open")

    async with anyio.create_task_group() as tg:
        for _ in range(4):
            tg.start_soon(call)
        await anyio.wait_all_tasks_blocked()
        release.set()
    assert sent == 2
    assert sorted(outcomes) == ["ok", "ok", "open", "open"]
    assert breaker.state is CircuitState.CLOSED


async def test_cancelled_probe_frees_its_slot() -> None:
    """A probe cancelled mid-flight gives no verdict and lets the next probe through."""
    time = FakeTime()
    breaker = _breaker(time)
    await _fail(breaker, 3)
    time.now += 60.0

    async def hang(request: httpx.Request) -> httpx.Response:
        await anyio.sleep_forever()
        raise AssertionError

    with anyio.CancelScope() as scope:
        async with anyio.create_task_group() as tg:
            tg.start_soon(breaker, REQUEST, hang)
            await anyio.wait_all_tasks_blocked()
            scope.cancel()
    response = await _call(breaker, Recorder([httpx.Response(200)]))
    assert response.status_code == 200
    assert breaker.state is CircuitState.CLOSED


async def test_verdict_of_a_call_started_before_the_trip_is_ignored() -> None:
    """A slow success that began before the circuit opened does not close it."""
    time = FakeTime()
    breaker = _breaker(time)
    release = anyio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return httpx.Response(200)

    async with anyio.create_task_group() as tg:
        tg.start_soon(breaker, REQUEST, slow)
        await anyio.wait_all_tasks_blocked()
        await _fail(breaker, 3)
        release.set()
    assert breaker.state is CircuitState.OPEN


async def test_open_error_carries_the_5xx_that_opened_it() -> None:
    """CircuitOpenError's __cause__ is the ServerError of the reply that tripped it, named too."""
    breaker = _breaker(FakeTime())
    recorder = Recorder([httpx.Response(503, json={"error": {"code": "X", "message": "down"}})])
    for _ in range(3):
        await _call(breaker, recorder)
    with pytest.raises(iv.CircuitOpenError) as caught:
        await _call(breaker, recorder)
    cause = caught.value.__cause__
    assert isinstance(cause, iv.ServerError)
    assert cause.status_code == 503
    assert str(cause) in str(caught.value)
    assert "down" in str(caught.value)


async def test_open_error_carries_the_connection_error_that_opened_it() -> None:
    """After connection errors, __cause__ is the last one, the very instance the caller saw."""
    breaker = _breaker(FakeTime())
    seen: list[BaseException] = []
    for n in range(3):
        error = iv.APIConnectionError(f"GET /jobs to api.test:443 failed: refused #{n}")
        with pytest.raises(iv.APIConnectionError) as caught:
            await _call(breaker, Recorder([error]))
        seen.append(caught.value)
    with pytest.raises(iv.CircuitOpenError) as opened:
        await _call(breaker, Recorder([httpx.Response(200)]))
    assert opened.value.__cause__ is seen[-1]
    assert "api.test:443 failed: refused #2" in str(opened.value)


async def test_a_failed_probe_becomes_the_cause() -> None:
    """When a probe fails, the next CircuitOpenError names the probe's failure, not the old one."""
    time = FakeTime()
    breaker = _breaker(time)
    await _fail(breaker, 3, status=500)
    time.now += 60.0
    await _fail(breaker, 1, status=502)
    with pytest.raises(iv.CircuitOpenError) as caught:
        await _call(breaker, Recorder([httpx.Response(200)]))
    assert isinstance(caught.value.__cause__, iv.ServerError)
    assert caught.value.__cause__.status_code == 502


async def test_half_open_refusal_names_the_cause_too() -> None:
    """A call refused because a probe is in flight still says what opened the circuit."""
    time = FakeTime()
    breaker = _breaker(time)
    await _fail(breaker, 3, status=504)
    time.now += 60.0
    release = anyio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return httpx.Response(200)

    async with anyio.create_task_group() as tg:
        tg.start_soon(breaker, REQUEST, slow)
        await anyio.wait_all_tasks_blocked()
        with pytest.raises(iv.CircuitOpenError) as caught:
            await _call(breaker, Recorder([httpx.Response(200)]))
        release.set()
    assert isinstance(caught.value.__cause__, iv.ServerError)
    assert "504" in str(caught.value)
