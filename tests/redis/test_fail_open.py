"""Fail open: with Redis down, stalled or restarted, clients use their own gate and go on."""

from __future__ import annotations

import logging
import time

import anyio
import pytest
import redis

import instaview_async as iv
from instaview_async.contrib.redis import RedisBudget

from ._redis_server import RedisServer, free_port
from .test_budget import Server, _client, _raw_get

pytestmark = pytest.mark.anyio


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def _infos(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.INFO and "answers again" in r.getMessage()
    ]


async def test_redis_down_from_the_start_then_up_one_warning_and_sharing_resumes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Nothing listening: every request succeeds, one warning; once Redis is up, it is used."""
    caplog.set_level(logging.INFO, logger="instaview_async")
    redis_server = RedisServer(free_port())
    server = Server()
    budget = RedisBudget(redis_server.url, retry_interval=0.1)
    try:
        async with _client(server, budget) as client:
            for _ in range(20):
                await _raw_get(client)
            assert len(_warnings(caplog)) == 1
            assert "unavailable" in _warnings(caplog)[0]
            redis_server.start()
            await anyio.sleep(0.15)  # the retry interval passes
            for _ in range(3):
                await _raw_get(client)
        assert len(server.arrivals) == 23
        assert len(_warnings(caplog)) == 1
        assert len(_infos(caplog)) == 1
        assert redis.Redis(port=redis_server.port).dbsize() > 0
    finally:
        await budget.aclose()
        redis_server.kill()


async def test_a_stalled_redis_costs_one_timeout_not_a_stall(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Redis stopped (SIGSTOP): requests wait at most the small timeout, then go on their own."""
    caplog.set_level(logging.INFO, logger="instaview_async")
    server = Server()
    async with (
        RedisBudget(redis_server.url, timeout=0.05, retry_interval=0.1) as budget,
        _client(server, budget) as client,
    ):
        await _raw_get(client)
        redis_server.pause()
        started = time.monotonic()
        for _ in range(10):
            await _raw_get(client)
        stalled = time.monotonic() - started
        redis_server.resume()
        await anyio.sleep(0.15)
        await _raw_get(client)
    assert stalled < 1.0  # one or two timeouts of 0.05 s, not a wait for Redis
    assert len(_warnings(caplog)) == 1
    assert len(_infos(caplog)) == 1


async def test_redis_restarted_between_requests_loses_nothing(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Killed and started again on its port: the next requests succeed, and sharing resumes."""
    caplog.set_level(logging.INFO, logger="instaview_async")
    server = Server()
    async with (
        RedisBudget(redis_server.url, retry_interval=0.1) as budget,
        _client(server, budget) as client,
    ):
        await _raw_get(client)
        redis_server.kill()
        for _ in range(5):
            await _raw_get(client)
        redis_server.start()
        await anyio.sleep(0.15)
        for _ in range(2):
            await _raw_get(client)
    assert len(server.arrivals) == 8
    assert len(_warnings(caplog)) == 1
    assert len(_infos(caplog)) == 1
    assert redis.Redis(port=redis_server.port).dbsize() > 0


def test_the_warning_and_repr_never_show_the_redis_password(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A password in the URL stays out of the budget's repr and its warning."""
    budget = RedisBudget(f"redis://:hunter2@127.0.0.1:{free_port()}/3", timeout=0.05)

    async def main() -> None:
        async with _client(Server(), budget) as client:
            await _raw_get(client)
        await budget.aclose()

    anyio.run(main)
    assert "hunter2" not in repr(budget)
    assert "127.0.0.1" in repr(budget)
    assert _warnings(caplog)
    assert all("hunter2" not in message for message in _warnings(caplog))


@pytest.mark.parametrize("anyio_backend", ["trio"])
async def test_under_trio_constructing_a_budget_is_a_clear_error() -> None:
    """Under trio, RedisBudget(...) raises InstaViewError naming trio and the way out."""
    with pytest.raises(iv.InstaViewError, match=r"need asyncio.*trio.*without a budget"):
        RedisBudget("redis://127.0.0.1:6379/0")


def test_under_trio_a_budget_built_outside_is_a_clear_error_at_first_use() -> None:
    """A budget made before trio.run fails the first request with the same clear error."""
    trio = pytest.importorskip("trio")
    budget = RedisBudget(f"redis://127.0.0.1:{free_port()}/0")

    async def main() -> None:
        async with _client(Server(), budget) as client:
            with pytest.raises(iv.InstaViewError, match="need asyncio"):
                await _raw_get(client)

    trio.run(main)


def test_a_budget_that_is_not_one_is_refused_naming_the_field() -> None:
    """budget="redis://..." (a URL, not a RedisBudget) raises a TypeError naming budget."""
    with pytest.raises(TypeError, match=r"budget must be a SharedBudget .*got str"):
        iv.RateLimitPolicy(budget="redis://127.0.0.1:6379/0")  # type: ignore[arg-type]
