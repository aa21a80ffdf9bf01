"""The budget's script calls, written straight onto redis-py connections (``_wire.Scripts``).

They skip the client's per-command machinery (the pool's lock and socket poll), so these tests
pin what that machinery gave: a reply always goes to its own call, connections are reused and
replaced, the client's settings (password, decoding, protocol) hold, and nothing stays open.
"""

from __future__ import annotations

import asyncio
import time

import anyio
import pytest
import redis
from redis.asyncio import Redis

from instaview_async._budget import Reply, Tier, budget_scope
from instaview_async.contrib.redis import RedisBudget
from instaview_async.contrib.redis._wire import Keys, Scripts

from ._redis_server import RedisServer

pytestmark = pytest.mark.anyio

SCOPE = budget_scope("sk_test_wire", "https://api.test")
ECHO = "return {ARGV[1], KEYS[1]}"  # what the call sent, so that a reply names its call


def _ours(sync: redis.Redis) -> int:
    """Connections whose last command was a script call: the budget's."""
    return sum(1 for c in sync.client_list() if c["cmd"] in ("evalsha", "eval"))


async def _known_window(budget: RedisBudget) -> None:
    """The probe's reply makes the minute window known, with plenty of permits."""
    probe = await budget.admit(SCOPE)
    assert probe is not None and probe.probe
    far = time.time() + 3600
    await budget.report(SCOPE, probe, Reply(200, (Tier("minute", 10**6, 10**6, far, 3600.0),)))


async def test_a_call_cut_off_midway_never_hands_its_reply_to_the_next(
    redis_server: RedisServer,
) -> None:
    """A call timed out while Redis stalls: once Redis answers, the next call gets its own reply."""
    client = Redis.from_url(redis_server.url)
    scripts = Scripts(client, [ECHO])
    keys = Keys(["k"])
    try:
        assert await scripts.call(0, keys, ["warm"]) == [b"warm", b"k"]
        redis_server.pause()
        with pytest.raises(TimeoutError):
            with anyio.fail_after(0.2):
                await scripts.call(0, keys, ["first"])
        redis_server.resume()
        assert await scripts.call(0, keys, ["second"]) == [b"second", b"k"]
    finally:
        await scripts.aclose()
        await client.aclose()


async def test_scripts_redis_has_lost_are_loaded_again(
    redis_server: RedisServer, redis_sync: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    """SCRIPT FLUSH (or a restart): the next admission loads the script, with no warning."""
    async with RedisBudget(redis_server.url) as budget:
        await _known_window(budget)
        redis_sync.script_flush()
        admission = await budget.admit(SCOPE)
        assert admission is not None and admission.wait == 0
        assert redis_sync.script_exists(*[budget._scripts.sha(i) for i in range(3)])[0]
    assert not [r for r in caplog.records if r.levelname == "WARNING"]


async def test_connections_are_reused_one_per_concurrent_call_and_closed_with_the_budget(
    redis_server: RedisServer, redis_sync: redis.Redis
) -> None:
    """Calls one after another share one connection; 8 at once use at most 8; aclose ends them."""
    async with RedisBudget(redis_server.url) as budget:
        await _known_window(budget)
        for _ in range(50):
            await budget.admit(SCOPE)
        assert _ours(redis_sync) == 1
        await asyncio.gather(*(budget.admit(SCOPE) for _ in range(8)))
        assert 1 <= _ours(redis_sync) <= 8
    await anyio.sleep(0.05)  # Redis notices the closed sockets
    assert _ours(redis_sync) == 0


async def test_connections_killed_by_redis_while_idle_are_replaced_without_an_outage(
    redis_server: RedisServer, redis_sync: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    """CLIENT KILL (an idle timeout, a failover) of every idle connection costs no admission."""
    async with RedisBudget(redis_server.url) as budget:
        await _known_window(budget)
        await asyncio.gather(*(budget.admit(SCOPE) for _ in range(4)))
        redis_sync.execute_command("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes")
        for _ in range(6):
            admission = await budget.admit(SCOPE)
            assert admission is not None and admission.wait == 0
    assert not [r for r in caplog.records if r.levelname == "WARNING"]


@pytest.mark.parametrize("protocol", [2, 3])
async def test_a_client_of_your_own_keeps_its_password_decoding_and_protocol(
    redis_server: RedisServer, redis_sync: redis.Redis, protocol: int
) -> None:
    """Connections are made by your client's pool: it authenticates, decodes, speaks RESP3."""
    redis_sync.config_set("requirepass", "s3cret-pass")
    client = Redis(
        port=redis_server.port, password="s3cret-pass", decode_responses=True, protocol=protocol
    )
    try:
        async with RedisBudget(client) as budget:
            await _known_window(budget)
            taken = [await budget.admit(SCOPE) for _ in range(3)]
            assert all(a is not None and a.wait == 0 for a in taken)
        fields = await client.hgetall(f"instaview:{{{SCOPE[:32]}}}:rl:minute")
        assert int(fields["remaining"]) == 10**6 - 3
    finally:
        await client.aclose()
