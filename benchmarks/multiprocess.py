"""Many processes, one API key: bulk import by W workers with and without the Redis budget.

``python -m benchmarks.multiprocess [--quick]`` starts a redis-server on a free 127.0.0.1 port
(persistence off, stopped by its pid) and serves ``FakeInstaView`` on a socket, its "minute"
shortened to 2 s and limited to R requests. For W = 1, 4, 8 and 16 worker processes, N rows are
split between the workers, each running ``candidates.bulk_create`` (concurrency 4) with default
policies: once with the in-process gate only, once with ``RateLimitPolicy(budget=RedisBudget)``.
Every response the fake sends is noted with its time and status (an ASGI wrapper), and counted
per window (the fake's windows are aligned to Unix time). Printed per row: the most 429s any
window saw and their total, the rate of the full windows (the first and last, partial, are left
out) as a fraction of R, and whether every row was created exactly once.

Then the cost of one admission: ``RedisBudget.admit`` against the same local Redis while the
budget has permits, next to a Redis ``PING`` (the floor: one round trip) in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import anyio

import instaview_async as iv
from instaview_async._budget import Reply, Tier, budget_scope
from instaview_async.contrib.redis import RedisBudget
from instaview_async.testing import FakeInstaView
from instaview_async.testing._server import serve
from tests.redis._redis_server import RedisServer

_WINDOW = 2.0  # seconds: the fake's "minute", shortened
_RATE = 40  # R: requests per window
_CONCURRENCY = 4  # per worker
_ROOT = Path(__file__).resolve().parents[1]

Scope = MutableMapping[str, Any]
ASGI = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Any]


class _Noting:
    """ASGI wrapper noting (Unix time, status) of every response the fake starts."""

    def __init__(self, app: ASGI, latency: float = 0.0) -> None:
        self._app = app
        self._latency = latency
        self._random = random.Random(7)
        self.seen: list[tuple[float, int]] = []

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        async def noting(message: Any) -> None:
            if message["type"] == "http.response.start":
                self.seen.append((time.time(), int(message["status"])))
                await self._delay()  # the way back
            await send(message)

        await self._delay()  # the way there: the fake counts the request once it arrives
        await self._app(scope, receive, noting)

    async def _delay(self) -> None:
        if self._latency:
            await anyio.sleep(self._latency * self._random.uniform(0.2, 1.8))


# -- one worker process -----------------------------------------------------------------------


async def _worker(config: dict[str, Any]) -> dict[str, Any]:
    budget = RedisBudget(config["redis"]) if config["redis"] else None
    client = iv.AsyncClient(
        api_key=config["key"],
        base_url=config["base_url"],
        rate_limit=iv.RateLimitPolicy(budget=budget),
    )
    rows = [
        {"first_name": "Row", "last_name": str(i), "email": f"row{i}@bench.test"}
        for i in config["indexes"]
    ]
    print("ready", flush=True)
    await anyio.to_thread.run_sync(sys.stdin.readline)
    statuses: Counter[str] = Counter()
    async with client:
        bulk = client.candidates.bulk_create(
            rows,
            job_id=config["job_id"],
            concurrency=_CONCURRENCY,
            key=lambda _i, fields: f"bench:{fields['email']}",
        )
        async for result in bulk:
            statuses[result.status] += 1
    if budget is not None:
        await budget.aclose()
    return {"statuses": dict(statuses)}


# -- the parent: one row per (W, budget) ------------------------------------------------------


async def _row(
    workers: int, rows: int, shared: bool, redis: RedisServer, latency: float
) -> dict[str, Any]:
    fake = FakeInstaView(requests_per_minute=_RATE, minute_seconds=_WINDOW)
    key = fake.create_api_key()
    noting = _Noting(fake.app, latency)
    async with serve(noting, 0) as base_url:  # type: ignore[arg-type]
        async with fake.client(api_key=key) as setup:
            job = await setup.jobs.create(title="Benchmark job", description="Many workers")
        base = {"base_url": base_url, "key": key, "job_id": job.id}
        base["redis"] = redis.url if shared else None
        processes = [
            subprocess.Popen(  # noqa: ASYNC220 - starting a process does not wait for it
                [
                    sys.executable,
                    "-m",
                    "benchmarks.multiprocess",
                    "--worker",
                    json.dumps({**base, "indexes": list(range(rows))[w::workers]}),
                ],
                cwd=_ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for w in range(workers)
        ]
        for process in processes:
            assert process.stdout is not None
            await anyio.to_thread.run_sync(process.stdout.readline)
        await anyio.sleep(_WINDOW - time.time() % _WINDOW)  # all rows start at a window's start
        noting.seen.clear()
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        outputs = [await anyio.to_thread.run_sync(p.communicate) for p in processes]
    reports = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    return {**_account(workers, shared, rows, noting.seen, reports, fake), "latency": latency}


def _account(
    workers: int,
    shared: bool,
    rows: int,
    seen: list[tuple[float, int]],
    reports: list[dict[str, Any]],
    fake: FakeInstaView,
) -> dict[str, Any]:
    windows: dict[int, Counter[str]] = {}
    for at, status in seen:
        window = windows.setdefault(math.floor(at / _WINDOW), Counter())
        window["429" if status == 429 else "ok" if status < 400 else "other"] += 1
    order = sorted(windows)
    full = order[1:-1] if len(order) > 2 else order
    statuses: Counter[str] = Counter()
    for report in reports:
        statuses.update(report["statuses"])
    emails = Counter(c.get("email") for c in fake.candidates.values())
    once = len(emails) == rows and set(emails.values()) == {1} and statuses["created"] == rows
    return {
        "workers": workers,
        "budget": shared,
        "max_429": max((w["429"] for w in windows.values()), default=0),
        "total_429": sum(w["429"] for w in windows.values()),
        "windows": len(order),
        "rate": statistics.fmean(windows[w]["ok"] for w in full) / _RATE if full else 0.0,
        "once": once,
        "statuses": dict(statuses),
    }


# -- the cost of one admission ----------------------------------------------------------------


async def _admission_cost(redis: RedisServer, samples: int) -> dict[str, float]:
    budget = RedisBudget(redis.url)
    scope = budget_scope("sk_test_benchmark", "http://bench.test")
    far = time.time() + 3600
    plenty = Reply(200, (Tier("minute", 10**9, 10**9, far, 3600.0),))
    first = await budget.admit(scope)  # the probe: its reply fills the window
    assert first is not None
    await budget.report(scope, first, plenty)
    # The floor: a PING written straight on a redis-py connection, as admissions are.
    wire = budget.redis.connection_pool.make_connection()
    await wire.connect()
    admit: list[float] = []
    ping: list[float] = []
    bare: list[float] = []
    for _ in range(samples):  # interleaved, so that load from others hits all alike
        started = time.perf_counter()
        await budget.admit(scope)
        admit.append(time.perf_counter() - started)
        started = time.perf_counter()
        await budget.redis.ping()
        ping.append(time.perf_counter() - started)
        started = time.perf_counter()
        await wire.send_packed_command(b"*1\r\n$4\r\nPING\r\n", check_health=False)
        await wire.read_response()
        bare.append(time.perf_counter() - started)
    await wire.disconnect()
    await budget.aclose()
    return {
        "admit_p50": statistics.median(admit) * 1000,
        "admit_p99": sorted(admit)[int(samples * 0.99)] * 1000,
        "ping_p50": statistics.median(ping) * 1000,
        "bare_p50": statistics.median(bare) * 1000,
    }


# -- output ------------------------------------------------------------------------------------


def _print(results: list[dict[str, Any]], cost: dict[str, float], rows: int) -> None:
    print(
        f"# multiprocess: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}"
    )
    latency = results[0]["latency"] * 1000 if results else 0.0
    print(
        f"N = {rows} rows, R = {_RATE} requests per {_WINDOW:g} s window, 4 tasks per worker, "
        f"network delay {latency:g} ms each way (jittered 0.2x-1.8x)\n"
    )
    print(
        "| W | shared budget | 429s, most in a window | 429s in total | full windows' rate / R |"
        " every row once |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for r in results:
        once = "yes" if r["once"] else f"NO {r['statuses']}"
        print(
            f"| {r['workers']} | {'yes' if r['budget'] else 'no'} | {r['max_429']} | "
            f"{r['total_429']} | {r['rate']:.2f} | {once} |"
        )
    print(
        f"\none admission through local Redis: p50 {cost['admit_p50']:.3f} ms, p99 "
        f"{cost['admit_p99']:.3f} ms; in the same run, redis-py's ping(): p50 "
        f"{cost['ping_p50']:.3f} ms (admission / ping() = "
        f"{cost['admit_p50'] / cost['ping_p50']:.2f}), a PING written on a connection: p50 "
        f"{cost['bare_p50']:.3f} ms (admission / that = {cost['admit_p50'] / cost['bare_p50']:.2f})"
    )


async def _main(quick: bool, latency: float) -> None:
    rows = 120 if quick else 200
    counts = (1, 8) if quick else (1, 4, 8, 16)
    redis = RedisServer().start()
    try:
        results = []
        for workers in counts:
            for shared in (False, True):
                await redis_flush(redis)
                results.append(await _row(workers, rows, shared, redis, latency))
                print(results[-1], file=sys.stderr, flush=True)
        cost = await _admission_cost(redis, 500 if quick else 3000)
    finally:
        redis.kill()
    _print(results, cost, rows)


async def redis_flush(redis: RedisServer) -> None:
    """Each row starts from an empty Redis."""
    budget = RedisBudget(redis.url)
    await budget.redis.flushall()
    await budget.aclose()


def main() -> None:
    """Run the benchmark (or, with --worker, one worker process of it)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.multiprocess")
    parser.add_argument("--quick", action="store_true", help="fewer rows and worker counts")
    parser.add_argument(
        "--latency",
        type=float,
        default=0.0,
        metavar="MS",
        help="one-way network delay the fake adds each way, jittered 0.2x-1.8x (default 0)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(asyncio.run(_worker(json.loads(args.worker)))), flush=True)
        return
    asyncio.run(_main(args.quick, args.latency / 1000))


if __name__ == "__main__":
    main()
