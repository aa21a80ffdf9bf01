"""An anyio worker: a task group drains a queue of candidates, and stops gracefully.

``Worker.run`` takes numbered rows, ``(number, row)``, from a memory object stream with
``concurrency`` tasks until the stream ends or ``Worker.stop()`` is called. Stopping is
graceful: no new row is taken, rows already being sent get ``grace`` seconds to finish, then
they are cancelled. Every row taken is accounted for in the ``Summary`` by its number: created,
failed (with the error), or unfinished. Read from a file, a row's number is its line number.
It runs on asyncio and on trio. Run it against the real API::

    INSTAVIEW_API_KEY=sk_live_... python examples/anyio_worker.py JOB_ID candidates.jsonl

Each line of the file is a JSON object: ``{"first_name": ..., "last_name": ..., "email": ...}``.
A line that is not one (bad JSON, not an object, a field that is not a string, not UTF-8) is
one failed row, a ``MalformedLine`` naming the line and the cause, and the rest goes on.
Ctrl-C (SIGINT) or SIGTERM stops it gracefully; the summary is printed either way.
"""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Callable, Mapping
from typing import Any

import anyio
import attrs
from anyio import AsyncFile
from anyio.abc import ObjectReceiveStream, ObjectSendStream

from instaview_async import AsyncClient, InstaViewError

Row = Mapping[str, Any]
ClientFactory = Callable[[], AsyncClient]
FIELDS = ("first_name", "last_name", "email", "phone_number")
"""The fields a row may carry; each is a string."""


class MalformedLine(ValueError):
    """An input line that is not a row: ``line`` is its number in the file (from 1)."""

    def __init__(self, line: int, cause: str) -> None:
        super().__init__(cause)
        self.line = line


Numbered = tuple[int, Row | MalformedLine]
"""A row and its number (a line number when read from a file), as the queue carries them."""


@attrs.define
class Summary:
    """What happened to every row the worker took off the queue, by the row's number."""

    created: dict[int, str] = attrs.Factory(dict)
    """Row number -> id of the candidate created."""
    failed: dict[int, InstaViewError | MalformedLine] = attrs.Factory(dict)
    """Row number -> the error the SDK raised, or why the input line is not a row."""
    unfinished: set[int] = attrs.Factory(set)
    """Rows still being sent when the grace period ran out (they may or may not exist)."""
    stopped: bool = False
    """True when ``stop()`` ended the run before the queue was drained."""


class Worker:
    """Creates candidates for one job from a queue of rows, ``concurrency`` at a time."""

    def __init__(
        self, client: AsyncClient, *, job_id: str, concurrency: int = 4, grace: float = 10.0
    ) -> None:
        self._client = client
        self._job_id = job_id
        self._concurrency = concurrency
        self._grace = grace
        self._scope: anyio.CancelScope | None = None
        self._idle: set[anyio.CancelScope] = set()
        self._stopping = False
        self.summary = Summary()

    async def run(self, rows: ObjectReceiveStream[Numbered]) -> Summary:
        """Process rows until the stream ends or ``stop()`` is called; return the summary."""
        with anyio.CancelScope() as self._scope:
            async with anyio.create_task_group() as tg:
                for _ in range(self._concurrency):
                    tg.start_soon(self._consume, rows)
        self.summary.stopped = self._stopping
        return self.summary

    def stop(self) -> None:
        """Take no new rows; give rows in flight ``grace`` seconds, then cancel them."""
        self._stopping = True
        for idle in self._idle:
            idle.cancel()
        if self._scope is not None:
            self._scope.deadline = min(self._scope.deadline, anyio.current_time() + self._grace)

    async def _consume(self, rows: ObjectReceiveStream[Numbered]) -> None:
        while not self._stopping:
            item = await self._next(rows)
            if item is None:
                return
            number, row = item
            if isinstance(row, MalformedLine):
                self.summary.failed[number] = row
            else:
                await self._create(number, row)

    async def _next(self, rows: ObjectReceiveStream[Numbered]) -> Numbered | None:
        """The next row, or None once the stream ended or the worker is stopping."""
        with anyio.CancelScope() as idle:
            self._idle.add(idle)
            try:
                return await rows.receive()
            except anyio.EndOfStream:
                return None
            finally:
                self._idle.discard(idle)
        return None  # stop() cancelled the wait

    async def _create(self, number: int, row: Row) -> None:
        self.summary.unfinished.add(number)
        try:
            candidate = await self._client.candidates.create(
                first_name=str(row.get("first_name", "")),
                last_name=str(row.get("last_name", "")),
                email=row.get("email"),
                phone_number=row.get("phone_number"),
                job_ids=[self._job_id],
            )
        except InstaViewError as error:
            self.summary.failed[number] = error
        else:
            self.summary.created[number] = candidate.id
        self.summary.unfinished.discard(number)


async def feed(lines: AsyncFile[bytes], rows: ObjectSendStream[Numbered]) -> None:
    """Put each non-blank line on the queue as a row numbered by its line (or why it is not a
    row), then close the queue; stop early if the worker did."""
    async with rows:
        number = 0
        async for line in lines:
            number += 1
            if line.strip():
                try:
                    await rows.send((number, parse_line(line, number)))
                except anyio.BrokenResourceError:
                    return  # the worker stopped and closed its end


def parse_line(line: bytes, number: int) -> Row | MalformedLine:
    """One JSON Lines line as a row, or the MalformedLine saying why it is not one."""
    try:
        row = json.loads(line.decode().rstrip("\r\n"))
    except UnicodeDecodeError:
        return MalformedLine(number, "not UTF-8 text")
    except json.JSONDecodeError as error:
        return MalformedLine(number, f"not valid JSON: {error.msg} at column {error.colno}")
    if not isinstance(row, dict):
        return MalformedLine(number, f"expected a JSON object, got {type(row).__name__}")
    for field in FIELDS:
        if not isinstance(row.get(field, ""), str | None):
            return MalformedLine(number, f"{field} must be a string, got {row[field]!r}")
    return row


def report(summary: Summary, label: str = "line") -> str:
    """The summary as text: the counts, then each failed or unfinished row by number."""
    lines = [
        f"created {len(summary.created)}, failed {len(summary.failed)}, "
        f"unfinished {len(summary.unfinished)}{' (stopped)' if summary.stopped else ''}"
    ]
    lines += [f"{label} {n}: {error}" for n, error in sorted(summary.failed.items())]
    lines += [f"{label} {n}: unfinished, may or may not exist" for n in sorted(summary.unfinished)]
    return "\n".join(lines)


async def main(job_id: str, path: str, client_factory: ClientFactory = AsyncClient) -> Summary:
    """Feed the file to a worker, stopping gracefully on SIGINT or SIGTERM."""
    # The file opens first, so a missing one fails plainly, before any row or task.
    async with await anyio.open_file(path, "rb") as lines, client_factory() as client:
        send, receive = anyio.create_memory_object_stream[Numbered](100)
        async with anyio.create_task_group() as tg, receive:
            worker = Worker(client, job_id=job_id)
            tg.start_soon(feed, lines, send)
            tg.start_soon(_stop_on_signal, worker)
            summary = await worker.run(receive)
            tg.cancel_scope.cancel()  # the feeder and the signal watcher
    return summary


async def _stop_on_signal(worker: Worker) -> None:
    with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        async for _ in signals:
            worker.stop()
            return


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python examples/anyio_worker.py JOB_ID CANDIDATES.jsonl")
    try:
        result = anyio.run(main, sys.argv[1], sys.argv[2])
    except OSError as error:
        sys.exit(f"cannot read {sys.argv[2]}: {error.strerror}")
    except InstaViewError as error:  # no key, or the API refused it
        sys.exit(str(error))
    print(report(result))
    sys.exit(1 if result.failed or result.unfinished or result.stopped else 0)
