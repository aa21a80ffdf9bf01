"""Retry: which failures are retried, with which delays, and how it stops."""

from __future__ import annotations

import pytest

import instaview_async as iv
from instaview_async.middleware import Retry
from tests.helpers import FakeTime, Recorder
from tests.http_family import httpx

pytestmark = pytest.mark.anyio


def _request(method: str = "GET", **headers: str) -> httpx.Request:
    return httpx.Request(method, "https://api.test/jobs", headers=headers)


def _retry(time: FakeTime, **policy: object) -> Retry:
    options: dict[str, object] = {"jitter": False}
    options.update(policy)
    return Retry(iv.RetryPolicy(**options), sleep=time.sleep, clock=time.clock)  # type: ignore[arg-type]


async def _send_through(retry: Retry, recorder: Recorder, request: httpx.Request) -> httpx.Response:
    async def call_next(req: httpx.Request) -> httpx.Response:
        return recorder(req)

    return await retry(request, call_next)


async def test_503_then_200_returns_the_success_after_one_backoff() -> None:
    """A 503 then a 200 returns the 200 after waiting base_delay once."""
    time = FakeTime()
    recorder = Recorder([httpx.Response(503), httpx.Response(200)])
    response = await _send_through(_retry(time), recorder, _request())
    assert response.status_code == 200
    assert len(recorder.requests) == 2
    assert time.sleeps == [1.0]


async def test_backoff_doubles_and_is_capped() -> None:
    """Delays double from base_delay and never exceed max_delay."""
    time = FakeTime()
    recorder = Recorder([httpx.Response(500)])
    retry = _retry(time, max_attempts=6, base_delay=1.0, max_delay=5.0)
    response = await _send_through(retry, recorder, _request())
    assert response.status_code == 500
    assert time.sleeps == [1.0, 2.0, 4.0, 5.0, 5.0]


@pytest.mark.parametrize(("draw", "expected"), [(0.0, 2.0), (1.0, 4.0), (0.5, 3.0)])
def test_jitter_draws_from_the_upper_half(draw: float, expected: float) -> None:
    """With jitter, the third retry's 4 s wait is drawn from [2 s, 4 s]."""
    retry = Retry(iv.RetryPolicy(jitter=True), random=lambda: draw)
    assert retry.delay(3) == expected


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 429, 501])
async def test_other_statuses_are_never_retried(status: int) -> None:
    """4xx (429 included: the gate handles it) and non-transient 5xx are returned at once."""
    time = FakeTime()
    recorder = Recorder([httpx.Response(status)])
    response = await _send_through(_retry(time), recorder, _request())
    assert response.status_code == status
    assert len(recorder.requests) == 1
    assert time.sleeps == []


@pytest.mark.parametrize("error", [iv.APIConnectionError("reset"), iv.APITimeoutError("timed out")])
async def test_connection_errors_are_retried_then_raised(error: Exception) -> None:
    """Connection errors and timeouts are retried until attempts run out, then raised."""
    time = FakeTime()
    recorder = Recorder([error])
    with pytest.raises(type(error)):
        await _send_through(_retry(time, max_attempts=3), recorder, _request())
    assert len(recorder.requests) == 3
    assert time.sleeps == [1.0, 2.0]


async def test_post_without_idempotency_key_is_not_retried() -> None:
    """A POST with no Idempotency-Key is sent once: resending could write twice."""
    recorder = Recorder([httpx.Response(503)])
    response = await _send_through(_retry(FakeTime()), recorder, _request("POST"))
    assert response.status_code == 503
    assert len(recorder.requests) == 1


async def test_post_with_idempotency_key_is_retried() -> None:
    """A POST carrying an Idempotency-Key is retried like a GET."""
    recorder = Recorder([httpx.Response(503), httpx.Response(201)])
    request = _request("POST", **{"Idempotency-Key": "k1"})
    response = await _send_through(_retry(FakeTime()), recorder, request)
    assert response.status_code == 201
    assert len(recorder.requests) == 2


async def test_retry_after_on_503_is_honoured() -> None:
    """A 503 with Retry-After waits at least that long (within max_delay)."""
    time = FakeTime()
    recorder = Recorder([httpx.Response(503, headers={"Retry-After": "7"}), httpx.Response(200)])
    await _send_through(_retry(time), recorder, _request())
    assert time.sleeps == [7.0]


async def test_overall_timeout_stops_retrying() -> None:
    """When the next wait would pass the overall deadline, the last failure is returned."""
    time = FakeTime()
    recorder = Recorder([httpx.Response(502)])
    retry = _retry(time, max_attempts=10, timeout=3.5)
    response = await _send_through(retry, recorder, _request())
    assert response.status_code == 502
    assert time.sleeps == [1.0, 2.0]
    assert len(recorder.requests) == 3


async def test_circuit_open_is_not_retried() -> None:
    """CircuitOpenError propagates at once: retrying an open circuit only burns time."""
    time = FakeTime()
    recorder = Recorder([iv.CircuitOpenError("open", retry_in=5.0)])
    with pytest.raises(iv.CircuitOpenError):
        await _send_through(_retry(time), recorder, _request())
    assert time.sleeps == []
