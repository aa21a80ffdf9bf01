"""Requests in flight across a reset: the new window's first reply has them taken off.

A request admitted just before a window resets can reach the server after the reset and count
against the new window. The probe of the new window may arrive before it, so its reply's
``Remaining`` does not count it yet; handing out all of that would overrun the new window.
These tests drive `RedisBudget` with the replies such a server sends, against a real Redis.
"""

from __future__ import annotations

import time

import anyio
import pytest
import redis

from instaview_async._budget import Admission, Reply, Tier, budget_scope
from instaview_async.contrib.redis import RedisBudget
from instaview_async.contrib.redis._budget import _Live

from ._redis_server import RedisServer

pytestmark = pytest.mark.anyio

SCOPE = budget_scope("sk_test_inflight", "https://api.test")
LIMIT = 10


def _reply(window: float, remaining: int, reset_in: float) -> Reply:
    """A 200 reporting the minute window whose id is ``window`` (its reset, Unix seconds)."""
    return Reply(200, (Tier("minute", LIMIT, remaining, window, reset_in),))


async def _admit(budget: RedisBudget) -> Admission:
    admission = await budget.admit(SCOPE)
    assert admission is not None
    return admission


async def _permits(budget: RedisBudget) -> int:
    """Permits handed out before the budget says wait (none are reported)."""
    taken = 0
    while (await _admit(budget)).wait == 0:
        taken += 1
        assert taken <= LIMIT
    return taken


async def _next_window(a: RedisBudget, first_reset_in: float) -> Admission:
    """A fills window 1 by its probe, waits for the reset, and is the probe of window 2."""
    probe = await _admit(a)
    assert probe.probe
    await a.report(SCOPE, probe, _reply(1000.0, LIMIT - 1, first_reset_in))
    return probe


async def _reset(a: RedisBudget, wait: float) -> Admission:
    await anyio.sleep(wait)
    probe = await _admit(a)
    assert probe.probe  # the window has reset: this request goes alone
    return probe


async def test_requests_in_flight_in_another_process_are_taken_off_the_new_window(
    redis_server: RedisServer,
) -> None:
    """B has 3 requests in flight at the reset: the new window hands out 9 - 3, not 9."""
    async with RedisBudget(redis_server.url) as a, RedisBudget(redis_server.url) as b:
        await _next_window(a, 0.3)
        flying = [await _admit(b) for _ in range(3)]
        assert all(admission.wait == 0 for admission in flying)
        probe = await _reset(a, 0.35)
        # The probe arrived before B's three: the server counted only the probe.
        await a.report(SCOPE, probe, _reply(2000.0, LIMIT - 1, 5.0))
        assert await _permits(a) == LIMIT - 1 - 3
        # B's three land in the new window; their replies lower nothing below what is left.
        for n, admission in enumerate(flying, start=2):
            await b.report(SCOPE, admission, _reply(2000.0, LIMIT - n, 5.0))
        assert await _permits(b) == 0


async def test_without_requests_in_flight_the_new_window_is_handed_out_whole(
    redis_server: RedisServer,
) -> None:
    """B's requests were reported before the reset: nothing is held back."""
    async with RedisBudget(redis_server.url) as a, RedisBudget(redis_server.url) as b:
        await _next_window(a, 0.3)
        for admission in [await _admit(b) for _ in range(3)]:
            await b.report(SCOPE, admission, None)  # no reply came: no longer in flight
        probe = await _reset(a, 0.35)
        await a.report(SCOPE, probe, _reply(2000.0, LIMIT - 1, 5.0))
        assert await _permits(a) == LIMIT - 1


async def test_a_count_older_than_the_horizon_is_left_out(redis_server: RedisServer) -> None:
    """A process that said it had requests in flight, then went silent, holds nothing back."""
    async with RedisBudget(redis_server.url) as a, RedisBudget(redis_server.url) as b:
        a.horizon = b.horizon = 0.2
        await _next_window(a, 0.4)
        for _ in range(3):
            assert (await _admit(b)).wait == 0  # in flight, never reported: B is gone
        probe = await _reset(a, 0.45)
        await a.report(SCOPE, probe, _reply(2000.0, LIMIT - 1, 5.0))
        assert await _permits(a) == LIMIT - 1


async def test_a_closed_budget_takes_its_count_out(redis_server: RedisServer) -> None:
    """`aclose` removes the instance's count at once, rather than after the horizon."""
    async with RedisBudget(redis_server.url) as a:
        b = RedisBudget(redis_server.url)
        await _next_window(a, 0.3)
        for _ in range(3):
            assert (await _admit(b)).wait == 0
        await b.aclose()
        probe = await _reset(a, 0.35)
        await a.report(SCOPE, probe, _reply(2000.0, LIMIT - 1, 5.0))
        assert await _permits(a) == LIMIT - 1


async def test_the_probes_own_process_counts_its_other_requests(
    redis_server: RedisServer,
) -> None:
    """The probe's process had 2 more in flight: they are taken off too, the probe is not."""
    async with RedisBudget(redis_server.url) as a:
        await _next_window(a, 0.3)
        early = [await _admit(a) for _ in range(2)]
        assert all(admission.wait == 0 for admission in early)
        probe = await _reset(a, 0.35)
        started = time.monotonic()
        await a.report(SCOPE, probe, _reply(2000.0, LIMIT - 1, 5.0))
        assert time.monotonic() - started < 1
        assert await _permits(a) == LIMIT - 1 - 2


async def test_concurrent_admissions_of_one_process_are_all_counted(
    redis_server: RedisServer,
) -> None:
    """Four tasks of B take permits at once (four connections): all four are in flight."""
    async with RedisBudget(redis_server.url) as a, RedisBudget(redis_server.url) as b:
        await _next_window(a, 0.4)
        flying: list[Admission] = []

        async def take() -> None:
            flying.append(await _admit(b))

        async with anyio.create_task_group() as tg:
            for _ in range(4):
                tg.start_soon(take)
        assert [admission.wait for admission in flying] == [0, 0, 0, 0]
        probe = await _reset(a, 0.45)
        await a.report(SCOPE, probe, _reply(2000.0, LIMIT - 1, 5.0))
        assert await _permits(a) == LIMIT - 1 - 4


async def test_a_report_left_for_the_next_call_is_carried_by_it(
    redis_server: RedisServer,
) -> None:
    """B reports one of its three, then asks again while the probe is out: two are in flight."""
    async with RedisBudget(redis_server.url) as a, RedisBudget(redis_server.url) as b:
        await _next_window(a, 0.3)
        flying = [await _admit(b) for _ in range(3)]
        b._live[SCOPE] = _Live(count=2, due=float("inf"))  # known: no report of its own
        await b.report(SCOPE, flying[0], _reply(1000.0, LIMIT - 3, 0.2))  # no news: not sent
        probe = await _reset(a, 0.35)
        assert (await _admit(b)).wait > 0  # the probe is out; this call carries B's report
        await a.report(SCOPE, probe, _reply(2000.0, LIMIT - 1, 5.0))
        assert await _permits(a) == LIMIT - 1 - 2


async def test_a_report_says_how_many_clients_share_the_key_and_drops_the_gone(
    redis_server: RedisServer, redis_sync: redis.Redis
) -> None:
    """Each client learns the live count (its pace while Redis is away); an instance silent
    past the horizon (a SIGKILLed worker: no aclose) is not counted, and its fields go."""
    key = f"instaview:{{{SCOPE[:32]}}}:rl:inflight"
    async with RedisBudget(redis_server.url) as a, RedisBudget(redis_server.url) as b:
        assert a.peers(SCOPE) == 1  # nothing heard yet
        await _next_window(a, 5.0)
        redis_sync.hset(key, mapping={"dead": 7, "dead@": 1})  # silent since 1970
        admission = await _admit(b)
        await b.report(SCOPE, admission, _reply(1000.0, 0, 5.0))  # news: fewer left
        assert b.peers(SCOPE) == 2
        fields = {f.decode() for f in redis_sync.hkeys(key)}
        assert "dead" not in fields and "dead@" not in fields
        assert {a._id, b._id} <= fields


async def test_a_client_whose_replies_are_no_news_still_learns_the_live_count(
    redis_server: RedisServer,
) -> None:
    """Its first reply is reported for the count alone, then one after 0.25 s, 0.5 s, ... up to
    every horizon / 2: a client that only ever followed the others still knows its share when
    Redis goes away, also when it started first."""
    now = [0.0]
    async with (
        RedisBudget(redis_server.url) as a,
        RedisBudget(redis_server.url, clock=lambda: now[0]) as b,
    ):
        await _next_window(a, 30.0)
        admission = await _admit(b)
        await b.report(SCOPE, admission, _reply(1000.0, LIMIT - 2, 30.0))  # no news but peers
        assert b.peers(SCOPE) == 2
        c = RedisBudget(redis_server.url)
        await _admit(c)  # a third client arrives
        admission = await _admit(b)
        await b.report(SCOPE, admission, _reply(1000.0, LIMIT - 2, 30.0))
        assert b.peers(SCOPE) == 2  # not asked again yet: no time has passed
        now[0] += b.horizon / 2
        admission = await _admit(b)
        await b.report(SCOPE, admission, _reply(1000.0, LIMIT - 2, 30.0))
        assert b.peers(SCOPE) == 3
        await c.aclose()
