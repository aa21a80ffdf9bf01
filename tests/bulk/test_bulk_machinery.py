"""BulkImport: one result per row, bounded concurrency and read-ahead, deterministic keys."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import pytest

import instaview_async as iv
from instaview_async._bulk import row_fields, row_key
from tests.conftest import envelope, error_reply
from tests.helpers import job_json
from tests.http_family import httpx

pytestmark = pytest.mark.anyio


class SlowServer(httpx.AsyncBaseTransport):
    """Creates jobs after a checkpoint, tracking how many requests are in flight at once."""

    def __init__(self, fail_titles: frozenset[str] = frozenset()) -> None:
        self.in_flight = 0
        self.max_in_flight = 0
        self.keys: list[str] = []
        self.fail_titles = fail_titles

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            for _ in range(20):
                await anyio.lowlevel.checkpoint()
            payload = json.loads(request.content)
            self.keys.append(request.headers["Idempotency-Key"])
            if payload["title"] in self.fail_titles:
                return error_reply(400, "VALIDATION_ERROR", "bad", {"fields": {"title": "bad"}})
            return envelope(job_json(id=f"job-{payload['title']}", title=payload["title"]), 201)
        finally:
            self.in_flight -= 1


def _client(server: httpx.AsyncBaseTransport) -> iv.AsyncClient:
    return iv.AsyncClient(
        api_key="sk_test_x",
        base_url="https://api.test",
        transport=server,
        retry=None,
        circuit_breaker=None,
        rate_limit=None,
    )


def _rows(count: int) -> list[dict[str, Any]]:
    return [{"title": f"Title {i:05d}", "description": "A fine job"} for i in range(count)]


async def test_every_row_yields_exactly_one_result() -> None:
    """Good, server-rejected and malformed rows each give one result with its index."""
    rows: list[Any] = _rows(20)
    rows[3] = {"title": "Title bad", "description": "A fine job"}
    rows[7] = {"description": "no title"}  # missing a required argument
    rows[9] = "not a row"
    rows[11] = {"title": "Title x", "description": "d", "colour": "red"}  # unknown field
    server = SlowServer(fail_titles=frozenset({"Title bad"}))
    async with _client(server) as client:
        results = [r async for r in client.jobs.bulk_create(rows, concurrency=4)]
    assert sorted(r.index for r in results) == list(range(20))
    failed = {r.index: r.error for r in results if r.status == "failed"}
    assert set(failed) == {3, 7, 9, 11}
    assert isinstance(failed[3], iv.ValidationError)
    assert "title" in str(failed[7])
    assert "colour" in str(failed[11])
    created = [r for r in results if r.status == "created"]
    assert all(r.value is not None and r.value.id.startswith("job-") for r in created)


async def test_concurrency_is_bounded() -> None:
    """No more than `concurrency` requests are ever in flight."""
    server = SlowServer()
    async with _client(server) as client:
        results = [r async for r in client.jobs.bulk_create(_rows(50), concurrency=5)]
    assert len(results) == 50
    assert 1 < server.max_in_flight <= 5


async def test_rows_are_read_lazily() -> None:
    """A slow consumer holds back the reading of rows: read-ahead is bounded by concurrency."""
    pulled = 0

    def rows() -> Iterator[dict[str, Any]]:
        nonlocal pulled
        for row in _rows(10_000):
            pulled += 1
            yield row

    async with (
        _client(SlowServer()) as client,
        client.jobs.bulk_create(rows(), concurrency=4) as results,
    ):
        first = await results.__anext__()
        for _ in range(20):
            await anyio.lowlevel.checkpoint()
        assert first.status == "created"
        assert pulled <= 4 * 2 + 2


async def test_async_iterables_are_accepted() -> None:
    """Rows may come from an async iterable."""

    async def rows() -> AsyncIterator[dict[str, Any]]:
        for row in _rows(5):
            yield row

    async with _client(SlowServer()) as client:
        results = [r async for r in client.jobs.bulk_create(rows())]
    assert sorted(r.index for r in results) == [0, 1, 2, 3, 4]


async def test_rerun_sends_the_same_idempotency_keys() -> None:
    """Importing the same rows twice sends the same key per row, so nothing is created twice."""
    first, second = SlowServer(), SlowServer()
    for server in (first, second):
        async with _client(server) as client:
            async for _ in client.jobs.bulk_create(_rows(10)):
                pass
    assert sorted(first.keys) == sorted(second.keys)
    assert len(set(first.keys)) == 10


async def test_stopping_early_cancels_cleanly() -> None:
    """Leaving the context after a few results stops the import without errors or leaks."""
    server = SlowServer()
    async with _client(server) as client:
        seen = 0
        async with client.jobs.bulk_create(_rows(1000), concurrency=8) as results:
            async for _ in results:
                seen += 1
                if seen == 5:
                    break
        assert server.in_flight == 0
        job = await client.jobs.create(title="After stop", description="still usable")
        assert job.title == "After stop"
    assert len(server.keys) < 1000


def test_row_fields_accepts_camel_and_snake_keys_and_drops_blanks() -> None:
    """CSV-style camelCase headers and snake_case keys both become keyword arguments."""
    fields = row_fields({"firstName": "Ada", "last_name": "Lovelace", "email": "", "phone": None})
    assert fields == {"first_name": "Ada", "last_name": "Lovelace"}


def test_row_key_is_deterministic_and_position_sensitive() -> None:
    """The same row at the same position gets the same key; another position another key."""
    fields = {"title": "x"}
    assert row_key("ns", 1, fields) == row_key("ns", 1, dict(fields))
    assert row_key("ns", 1, fields) != row_key("ns", 2, fields)
    assert row_key("ns", 1, fields) != row_key("other", 1, fields)


async def test_concurrency_must_be_positive() -> None:
    """concurrency=0 is refused with a clear error."""
    async with _client(SlowServer()) as client, contextlib.AsyncExitStack():
        with pytest.raises(ValueError, match="concurrency"):
            client.jobs.bulk_create([], concurrency=0)
