"""An anyio worker: a task group drains a queue of candidates, and stops gracefully.

``Worker.run`` takes rows from a memory object stream with ``concurrency`` tasks until the
stream ends or ``Worker.stop()`` is called. Stopping is graceful: no new row is taken, rows
already being sent get ``grace`` seconds to finish, then they are cancelled. Every row taken
is accounted for in the ``Summary``: created, failed (with the error), or unfinished.
It runs on asyncio and on trio. Run it against the real API::

    INSTAVIEW_API_KEY=sk_live_... python examples/anyio_worker.py JOB_ID candidates.jsonl

Each line of the file is a JSON object: ``{"first_name": ..., "last_name": ..., "email": ...}``.
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
from anyio.abc import ObjectReceiveStream, ObjectSendStream

from instaview_async import AsyncClient, InstaViewError

Row = Mapping[str, Any]
ClientFactory = Callable[[], AsyncClient]


@attrs.define
class Summary:
    """What happened to every row the worker took off the queue, by its position."""

    created: dict[int, str] = attrs.Factory(dict)
    """Row number -> id of the candidate created."""
    failed: dict[int, InstaViewError] = attrs.Factory(dict)
    """Row number -> the error the SDK raised."""
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
        self._taken = 0
        self.summary = Summary()

    async def run(self, rows: ObjectReceiveStream[Row]) -> Summary:
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

    async def _consume(self, rows: ObjectReceiveStream[Row]) -> None:
        while not self._stopping:
            row = await self._next(rows)
            if row is None:
                return
            number = self._taken
            self._taken += 1
            await self._create(number, row)

    async def _next(self, rows: ObjectReceiveStream[Row]) -> Row | None:
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


async def feed(path: str, rows: ObjectSendStream[Row]) -> None:
    """Put each JSON line of ``path`` on the queue, then close it; stop if the worker did."""
    async with rows, await anyio.open_file(path) as lines:
        async for line in lines:
            if line.strip():
                try:
                    await rows.send(json.loads(line))
                except anyio.BrokenResourceError:
                    return  # the worker stopped and closed its end


async def main(job_id: str, path: str, client_factory: ClientFactory = AsyncClient) -> Summary:
    """Feed the file to a worker, stopping gracefully on SIGINT or SIGTERM."""
    send, receive = anyio.create_memory_object_stream[Row](max_buffer_size=100)
    async with client_factory() as client, anyio.create_task_group() as tg:
        worker = Worker(client, job_id=job_id)
        tg.start_soon(feed, path, send)
        tg.start_soon(_stop_on_signal, worker)
        async with receive:
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
    result = anyio.run(main, sys.argv[1], sys.argv[2])
    print(
        f"created {len(result.created)}, failed {len(result.failed)}, "
        f"unfinished {len(result.unfinished)}{' (stopped)' if result.stopped else ''}"
    )
    sys.exit(1 if result.failed or result.unfinished or result.stopped else 0)
