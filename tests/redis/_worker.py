"""One worker process of the multi-process tests: a client on a shared key, run on cue.

``python -m tests.redis._worker CONFIG`` (CONFIG: JSON) builds its client, prints ``ready``,
waits for a line on stdin, does its work, and prints one JSON line with what happened.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from collections import Counter
from typing import Any

import anyio

import instaview_async as iv
from instaview_async.contrib.redis import RedisBudget


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def _run(config: dict[str, Any]) -> dict[str, Any]:
    capture = _Capture()
    logger = logging.getLogger("instaview_async")
    logger.addHandler(capture)
    logger.setLevel(logging.DEBUG)
    budget = RedisBudget(config["redis"], retry_interval=0.2) if config.get("redis") else None
    client = iv.AsyncClient(
        api_key=config["api_key"],
        base_url=config["base_url"],
        retry=iv.RetryPolicy(max_attempts=10, base_delay=0.05, max_delay=0.5),
        circuit_breaker=None,
        rate_limit=iv.RateLimitPolicy(budget=budget, max_retries=50),
    )
    print("ready", flush=True)
    await anyio.to_thread.run_sync(sys.stdin.readline)
    started = time.monotonic()
    async with client:
        statuses = await _work(client, config)
    if budget is not None:
        await budget.aclose()
    return {
        "statuses": dict(statuses),
        "rate_limited": client.stats.rate_limited,
        "waits": client.stats.rate_limit_waits,
        "elapsed": time.monotonic() - started,
        "warnings": [r.getMessage() for r in capture.records if r.levelno >= logging.WARNING],
        "infos": [r.getMessage() for r in capture.records if r.levelno == logging.INFO],
        "events": [(r.created, r.getMessage()) for r in capture.records],
    }


async def _work(client: iv.AsyncClient, config: dict[str, Any]) -> Counter[str]:
    statuses: Counter[str] = Counter()
    if config["mode"] == "get":
        limiter = anyio.CapacityLimiter(config.get("concurrency", 4))

        async def one() -> None:
            async with limiter:
                await client.jobs.get(config["job_id"])
                statuses["ok"] += 1

        async with anyio.create_task_group() as tg:
            for _ in range(config["count"]):
                tg.start_soon(one)
        return statuses
    rows = config["rows"]
    bulk = client.candidates.bulk_create(
        rows,
        job_id=config["job_id"],
        concurrency=config.get("concurrency", 4),
        key=lambda _index, fields: f"test-row:{fields['email']}",
    )
    async for result in bulk:
        statuses[result.status] += 1
    return statuses


def main() -> None:
    """Run the worker described by the JSON in argv[1]."""
    print(json.dumps(asyncio.run(_run(json.loads(sys.argv[1])))), flush=True)


if __name__ == "__main__":
    main()
