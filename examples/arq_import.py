"""A bulk import spread over arq workers: one key's budget and one journal, shared in Redis.

A producer cuts a JSON Lines file of candidates into chunks and enqueues one arq job per
chunk; any number of arq workers, on any machines, run ``bulk_create`` on the chunks. They
share, through the same Redis arq uses:

- the key's rate-limit budget (`RedisBudget`): together they stay inside the API's limits;
- the journal of done rows (`RedisJournal`): a row done by any worker is skipped by all.

arq may run a job twice (a worker killed mid-job has its jobs run again by another one): the
journal skips the rows already done, and every row's idempotency key is derived from the
file's content, the job and the row's line number, so a row whose reply was lost is replayed
by the API, not created twice. Needs the extra ``arq`` (redis-py and arq)::

    export INSTAVIEW_API_KEY=sk_live_... REDIS_URL=redis://127.0.0.1:6379/0
    python examples/arq_import.py enqueue candidates.jsonl --job-id JOB_ID
    arq examples.arq_import.WorkerSettings        # as many as you like, anywhere

Each line of the file is a JSON object such as
``{"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}``. A line that
is not one is reported by ``enqueue`` with its line number and not enqueued; the rest goes
on (exit status 1). Rows are named by their line in the file (from 1) everywhere: in the
journal, in the workers' messages and in the jobs' results.

**Enqueueing again resumes.** Job ids are fixed (the file's hash, the ``--job-id`` and the
chunk's first line), so ``enqueue`` adds no chunk twice: it prints how many chunks it
enqueued, how many were already queued or running and how many are done. A chunk whose job
*failed* (its arq result says so) is enqueued again, after its result is deleted; the journal
and the idempotency keys make its done rows cost nothing. Enqueue a file again with the same
``--chunk``. arq keeps results for an hour; after that a chunk is simply enqueued again, and
its worker skips every row the journal has. The same file enqueued with another ``--job-id``
is another import, as with the CLI: its own chunks, idempotency keys and journal, so every row
is created for that job too.

**Why a chunk cannot time out on a throttled key.** A try of a chunk stops by itself a little
before arq's ``job_timeout`` (arq treats a timeout as a failure and does not retry it), and
raises arq's ``Retry``: the next try goes on after the rows done. A try also retries when
rows were left undone by an outage (the import stopped early) or failed for a passing cause
(429 past ``max_wait``, 5xx, connection errors, an open circuit). After
``ARQ_IMPORT_MAX_TRIES`` tries the job fails with the count of rows not done, and ``enqueue``
resumes it. A rejected key (401/403) fails the job at once. Rows that fail for good (a
validation error) are printed by the worker and listed in the job's result; retrying would not
help them.

The default ``job_timeout`` fits one worker's ``max_jobs`` chunks at once on the slowest plan
(60 requests a minute for the whole key), each row taking up to two requests, plus one minute
of waiting for a window: ``max_jobs * chunk * 2 s + 60 s`` (220 s with the defaults), under
arq's 300 s. With more workers on one key a chunk gets less of the budget and may need more
than one try; ten tries cover ten such workers. A longer ``job_timeout`` is not free: a job
lost with its worker (SIGKILL, a crash) runs again only when arq's in-progress mark of it
expires, ``job_timeout`` + 10 s after it started.

Settings, from the environment (the same on the producer and every worker):

- ``REDIS_URL`` (default ``redis://127.0.0.1:6379/0``): where arq, the budget and the journal
  meet.
- ``INSTAVIEW_API_KEY``, ``INSTAVIEW_BASE_URL``: the workers' client, as for `AsyncClient`.
- ``ARQ_IMPORT_CHUNK`` (default 20): rows per job (``enqueue --chunk`` overrides it for the
  producer); the workers' default ``job_timeout`` is derived from it.
- ``ARQ_IMPORT_MAX_JOBS`` (default 4): chunks one worker runs at once (arq's ``max_jobs``).
- ``ARQ_IMPORT_JOB_TIMEOUT`` (default ``max_jobs * chunk * 2 + 60`` seconds): arq's
  ``job_timeout``; a try stops by itself ``min(10, job_timeout / 4)`` seconds before it.
- ``ARQ_IMPORT_MAX_TRIES`` (default 10): tries of one chunk before its job fails (arq's
  ``max_tries``; a try lost with its worker counts too).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import math
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import anyio
import attrs
from arq import ArqRedis, Retry, create_pool
from arq.connections import RedisSettings
from arq.constants import result_key_prefix
from arq.jobs import Job, JobStatus

from instaview_async import (
    APIConnectionError,
    AsyncClient,
    AuthenticationError,
    BulkResult,
    CircuitOpenError,
    ImportStoppedError,
    PermissionDeniedError,
    RateLimitError,
    RateLimitPolicy,
    ServerError,
)
from instaview_async.contrib.redis import RedisBudget, RedisJournal
from instaview_async.journal import JournalBinding, JournalEntry
from instaview_async.models import Candidate

CHUNK = int(os.environ.get("ARQ_IMPORT_CHUNK", "20"))
MAX_JOBS = int(os.environ.get("ARQ_IMPORT_MAX_JOBS", "4"))
MAX_TRIES = int(os.environ.get("ARQ_IMPORT_MAX_TRIES", "10"))
CONCURRENCY = 8
"""Rows of one chunk in flight at once."""
SLOWEST_RATE = 1.0
"""Requests a second the whole key may make on the smallest plan (60 a minute)."""
REQUESTS_PER_ROW = 2
"""A create, and a retry or the lookup of an existing candidate."""
WINDOW = 60.0
"""The longest wait for a rate-limit window to reset."""

TRANSIENT = (RateLimitError, ServerError, APIConnectionError, CircuitOpenError)
"""Failures another try may not meet: the chunk is retried, not the row given up."""

Numbered = tuple[int, dict[str, Any]]
"""A row and its line number in the file (from 1), as a job carries it."""


def default_job_timeout(chunk: int = CHUNK, max_jobs: int = MAX_JOBS) -> int:
    """Seconds for one worker's ``max_jobs`` chunks at once, alone on the slowest key."""
    return math.ceil(max_jobs * chunk * REQUESTS_PER_ROW / SLOWEST_RATE + WINDOW)


JOB_TIMEOUT = int(os.environ.get("ARQ_IMPORT_JOB_TIMEOUT") or default_job_timeout())


def try_deadline(job_timeout: float | None = None) -> float:
    """Seconds a try runs before it stops and asks arq to run it again."""
    timeout = JOB_TIMEOUT if job_timeout is None else job_timeout
    return timeout - min(10.0, timeout / 4)


def redis_settings() -> RedisSettings:
    """Where arq, the budget and the journal meet: ``$REDIS_URL``."""
    return RedisSettings.from_dsn(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))


# --8<-- [start:budget]
async def startup(ctx: dict[str, Any]) -> None:
    """One client per worker process, its rate limit shared through arq's own Redis."""
    ctx["client"] = AsyncClient(rate_limit=RateLimitPolicy(budget=RedisBudget(ctx["redis"])))


async def shutdown(ctx: dict[str, Any]) -> None:
    """Close the worker's client."""
    await ctx["client"].aclose()


# --8<-- [end:budget]


@attrs.define
class ChunkRun:
    """What one try of a chunk did: counts by outcome, and the rows that failed."""

    counts: Counter[str] = attrs.field(factory=Counter)
    failed: dict[int, str] = attrs.field(factory=dict)
    """Line -> error, for rows another try would not help."""
    passing: dict[int, str] = attrs.field(factory=dict)
    """Line -> error, for rows that failed for a cause that may pass."""

    def result(self) -> dict[str, Any]:
        """The job's result: the non-zero counts, and ``failed`` (line -> error) if any."""
        result: dict[str, Any] = {name: n for name, n in self.counts.items() if n}
        if self.failed:
            result["failed"] = dict(sorted(self.failed.items()))
        return result


def _job_part(job_id: str | None) -> str:
    """The job's part of a row key or chunk id; none without a job, as before jobs took part."""
    return "" if job_id is None else f"job={job_id}:"


# --8<-- [start:journal]
def row_key(source: str, job_id: str | None, line: int) -> str:
    """The idempotency key of a row: the same for every try of it, another for another job.

    The job is part of it, as in the CLI's keys: under the first job's keys, the same rows
    sent for a second job are other requests, which the API refuses (422
    ``IDEMPOTENCY_KEY_REUSED``). The file's hash stands for the row's fields. Without a job
    the key is the one earlier versions sent, so an import under way keeps its keys.
    """
    return f"arq-import:{source}:{_job_part(job_id)}{line}"


async def import_chunk(
    ctx: dict[str, Any], source: str, job_id: str | None, rows: list[Numbered]
) -> dict[str, Any]:
    """Import the numbered rows of the file whose content hash is ``source``; safe to rerun.

    Returns the counts (``created``, ``existing``, ``done_before``) and the rows that failed
    for good; raises arq's ``Retry`` while rows are left to do, RuntimeError when the key is
    rejected or the tries are spent.
    """
    deadline = anyio.current_time() + try_deadline()
    client: AsyncClient = ctx["client"]
    run = ChunkRun()
    todo: list[Numbered] = []
    stopped = None
    # Closed at the end: rows done while Redis was unavailable are written then, if it is back.
    async with RedisJournal(ctx["redis"]) as journal:
        await journal.bind(
            JournalBinding(source=source, target=client.base_url, kind="candidates", job_id=job_id)
        )
        for line, fields in rows:
            if await journal.get(str(line)) is None:
                todo.append((line, fields))
            else:
                run.counts["done_before"] += 1
        with anyio.CancelScope(deadline=deadline) as scope:
            stopped = await _send(client, journal, source, job_id, todo, run)
    left = len(todo) - run.counts["created"] - run.counts["existing"] - len(run.failed)
    if left:
        reason = _why(scope.cancelled_caught, stopped, run)
        _retry_or_fail(ctx, left, len(rows), reason, stopped, quick=scope.cancelled_caught)
    return run.result()


async def _send(
    client: AsyncClient,
    journal: RedisJournal,
    source: str,
    job_id: str | None,
    todo: list[Numbered],
    run: ChunkRun,
) -> ImportStoppedError | None:
    """Send the rows not done yet, recording each done one; why the import stopped, if so."""
    bulk = client.candidates.bulk_create(
        [fields for _, fields in todo],
        job_id=job_id,
        concurrency=CONCURRENCY,
        key=lambda index, _fields: row_key(source, job_id, todo[index][0]),
    )
    async with bulk:
        async for result in bulk:
            await _account(journal, todo[result.index][0], result, run)
    return bulk.stopped


async def _account(
    journal: RedisJournal, line: int, result: BulkResult[Candidate], run: ChunkRun
) -> None:
    if result.status in ("created", "existing"):
        run.counts[result.status] += 1
        resource_id = getattr(result.value, "id", None)
        await journal.record(
            JournalEntry(row_id=str(line), status=result.status, resource_id=resource_id)
        )
    elif result.status == "failed" and isinstance(result.error, TRANSIENT):
        run.passing[line] = str(result.error)
    elif result.status == "failed":
        run.failed[line] = str(result.error)
        run.counts["failed"] += 1
        print(f"line {line}: {result.error}", file=sys.stderr)
    # "skipped": the import stopped early; the row is left for the next try.


# --8<-- [end:journal]


def _why(deadline_passed: bool, stopped: ImportStoppedError | None, run: ChunkRun) -> str:
    if deadline_passed:
        return f"the try's {try_deadline():.0f} s (job_timeout {JOB_TIMEOUT} s) ran out"
    if stopped is not None:
        return f"the import stopped: {stopped}"
    first = min(run.passing.items(), default=None)
    return "rows were left undone" if first is None else f"line {first[0]}: {first[1]}"


def _retry_or_fail(
    ctx: dict[str, Any],
    left: int,
    total: int,
    reason: str,
    stopped: ImportStoppedError | None,
    *,
    quick: bool,
) -> None:
    """Ask arq for another try, or fail the job when another try cannot help or is not left."""
    tries = int(ctx.get("job_try", 1))
    if stopped is not None and isinstance(
        stopped.cause, AuthenticationError | PermissionDeniedError
    ):
        # A builtin exception: arq pickles it into the result, which ``enqueue`` reads.
        raise RuntimeError(f"{left} of {total} rows not done: {reason}")
    if tries >= MAX_TRIES:
        raise RuntimeError(
            f"{left} of {total} rows not done after {tries} tries, the last because {reason}; "
            "enqueue the file again to resume"
        )
    print(f"{ctx.get('job_id')}: {left} rows left ({reason}); trying again", file=sys.stderr)
    raise Retry(defer=1 if quick else min(WINDOW, 5.0 * tries))


class WorkerSettings:
    """``arq examples.arq_import.WorkerSettings``: a worker running import chunks."""

    functions = [import_chunk]
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = redis_settings()
    job_timeout = JOB_TIMEOUT
    max_jobs = MAX_JOBS
    max_tries = MAX_TRIES


# -- the producer ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Parsed:
    """A file's rows by line number, and the lines that are not rows (line -> why)."""

    source: str
    rows: list[Numbered]
    bad: dict[int, str]


def parse(content: bytes) -> Parsed:
    """Read JSON Lines one line at a time: a bad line is reported, the others are rows."""
    rows: list[Numbered] = []
    bad: dict[int, str] = {}
    for number, raw in enumerate(content.split(b"\n"), start=1):
        if not raw.strip():
            continue
        value = _parse_line(raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw)
        if isinstance(value, str):
            bad[number] = value
        else:
            rows.append((number, value))
    return Parsed(source="sha256:" + hashlib.sha256(content).hexdigest(), rows=rows, bad=bad)


def _parse_line(raw: bytes) -> dict[str, Any] | str:
    """The line's object, or why it is not one."""
    try:
        value = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        return f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at column {error.start + 1})"
    except json.JSONDecodeError as error:
        return f"not valid JSON: {error.msg} at column {error.colno}"
    if not isinstance(value, dict):
        return f"expected a JSON object, got {type(value).__name__}"
    return value


@attrs.frozen(kw_only=True)
class Enqueued:
    """What ``enqueue`` did with each chunk, by job id."""

    rows: int
    bad: dict[int, str]
    chunk: int
    enqueued: list[str]
    """Chunks put on the queue now (the resumed ones included)."""
    resumed: list[str]
    """Chunks whose earlier job had failed, enqueued again."""
    pending: list[str]
    """Chunks already queued or running."""
    done: list[str]
    """Chunks whose job completed (within arq's keep_result)."""

    def summary(self) -> str:
        """One line: what happened to the rows and chunks."""
        chunks = len(self.enqueued) + len(self.pending) + len(self.done)
        resumed = f" ({len(self.resumed)} of them after failing)" if self.resumed else ""
        text = (
            f"{_count(self.rows, 'row')} in {_count(chunks, 'chunk')} of up to {self.chunk}: "
            f"{len(self.enqueued)} enqueued{resumed}, {len(self.pending)} already queued or "
            f"running, {len(self.done)} already done"
        )
        if self.bad:
            text += f"; {_count(len(self.bad), 'line')} not enqueued (not rows)"
        return text


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def chunk_id(source: str, job_id: str | None, first_line: int) -> str:
    """The fixed arq job id of a chunk: arq refuses one it holds, so one per file, job, line.

    Without the job, the file enqueued for a second job would find the first job's chunks
    and enqueue nothing. Without a job it is the id earlier versions gave.
    """
    return f"import:{source[7:23]}:{_job_part(job_id)}{first_line}"


async def enqueue(content: bytes, job_id: str | None, chunk: int = CHUNK) -> Enqueued:
    """Enqueue one job per ``chunk`` rows of a file: new chunks and failed ones, nothing twice."""
    parsed = parse(content)
    states: dict[str, list[str]] = {"enqueued": [], "resumed": [], "pending": [], "done": []}
    pool = await create_pool(redis_settings())
    try:
        for start in range(0, len(parsed.rows), chunk):
            rows = parsed.rows[start : start + chunk]
            ident = chunk_id(parsed.source, job_id, rows[0][0])
            states[await _enqueue_chunk(pool, ident, parsed.source, job_id, rows)].append(ident)
    finally:
        await pool.aclose()
    return Enqueued(
        rows=len(parsed.rows),
        bad=parsed.bad,
        chunk=chunk,
        enqueued=states["enqueued"] + states["resumed"],
        resumed=states["resumed"],
        pending=states["pending"],
        done=states["done"],
    )


async def _enqueue_chunk(
    pool: ArqRedis, ident: str, source: str, job_id: str | None, rows: list[Numbered]
) -> str:
    """Enqueue one chunk; say whether it was enqueued, resumed, pending or done."""
    state = "enqueued"
    for _ in range(2):
        if await pool.enqueue_job("import_chunk", source, job_id, rows, _job_id=ident):
            return state
        # arq holds this id: queued, running, or a result kept from an earlier run.
        job = Job(ident, pool)
        if await job.status() != JobStatus.complete:
            return "pending"
        info = await job.result_info()
        if info is None or info.success:
            return "done"
        await pool.delete(result_key_prefix + ident)  # a failed chunk: run it again
        state = "resumed"
    return "pending"  # another producer enqueued it between our delete and our enqueue


def main() -> None:
    """``python examples/arq_import.py enqueue FILE [--job-id ID] [--chunk N]``."""
    parser = argparse.ArgumentParser(prog="arq_import.py")
    commands = parser.add_subparsers(dest="command", required=True)
    producer = commands.add_parser("enqueue", help="enqueue the chunks of a JSON Lines file")
    producer.add_argument("file", type=Path)
    producer.add_argument("--job-id")
    producer.add_argument("--chunk", type=int, default=CHUNK)
    args = parser.parse_args()
    if args.chunk < 1:
        parser.error("--chunk must be at least 1")
    result = asyncio.run(enqueue(args.file.read_bytes(), args.job_id, args.chunk))
    for line, reason in sorted(result.bad.items()):
        print(f"line {line}: {reason}", file=sys.stderr)
    print(result.summary())
    sys.exit(1 if result.bad else 0)


if __name__ == "__main__":
    main()
