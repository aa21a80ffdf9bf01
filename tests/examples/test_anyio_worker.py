"""examples/anyio_worker.py against the fake: draining, failures, and graceful shutdown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest

from examples.anyio_worker import MalformedLine, Numbered, Summary, Worker, main, report
from instaview_async import AsyncClient, CallNext, ValidationError
from tests.examples.conftest import FakeSetup
from tests.http_family import httpx

pytestmark = pytest.mark.anyio


def _row(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "first_name": f"Ada{n}",
        "last_name": "Lovelace",
        "email": f"ada{n}@example.com",
    } | extra


class HangOnPost:
    """A middleware that never answers a POST, to stand for a slow API."""

    async def __call__(self, request: httpx.Request, call_next: CallNext) -> httpx.Response:
        if request.method == "POST":
            await anyio.sleep_forever()
        return await call_next(request)


async def test_drains_the_queue_and_accounts_for_every_row(fake_api: FakeSetup) -> None:
    """Every row ends up created or failed; a closed queue ends the run without stopping."""
    rows = [_row(n) for n in range(9)]
    rows.insert(4, {"first_name": "No last name, no contact"})
    send, receive = anyio.create_memory_object_stream[Numbered](len(rows))
    async with send:
        for number, row in enumerate(rows):
            await send.send((number, row))
    async with fake_api.client() as client, receive:
        summary = await Worker(client, job_id=fake_api.job_id, concurrency=3).run(receive)
    assert sorted(summary.created) == [n for n in range(10) if n != 4]
    assert list(summary.failed) == [4]
    assert isinstance(summary.failed[4], ValidationError)
    assert (summary.unfinished, summary.stopped) == (set(), False)
    assert set(summary.created.values()) <= set(fake_api.fake.candidates)


async def test_stop_takes_no_new_rows_and_returns(fake_api: FakeSetup) -> None:
    """After stop(), idle tasks stop waiting and rows sent later stay on the queue."""
    send, receive = anyio.create_memory_object_stream[Numbered](10)
    async with fake_api.client() as client, send, receive:
        worker = Worker(client, job_id=fake_api.job_id, concurrency=2)
        result: list[Summary] = []
        async with anyio.create_task_group() as tg:

            async def run() -> None:
                result.append(await worker.run(receive))

            tg.start_soon(run)
            for n in range(3):
                await send.send((n, _row(n)))
            await anyio.wait_all_tasks_blocked()
            worker.stop()
        await send.send((99, _row(99)))
        assert receive.statistics().current_buffer_used == 1
    assert sorted(result[0].created) == [0, 1, 2]
    assert result[0].stopped


async def test_rows_in_flight_past_the_grace_period_are_unfinished(fake_api: FakeSetup) -> None:
    """stop() with grace=0 cancels rows still being sent and reports them as unfinished."""
    send, receive = anyio.create_memory_object_stream[Numbered](10)
    client = fake_api.fake.client(api_key=fake_api.key, middleware=[HangOnPost()])
    async with client, send, receive:
        worker = Worker(client, job_id=fake_api.job_id, concurrency=2, grace=0.0)
        async with anyio.create_task_group() as tg:
            tg.start_soon(worker.run, receive)
            for n in range(3):
                await send.send((n, _row(n)))
            await anyio.wait_all_tasks_blocked()
            worker.stop()
        assert receive.statistics().current_buffer_used == 1  # row 2 was never taken
    assert worker.summary.unfinished == {0, 1}
    assert worker.summary.created == {}


async def test_main_feeds_a_jsonl_file(fake_api: FakeSetup, tmp_path: Path) -> None:
    """main() reads a JSON lines file, creates every candidate and ends when the file does."""
    path = tmp_path / "candidates.jsonl"
    path.write_text("".join(json.dumps(_row(n)) + "\n" for n in range(5)))
    summary = await main(fake_api.job_id, str(path), client_factory=fake_api.client)
    assert sorted(summary.created) == [1, 2, 3, 4, 5]  # by line number
    assert (summary.failed, summary.unfinished, summary.stopped) == ({}, set(), False)


async def test_a_malformed_line_is_one_failed_row_and_the_rest_goes_on(
    fake_api: FakeSetup, tmp_path: Path
) -> None:
    """Bad JSON, a non-object, a non-string field and bad UTF-8 each fail one row; all else is
    created and the summary names each bad line."""
    good = [json.dumps(_row(n)).encode() for n in range(4)]
    bad = [b'{"first_name": "Ada",', b"[1, 2]", b'{"first_name": "A", "email": 7}', b"\xff\xfe{}"]
    lines = [good[0], bad[0], b"", good[1], bad[1], good[2], bad[2], bad[3], good[3]]
    path = tmp_path / "candidates.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    summary = await main(fake_api.job_id, str(path), client_factory=fake_api.client)
    assert sorted(summary.created) == [1, 4, 6, 9]  # line numbers
    assert {n: str(error) for n, error in summary.failed.items()} == {
        2: "not valid JSON: Expecting property name enclosed in double quotes at column 22",
        5: "expected a JSON object, got list",
        7: "email must be a string, got 7",
        8: "not UTF-8 text",
    }
    assert all(isinstance(error, MalformedLine) for error in summary.failed.values())
    assert [error.line for error in summary.failed.values()] == [2, 5, 7, 8]
    assert len(fake_api.fake.candidates) == 4
    assert report(summary).splitlines() == [
        "created 4, failed 4, unfinished 0",
        *(f"line {n}: {error}" for n, error in sorted(summary.failed.items())),
    ]


async def test_a_missing_file_fails_plainly_before_any_request(
    fake_api: FakeSetup, tmp_path: Path
) -> None:
    """main() on a missing file raises FileNotFoundError itself (no ExceptionGroup), before it
    makes a client."""
    made: list[AsyncClient] = []

    def factory() -> AsyncClient:
        made.append(fake_api.client())
        return made[-1]

    with pytest.raises(FileNotFoundError):
        await main(fake_api.job_id, str(tmp_path / "nope.jsonl"), client_factory=factory)
    assert made == []
