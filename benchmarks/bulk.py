"""Row 6: bulk import against the fake API limited to R requests per second.

``candidates.bulk_create`` runs over N rows against ``FakeInstaView`` in process, its windows
shortened to one second and limited to R requests each, with the client configured as a user
would (default policies, pacing on). A recording transport notes the time and status of every
request that reaches the fake. Windows are aligned to the clock, so requests are counted per
window: the first and the last (partial) windows are left out, and the rate of the full windows
in between is compared with R. Also reported: the most 429s any window saw (target: at most
one), and that every row was accounted for. Memory is not measured here: the fake keeps every
created candidate in its own state, so the process grows with rows whatever the client does.
"""

from __future__ import annotations

import math
import statistics
import time
from collections import Counter

import httpx

import instaview_async

from ._timing import Row

__all__ = ["run"]

_WINDOW = 1.0  # seconds: the fake's "minute", shortened
_RATE = 50  # R: requests per window


class _Recording(httpx.AsyncBaseTransport):
    """Passes requests to the fake's transport and notes (time, status) of each."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner
        self.seen: list[tuple[float, int]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Forward one request; record when it was answered and how."""
        response = await self._inner.handle_async_request(request)
        self.seen.append((time.time(), response.status_code))
        return response

    async def aclose(self) -> None:
        """Close the fake's transport."""
        await self._inner.aclose()


async def run(*, quick: bool) -> list[Row]:
    """Import N rows at R req/s and compare the full windows' rate with R."""
    try:
        from instaview_async.testing import FakeInstaView
    except ImportError as exc:  # pragma: no cover - the fake is part of the package now
        return [_placeholder(f"not yet measurable: {exc}")]
    windows = 4 if quick else 10
    fake = FakeInstaView(requests_per_minute=_RATE, minute_seconds=_WINDOW)
    key = fake.create_api_key()
    recording = _Recording(fake.transport())
    client = instaview_async.AsyncClient(api_key=key, base_url=fake.base_url, transport=recording)
    rows = (
        {"first_name": "Row", "last_name": f"{i}", "email": f"row{i}@example.com"}
        for i in range(windows * _RATE)
    )
    statuses: Counter[str] = Counter()
    async with client:
        job = await client.jobs.create(
            title="Bulk benchmark", description="Imports many candidates at a paced rate"
        )
        async for result in client.candidates.bulk_create(rows, job_id=job.id, concurrency=16):
            statuses[result.status] += 1
    return [_row(recording.seen, statuses, windows * _RATE)]


def _row(seen: list[tuple[float, int]], statuses: Counter[str], rows: int) -> Row:
    per_window: Counter[int] = Counter(math.floor(t / _WINDOW) for t, s in seen if s != 429)
    limited: Counter[int] = Counter(math.floor(t / _WINDOW) for t, s in seen if s == 429)
    full = sorted(per_window)[1:-1]
    if not full:
        return _placeholder("too few windows to measure")
    rate = statistics.mean(per_window[w] for w in full) / _WINDOW
    ratio = rate / (_RATE / _WINDOW)
    worst = max(limited.values(), default=0)
    accounted = sum(statuses.values()) == rows and statuses["created"] == rows
    return Row(
        measure=f"bulk import at R={_RATE} req/s",
        subject="candidates.bulk_create, 16 at once",
        baseline="R",
        ratio=ratio,
        target=">= 0.95, <= 1 429/window",
        met=ratio >= 0.95 and worst <= 1 and accounted,
        note=f"{len(full)} full windows; most 429s in a window: {worst}; "
        f"rows accounted: {sum(statuses.values())}/{rows} ({dict(statuses)})",
    )


def _placeholder(note: str) -> Row:
    return Row(
        measure="bulk import at R req/s",
        subject="candidates.bulk_create",
        baseline="R",
        ratio=None,
        target=">= 0.95",
        note=note,
    )
