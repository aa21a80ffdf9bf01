"""The fake API served on a real 127.0.0.1 socket, for driving the ``instaview`` command."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
import anyio.from_thread
import attrs
import pytest

from instaview_async.testing import FakeInstaView, Faults


@attrs.frozen
class Served:
    """A fake served on a socket, with the base URL and a key the command can use."""

    fake: FakeInstaView
    base_url: str
    key: str


@contextmanager
def _serving(fake: FakeInstaView, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    # The command under test runs its own event loop (``anyio.run``) in the test's thread, as
    # it does for a user, so the server runs in a thread of its own.
    key = fake.create_api_key()
    with (
        anyio.from_thread.start_blocking_portal() as portal,
        portal.wrap_async_context_manager(fake.serve(port=0)) as base_url,
    ):
        monkeypatch.setenv("INSTAVIEW_BASE_URL", base_url)
        monkeypatch.setenv("INSTAVIEW_API_KEY", key)
        yield Served(fake, base_url, key)


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    """A fresh fake on a free port; $INSTAVIEW_BASE_URL and $INSTAVIEW_API_KEY point at it."""
    with _serving(FakeInstaView(), monkeypatch) as served:
        yield served


@pytest.fixture
def slow_served(monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    """Like `served`, with 50 ms per request, so that a run can be stopped midway."""
    with _serving(FakeInstaView(faults=Faults(latency=0.05)), monkeypatch) as served:
        yield served


def report_lines(path: Path) -> list[dict[str, Any]]:
    """The report's objects, in the order they were written."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def by_line(path: Path) -> dict[int, dict[str, Any]]:
    """The report's objects by file line; fails if a line appears twice."""
    lines = report_lines(path)
    found = {entry["line"]: entry for entry in lines}
    assert len(found) == len(lines), "a row was reported twice"
    return found


def posts(served: Served) -> list[Any]:
    """The POST requests the served fake received."""
    return [r for r in served.fake.requests if r.method == "POST"]


def make_jobs(served: Served, count: int = 1) -> list[str]:
    """Create jobs on the served fake (through its in-process client) and return their ids."""

    async def create() -> list[str]:
        async with served.fake.client(api_key=served.key) as client:
            jobs = [
                await client.jobs.create(title=f"Job {i}", description="for the CLI tests")
                for i in range(count)
            ]
        return [job.id for job in jobs]

    return anyio.run(create)
