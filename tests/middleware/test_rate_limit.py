"""RateLimit: the shared gate, 429 handling, pacing from headers and max_wait."""

from __future__ import annotations

import anyio
import pytest

import instaview_async as iv
from instaview_async.middleware import RateLimit
from tests.helpers import FakeTime
from tests.http_family import httpx

pytestmark = pytest.mark.anyio


def _gate(time: FakeTime, **policy: object) -> RateLimit:
    return RateLimit(
        iv.RateLimitPolicy(**policy),  # type: ignore[arg-type]
        sleep=time.sleep,
        clock=time.clock,
        wall_clock=time.wall,
    )


def _too_many(retry_after: int | None = 30, header: str | None = "60") -> httpx.Response:
    body: dict[str, object] = {"statusCode": 429, "message": "Rate limit exceeded"}
    if retry_after is not None:
        body["retryAfter"] = retry_after
    headers = {"Retry-After": header} if header else {}
    return httpx.Response(429, json=body, headers=headers)


class Server:
    """Answers 429 until `open_at` (fake time), then 200; records when each request arrived."""

    def __init__(self, time: FakeTime, open_at: float, retry_after: int = 30) -> None:
        self.time = time
        self.open_at = open_at
        self.retry_after = retry_after
        self.arrivals: list[tuple[float, int]] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        await anyio.lowlevel.checkpoint()
        status = 429 if self.time.now < self.open_at else 200
        self.arrivals.append((self.time.now, status))
        if status == 429:
            return _too_many(self.retry_after)
        return httpx.Response(200)


REQUEST = httpx.Request("GET", "https://api.test/jobs")


async def test_429_closes_the_gate_for_the_body_retry_after_then_resends() -> None:
    """A 429 waits the body's retryAfter (not the header's) and the resent request succeeds."""
    time = FakeTime()
    server = Server(time, open_at=time.now + 30)
    response = await _gate(time)(REQUEST, server)
    assert response.status_code == 200
    assert time.sleeps == [30.0]
    assert [status for _, status in server.arrivals] == [429, 200]


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (_too_many(retry_after=None, header="12"), 12.0),
        (
            httpx.Response(
                429,
                headers={"X-RateLimit-Reset-Minute": str(1_700_000_000 + 7)},
            ),
            7.0,
        ),
        (
            httpx.Response(
                429,
                json={
                    "success": False,
                    "error": {"code": "RATE_LIMIT_EXCEEDED", "details": {"retryAfter": 45}},
                },
            ),
            45.0,
        ),
        (httpx.Response(429), 1.0),
    ],
)
async def test_wait_comes_from_header_reset_or_envelope_when_body_is_silent(
    reply: httpx.Response, expected: float
) -> None:
    """Retry-After, then the reset header, then envelope details, else 1 s, set the wait."""
    time = FakeTime(wall=1_700_000_000.0)
    replies = [reply, httpx.Response(200)]

    async def send(request: httpx.Request) -> httpx.Response:
        return replies.pop(0)

    await _gate(time)(REQUEST, send)
    assert time.sleeps == [pytest.approx(expected)]


async def test_tasks_arriving_while_the_gate_is_closed_wait_without_sending() -> None:
    """After one 429, no task reaches the server before the gate opens, and each waits once."""
    time = FakeTime()
    start = time.now
    server = Server(time, open_at=start + 30)
    gate = _gate(time)
    first = await gate(REQUEST, server)  # meets the 429, waits, succeeds
    assert first.status_code == 200
    time.now = start + 1  # later tasks arrive while the window is still closed
    gate_closed_until = start + 30
    server.open_at = start + 30
    time.sleeps.clear()
    async with anyio.create_task_group() as tg:
        for _ in range(10):
            tg.start_soon(gate, REQUEST, server)
    late = server.arrivals[2:]
    assert len(late) == 10
    assert all(arrived >= gate_closed_until for arrived, _ in late)
    assert all(status == 200 for _, status in late)
    assert len(time.sleeps) <= 10


async def test_concurrent_429s_each_wait_once_and_resend_once() -> None:
    """Ten tasks that all meet a 429 wait once each and then send exactly once more."""
    time = FakeTime()
    server = Server(time, open_at=time.now + 30)
    gate = _gate(time)
    async with anyio.create_task_group() as tg:
        for _ in range(10):
            tg.start_soon(gate, REQUEST, server)
    statuses = [status for _, status in server.arrivals]
    assert statuses.count(200) == 10
    assert statuses.count(429) <= 10
    assert len(server.arrivals) <= 20


async def test_pacing_waits_for_the_reset_when_the_budget_is_spent() -> None:
    """Remaining 0 in the headers holds the next request until the window resets: no 429."""
    time = FakeTime(wall=1_700_000_000.0)
    headers = {"X-RateLimit-Remaining-Minute": "0", "X-RateLimit-Reset-Minute": "1700000020"}
    replies = [httpx.Response(200, headers=headers), httpx.Response(200)]

    async def send(request: httpx.Request) -> httpx.Response:
        return replies.pop(0)

    gate = _gate(time)
    await gate(REQUEST, send)
    assert gate.wait_time == pytest.approx(20.0)
    await gate(REQUEST, send)
    assert time.sleeps == [pytest.approx(20.0)]


async def test_pacing_uses_the_tightest_window() -> None:
    """A spent hour budget holds requests even while the minute budget is left."""
    time = FakeTime(wall=1_700_000_000.0)
    headers = {
        "X-RateLimit-Remaining-Minute": "50",
        "X-RateLimit-Reset-Minute": "1700000030",
        "X-RateLimit-Remaining-Hour": "0",
        "X-RateLimit-Reset-Hour": "1700000040",
    }

    async def send(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers)

    gate = _gate(time, max_wait=120.0)
    await gate(REQUEST, send)
    assert gate.wait_time == pytest.approx(40.0)


async def test_pacing_off_ignores_the_headers() -> None:
    """With pace=False only a 429 closes the gate."""
    time = FakeTime(wall=1_700_000_000.0)
    headers = {"X-RateLimit-Remaining-Minute": "0", "X-RateLimit-Reset-Minute": "1700000020"}

    async def send(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers)

    gate = _gate(time, pace=False)
    await gate(REQUEST, send)
    await gate(REQUEST, send)
    assert time.sleeps == []


async def test_a_wait_longer_than_max_wait_raises_instead_of_sleeping() -> None:
    """A 429 asking for an hour returns at once; the next call raises RateLimitError unsent."""
    time = FakeTime()
    sent = 0

    async def send(request: httpx.Request) -> httpx.Response:
        nonlocal sent
        sent += 1
        return _too_many(retry_after=3600)

    gate = _gate(time, max_wait=60.0)
    response = await gate(REQUEST, send)
    assert response.status_code == 429
    with pytest.raises(iv.RateLimitError) as caught:
        await gate(REQUEST, send)
    assert caught.value.retry_after == pytest.approx(3600.0)
    assert "max_wait" in str(caught.value)
    assert sent == 1
    assert time.sleeps == []


async def test_consecutive_429s_are_bounded_by_max_retries() -> None:
    """A key that stays limited gets max_retries resends, then the 429 is returned."""
    time = FakeTime()
    sent = 0

    async def send(request: httpx.Request) -> httpx.Response:
        nonlocal sent
        sent += 1
        return _too_many(retry_after=1)

    response = await _gate(time, max_retries=3)(REQUEST, send)
    assert response.status_code == 429
    assert sent == 4


async def test_client_raises_rate_limit_error_with_retry_after() -> None:
    """Through the client, an unrecoverable 429 raises RateLimitError carrying retry_after."""
    from tests.helpers import make_client

    def handler(request: httpx.Request) -> httpx.Response:
        return _too_many(retry_after=3600, header="3600")

    async with make_client(handler, rate_limit=iv.RateLimitPolicy(max_wait=1.0)) as client:
        with pytest.raises(iv.RateLimitError) as caught:
            await client.jobs.get("j1")
    assert caught.value.status_code == 429
    assert caught.value.retry_after == pytest.approx(3600.0)
    assert client.stats.rate_limited == 1


class Unreachable:
    """A shared budget whose store is down (admit: None), which last saw ``peers`` clients."""

    def __init__(self, peers: int | None) -> None:
        if peers is not None:
            self.peers = lambda scope: peers

    async def admit(self, scope: str) -> iv.Admission | None:
        return None

    async def report(self, scope: str, admission: iv.Admission, reply: object) -> None:
        raise AssertionError("nothing is reported while the budget is unreachable")


@pytest.mark.parametrize(("peers", "sent_before_waiting"), [(4, 3), (None, 12)])
async def test_with_the_shared_budget_down_the_gate_paces_to_this_clients_share(
    peers: int | None, sent_before_waiting: int
) -> None:
    """12 left, 4 clients last seen sharing the key: this one sends 3 and waits for the reset,
    instead of all 4 spending the 12 (a budget that does not say how many: as if alone)."""
    time = FakeTime(wall=1_700_000_000.0)
    headers = {"X-RateLimit-Remaining-Minute": "12", "X-RateLimit-Reset-Minute": "1700000020"}
    first = True

    async def send(request: httpx.Request) -> httpx.Response:
        nonlocal first
        if first:  # the reply that says what is left; the others carry no headers
            first = False
            return httpx.Response(200, headers=headers)
        return httpx.Response(200)

    budget = Unreachable(peers)
    gate = RateLimit(
        iv.RateLimitPolicy(budget=budget),
        sleep=time.sleep,
        clock=time.clock,
        wall_clock=time.wall,
        scope="s",
    )
    await gate(REQUEST, send)
    sent = 0
    while not time.sleeps:
        await gate(REQUEST, send)
        sent += 1
    assert sent - 1 == sent_before_waiting  # the last one sent waited for the reset first
    assert time.sleeps == [pytest.approx(20.0)]
