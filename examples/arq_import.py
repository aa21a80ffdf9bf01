"""A bulk import spread over arq workers: one key's budget and one journal, shared in Redis.

A producer cuts a JSON Lines file of candidates into chunks and enqueues one arq job per
chunk; any number of arq workers, on any machines, run ``bulk_create`` on the chunks. They
share, through the same Redis arq uses:

- the key's rate-limit budget (`RedisBudget`): together they stay inside the API's limits;
- the journal of done rows (`RedisJournal`): a row done by any worker is skipped by all.

arq may run a job twice (a worker killed mid-job has its jobs run again by another one): the
journal skips the rows already done, and every row's idempotency key is derived from the
file's content and the row's number, so a row whose reply was lost is replayed by the API,
not created twice. Needs the extras ``redis`` and the ``arq`` package::

    export INSTAVIEW_API_KEY=sk_live_... REDIS_URL=redis://127.0.0.1:6379/0
    python examples/arq_import.py enqueue candidates.jsonl --job-id JOB_ID
    arq examples.arq_import.WorkerSettings        # as many as you like, anywhere

Each line of the file is a JSON object such as
``{"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}``.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from arq import create_pool
from arq.connections import RedisSettings

from instaview_async import AsyncClient, RateLimitPolicy
from instaview_async.contrib.redis import RedisBudget, RedisJournal
from instaview_async.journal import JournalBinding, JournalEntry

CHUNK = 50


def redis_settings() -> RedisSettings:
    """Where arq, the budget and the journal meet: ``$REDIS_URL``."""
    return RedisSettings.from_dsn(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))


async def startup(ctx: dict[str, Any]) -> None:
    """One client per worker process, its rate limit shared through arq's own Redis."""
    ctx["client"] = AsyncClient(rate_limit=RateLimitPolicy(budget=RedisBudget(ctx["redis"])))


async def shutdown(ctx: dict[str, Any]) -> None:
    """Close the worker's client."""
    await ctx["client"].aclose()


async def import_chunk(
    ctx: dict[str, Any], source: str, job_id: str | None, start: int, rows: list[dict[str, Any]]
) -> dict[str, int]:
    """Import rows ``start ..`` of the file whose content hash is ``source``; safe to rerun."""
    client: AsyncClient = ctx["client"]
    # Closed at the end: rows done while Redis was unavailable are written then, if it is back.
    async with RedisJournal(ctx["redis"]) as journal:
        await journal.bind(
            JournalBinding(source=source, target=client.base_url, kind="candidates", job_id=job_id)
        )
        counts: Counter[str] = Counter()
        todo: list[int] = []  # row numbers, in the order bulk_create sees them
        for number in range(start, start + len(rows)):
            if await journal.get(str(number)) is None:
                todo.append(number)
            else:
                counts["skipped"] += 1
        bulk = client.candidates.bulk_create(
            [rows[number - start] for number in todo],
            job_id=job_id,
            concurrency=8,
            key=lambda index, _fields: f"arq-import:{source}:{todo[index]}",
        )
        async for result in bulk:
            counts[result.status] += 1
            if result.status in ("created", "existing"):
                resource_id = getattr(result.value, "id", None)
                entry = JournalEntry(
                    row_id=str(todo[result.index]), status=result.status, resource_id=resource_id
                )
                await journal.record(entry)
            elif result.status == "failed":
                print(f"row {todo[result.index]}: {result.error}", file=sys.stderr)
        return dict(counts)


class WorkerSettings:
    """``arq examples.arq_import.WorkerSettings``: a worker running import chunks."""

    functions = [import_chunk]
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = redis_settings()
    # A job lost with its worker is run again once arq's in-progress mark of it expires,
    # job_timeout + 10 s after it started.
    job_timeout = int(os.environ.get("ARQ_IMPORT_JOB_TIMEOUT", "300"))
    max_jobs = int(os.environ.get("ARQ_IMPORT_MAX_JOBS", "4"))  # chunks at once per worker
    max_tries = 5


async def enqueue(content: bytes, job_id: str | None, chunk: int = CHUNK) -> int:
    """Enqueue one job per ``chunk`` rows of a file; enqueueing it again adds no job twice."""
    source = "sha256:" + hashlib.sha256(content).hexdigest()
    rows = [json.loads(line) for line in content.decode("utf-8").splitlines() if line.strip()]
    pool = await create_pool(redis_settings())
    try:
        for start in range(0, len(rows), chunk):
            await pool.enqueue_job(
                "import_chunk",
                source,
                job_id,
                start,
                rows[start : start + chunk],
                _job_id=f"import:{source[7:23]}:{start}",  # arq refuses a job id it holds
            )
    finally:
        await pool.aclose()
    return len(rows)


def main() -> None:
    """``python examples/arq_import.py enqueue FILE [--job-id ID] [--chunk N]``."""
    parser = argparse.ArgumentParser(prog="arq_import.py")
    commands = parser.add_subparsers(dest="command", required=True)
    producer = commands.add_parser("enqueue", help="enqueue the chunks of a JSON Lines file")
    producer.add_argument("file", type=Path)
    producer.add_argument("--job-id")
    producer.add_argument("--chunk", type=int, default=CHUNK)
    args = parser.parse_args()
    count = asyncio.run(enqueue(args.file.read_bytes(), args.job_id, args.chunk))
    print(f"enqueued {count} rows in chunks of {args.chunk}")


if __name__ == "__main__":
    main()
