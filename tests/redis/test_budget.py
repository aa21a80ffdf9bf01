"""RedisBudget against a real redis-server: shared waits, pacing, the probe, secrets."""

from __future__ import annotations

import time
import traceback
from typing import Any

import anyio
import pytest
import redis

import instaview_async as iv
from instaview_async._budget import budget_scope
from instaview_async.contrib.redis import RedisBudget
from instaview_async.testing import FakeInstaView
from tests.helpers import make_client
from tests.http_family import httpx

from ._redis_server import RedisServer

pytestmark = pytest.mark.anyio

KEY = "sk_test_SECRETKEY123"
URL = "https://api.test"


class Server:
    """A scripted API: the first request meets a 429 for `closed` seconds; arrivals recorded."""

    def __init__(self, closed: float = 0.0, first_delay: float = 0.0) -> None:
        self.closed = closed
        self.first_delay = first_delay
        self.arrivals: list[tuple[float, int]] = []
        self.open_at: float | None = None

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        now = time.monotonic()
        first = not self.arrivals
        if first and self.closed:
            self.open_at = now + self.closed
        status = 429 if self.open_at is not None and now < self.open_at else 200
        self.arrivals.append((now, status))
        if first and self.first_delay:
            await anyio.sleep(self.first_delay)
        headers = {
            "X-RateLimit-Limit-Minute": "100",
            "X-RateLimit-Remaining-Minute": "50",
            "X-RateLimit-Reset-Minute": str(int(time.time()) + 60),
        }
        if status == 429:
            body = {"statusCode": 429, "message": "Rate limit exceeded", "retryAfter": self.closed}
            return httpx.Response(429, json=body, headers=headers)
        return httpx.Response(200, json={"success": True, "data": {}}, headers=headers)


def _client(server: Server, budget: RedisBudget, **policy: Any) -> iv.AsyncClient:
    return make_client(
        server, api_key=KEY, base_url=URL, rate_limit=iv.RateLimitPolicy(budget=budget, **policy)
    )


async def test_a_429_met_by_one_client_is_waited_out_by_another_without_sending(
    redis_server: RedisServer,
) -> None:
    """Client B, on its own Redis connection, sends nothing until A's 429 wait is over."""
    server = Server(closed=0.4)
    async with (
        RedisBudget(redis_server.url) as a_budget,
        RedisBudget(redis_server.url) as b_budget,
        _client(server, a_budget) as a,
        _client(server, b_budget) as b,
    ):
        async with anyio.create_task_group() as tg:
            tg.start_soon(_raw_get, a)
            await anyio.sleep(0.1)  # A has met its 429 and closed the key
            await _raw_get(b)
        assert a.stats.rate_limited == 1
        assert b.stats.rate_limited == 0
        assert b.stats.rate_limit_waits >= 1
    assert [status for _, status in server.arrivals] == [429, 200, 200]
    assert server.open_at is not None
    assert all(at >= server.open_at - 0.01 for at, _ in server.arrivals[1:])


async def _raw_get(client: iv.AsyncClient) -> None:
    """One request through the whole middleware chain."""
    response = await client._chain(httpx.Request("GET", f"{URL}/jobs"))
    assert response.status_code == 200


async def test_while_the_budget_is_unknown_one_request_goes_alone(
    redis_server: RedisServer,
) -> None:
    """With nothing known of the key, the first request probes; the rest wait for its reply."""
    server = Server(first_delay=0.2)
    async with (
        RedisBudget(redis_server.url) as one,
        RedisBudget(redis_server.url) as two,
        _client(server, one) as a,
        _client(server, two) as b,
        anyio.create_task_group() as tg,
    ):
        for client in (a, b, a, b, a, b):
            tg.start_soon(_raw_get, client)
    first_reply = server.arrivals[0][0] + 0.2
    assert len(server.arrivals) == 6
    assert all(at >= first_reply - 0.01 for at, _ in server.arrivals[1:])


async def test_clients_on_one_key_together_stay_inside_its_window(
    redis_server: RedisServer,
) -> None:
    """Two clients with their own connections share 4 requests per 0.5 s window: no 429."""
    fake = FakeInstaView(requests_per_minute=4, minute_seconds=0.5)
    key = fake.create_api_key()
    async with fake.client(api_key=key) as setup:
        job = await setup.jobs.create(title="Shared", description="One window")
    policy: dict[str, Any] = {"retry": None, "circuit_breaker": None}
    async with (
        RedisBudget(redis_server.url) as one,
        RedisBudget(redis_server.url) as two,
        fake.client(api_key=key, rate_limit=iv.RateLimitPolicy(budget=one), **policy) as a,
        fake.client(api_key=key, rate_limit=iv.RateLimitPolicy(budget=two), **policy) as b,
        anyio.create_task_group() as tg,
    ):
        for client in (a, b) * 5:
            tg.start_soon(client.jobs.get, job.id)
    statuses = [r.status for r in fake.requests]
    assert statuses.count(429) == 0
    assert len(statuses) == 1 + 10


def _keys(client: redis.Redis, suffix: bytes) -> list[bytes]:
    return [name for name in client.scan_iter("*") if name.endswith(suffix)] or [b"-"]


def _snapshot(client: redis.Redis) -> dict[bytes, tuple[bytes | None, str]]:
    """Every key Redis holds, with its DUMP and its decoded value."""
    held: dict[bytes, tuple[bytes | None, str]] = {}
    for name in client.scan_iter("*"):
        kind = client.type(name)
        value = client.hgetall(name) if kind == b"hash" else client.get(name)
        held[name] = (client.dump(name), repr(value))
    return held


async def test_the_api_key_is_nowhere_in_redis(
    redis_server: RedisServer, redis_sync: redis.Redis
) -> None:
    """Key names and every value (DUMP and decoded) hold a fingerprint, never the API key."""
    server = Server(closed=1.0)
    async with RedisBudget(redis_server.url) as budget, _client(server, budget) as client:
        async with anyio.create_task_group() as tg:
            tg.start_soon(_raw_get, client)
            with anyio.fail_after(5):  # the 429 is met: Redis holds the closed time now
                while not redis_sync.exists(*_keys(redis_sync, b":closed")):  # noqa: ASYNC110
                    await anyio.sleep(0.01)
            held = _snapshot(redis_sync)
        await _raw_get(client)
    held.update(_snapshot(redis_sync))
    assert {name.rsplit(b":", 1)[1] for name in held} >= {b"closed", b"minute"}
    fingerprint = budget_scope(KEY, URL)[:32].encode()
    secret = KEY.encode()
    for name, (dumped, value) in held.items():
        assert fingerprint in name
        assert secret not in name
        assert dumped is not None
        assert secret not in dumped
        assert KEY not in value


async def test_a_redis_client_of_your_own_and_a_prefix(redis_server: RedisServer) -> None:
    """Keys go under the prefix; closing the budget leaves a client you passed open."""
    mine = redis.asyncio.Redis(port=redis_server.port)
    budget = RedisBudget(mine, prefix="myapp")
    server = Server()
    async with _client(server, budget) as client:
        await _raw_get(client)
    await budget.aclose()
    names = [name async for name in mine.scan_iter("*")]
    assert names
    assert all(name.startswith(b"myapp:{") for name in names)
    assert await mine.ping()
    await mine.aclose()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://user:hunter2@127.0.0.1:6379/0", "is not a redis://, rediss:// or unix:// URL"),
        ("redis://:hunter2@127.0.0.1:notaport/0", "the port 'notaport' is not a number"),
        ("redis://:hunter2@127.0.0.1:99999/0", "the port 99999 is not from 1 to 65535"),
        ("redis://:hunter2@127.0.0.1:6379/abc", "the database 'abc' is not a number"),
    ],
)
def test_a_bad_url_is_a_value_error_naming_the_cause_without_the_password(
    url: str, reason: str
) -> None:
    """Construction refuses it at once, in our words; the password is never repeated."""
    with pytest.raises(ValueError, match=r"^Redis URL ") as caught:
        RedisBudget(url)
    assert reason in str(caught.value)
    assert "hunter2" not in "".join(traceback.format_exception(caught.value))
