"""The testing fake's cost as it fills: per-create and per-list-page cost at 0, 10k and 100k.

``python -m benchmarks.fake_scale [--quick] [--sizes 0,10000,100000]``. Each level compares,
round by round, a batch of candidate creates through the SDK in process on the filled fake
with the same batch on a fake that is empty (a fresh one each round), in CPU time. The ratio
(filled / empty) is the row; 1.0 is flat, the target is at most 1.5 at 100,000. A second row
does the same for one filtered list page (``jobId`` and ``status``). The fill itself goes
straight to the fake's ASGI handler (no SDK) and all candidates share one job: the worst case
for the duplicate-email rule. Memory per stored candidate is measured with tracemalloc on a
separate fill of 10,000, with and without the request log (``fake.requests``).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import tracemalloc
from typing import Any

from instaview_async import AsyncClient
from instaview_async.testing import FakeInstaView
from instaview_async.testing._app import Incoming

from ._timing import cpu_clock

_JOB = {"title": "Backend engineer", "description": "Python, asyncio and httpx"}


class _Filled:
    """A fake, its key and job, and a counter for fresh emails."""

    def __init__(self) -> None:
        self.fake = FakeInstaView()
        self.key = self.fake.create_api_key()
        self.headers = {
            "authorization": f"Bearer {self.key}",
            "content-type": "application/json",
        }
        self.count = 0
        self.job_id = ""

    async def start(self) -> None:
        reply = await self._post("/jobs", _JOB)
        self.job_id = json.loads(reply)["data"]["id"]

    async def _post(self, path: str, body: dict[str, Any]) -> bytes:
        incoming = Incoming("POST", path, {}, self.headers, json.dumps(body).encode())
        outgoing = await self.fake.app.handle(incoming)
        assert outgoing.status in (200, 201), outgoing.body
        return outgoing.body

    async def fill_to(self, size: int) -> None:
        """Add candidates on the job straight through the ASGI handler until ``size``."""
        while self.count < size:
            await self._post("/candidates", self.next_body())
        self.fake.clear_requests()

    def next_body(self) -> dict[str, Any]:
        self.count += 1
        n = self.count
        email = f"person{n}@example.com"
        return {"firstName": "Ada", "lastName": f"L{n}", "email": email, "jobIds": [self.job_id]}


async def _creates(filled: _Filled, client: AsyncClient, batch: int) -> float:
    """CPU seconds per create for ``batch`` creates through the SDK."""
    bodies = [filled.next_body() for _ in range(batch)]
    start = cpu_clock()
    for body in bodies:
        await client.candidates.create(
            first_name=body["firstName"],
            last_name=body["lastName"],
            email=body["email"],
            job_ids=[filled.job_id],
        )
    return (cpu_clock() - start) / batch


async def _pages(filled: _Filled, client: AsyncClient, batch: int) -> float:
    """CPU seconds per filtered list page (the 2nd page of 20 APPLIED candidates of the job)."""
    start = cpu_clock()
    for _ in range(batch):
        page = await client.candidates.list(job_id=filled.job_id, status="APPLIED", page=2)
        assert len(page.items) <= 20
    return (cpu_clock() - start) / batch


async def _empty() -> tuple[_Filled, AsyncClient]:
    """A fresh fake with its job and 40 candidates (two list pages), and a client on it."""
    empty = _Filled()
    await empty.start()
    await empty.fill_to(40)
    return empty, empty.fake.client(api_key=empty.key)


async def _level(big: _Filled, rounds: int, batch: int) -> tuple[float, float, float, float]:
    """Median per-create and per-page CPU costs (filled, empty) over interleaved rounds."""
    create_ratios, page_ratios, create_big, create_small = [], [], [], []
    async with big.fake.client(api_key=big.key) as client:
        for r in range(rounds):
            small, small_client = await _empty()
            async with small_client:
                pair = [(big, client), (small, small_client)]
                for fake, warm in pair:  # a fresh client's first calls cost more: not timed
                    await _creates(fake, warm, 5)
                    await _pages(fake, warm, 5)
                if r % 2:
                    pair.reverse()  # alternate who goes first
                costs = {
                    id(f): (await _creates(f, c, batch), await _pages(f, c, batch)) for f, c in pair
                }
            (big_c, big_p), (small_c, small_p) = costs[id(big)], costs[id(small)]
            create_ratios.append(big_c / small_c)
            page_ratios.append(big_p / small_p)
            create_big.append(big_c)
            create_small.append(small_c)
    return (
        statistics.median(create_ratios),
        statistics.median(page_ratios),
        statistics.median(create_big),
        statistics.median(create_small),
    )


async def _memory(count: int) -> tuple[float, float]:
    """Bytes per stored candidate (rows and indexes) and per recorded request, over ``count``."""
    filled = _Filled()
    await filled.start()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(count):
        await filled._post("/candidates", filled.next_body())
    gc.collect()
    with_log = tracemalloc.get_traced_memory()[0]
    filled.fake.clear_requests()
    gc.collect()
    without_log = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (without_log - before) / count, (with_log - without_log) / count


async def main(sizes: list[int], rounds: int, batch: int, memory_rows: int) -> None:
    """Print one line per size, then the memory line."""
    big = _Filled()
    await big.start()
    print(f"fake scale: {rounds} rounds of {batch} creates and {batch} list pages per level")
    print("(each level's rounds add their creates to the filled fake; the empty one is fresh)")
    print(f"{'stored':>8}  {'create/empty':>12}  {'page/empty':>10}  create us CPU (filled, empty)")
    for size in sizes:
        await big.fill_to(size)
        c_ratio, p_ratio, c_big, c_small = await _level(big, rounds, batch)
        print(
            f"{size:>8}  {c_ratio:>11.2f}x  {p_ratio:>9.2f}x  "
            f"{c_big * 1e6:.0f}, {c_small * 1e6:.0f}"
        )
    per_row, per_request = await _memory(memory_rows)
    print(
        f"memory per stored candidate: {per_row / 1024:.2f} KiB (row and indexes); "
        f"{per_request / 1024:.2f} KiB more per request kept in fake.requests "
        f"(over {memory_rows} creates)"
    )


def _cli() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fake_scale")
    parser.add_argument("--quick", action="store_true", help="smaller batches, 0 and 10k only")
    parser.add_argument("--sizes", help="comma-separated fill levels (default 0,10000,100000)")
    args = parser.parse_args()
    sizes = [0, 10_000] if args.quick else [0, 10_000, 100_000]
    if args.sizes:
        sizes = [int(s) for s in args.sizes.split(",")]
    rounds, batch = (3, 100) if args.quick else (7, 200)
    asyncio.run(main(sizes, rounds, batch, 2_000 if args.quick else 10_000))


if __name__ == "__main__":
    _cli()
