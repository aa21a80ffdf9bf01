"""Peak memory of ``candidates.bulk_create`` as the row count grows 100-fold.

``python -m benchmarks.bulk_memory [--quick]``. Rows come from a generator and the server is an
in-memory transport that answers each create with a canned candidate and keeps nothing, so any
growth would be the SDK's: tasks, results or rows held at once. The figure is a ratio of two
tracemalloc peaks measured in the same run: about 1.0 means flat.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import tracemalloc
from collections.abc import Iterator
from typing import Any

import httpx

import instaview_async as iv

_REPLY = json.dumps(
    {
        "success": True,
        "data": {
            "id": "c0ffee00-0000-4000-8000-000000000000",
            "firstName": "Ada",
            "lastName": "Lovelace",
            "email": "ada@example.com",
            "status": "APPLIED",
            "jobIds": ["j1"],
            "createdAt": "2026-11-26T10:00:00Z",
        },
        "error": None,
        "timestamp": "2026-11-26T10:00:00Z",
    }
).encode()


class _Forgetful(httpx.AsyncBaseTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0)  # let other rows interleave, as a network would
        return httpx.Response(201, content=_REPLY, headers={"content-type": "application/json"})


def _rows(count: int) -> Iterator[dict[str, Any]]:
    for i in range(count):
        yield {"first_name": "Ada", "last_name": f"L{i}", "email": f"ada{i}@example.com"}


async def _peak(count: int, concurrency: int) -> tuple[int, int]:
    client = iv.AsyncClient(api_key="sk_bench", base_url="https://api.test", transport=_Forgetful())
    created = 0
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    async with client:
        async for result in client.candidates.bulk_create(
            _rows(count), job_id="j1", concurrency=concurrency
        ):
            created += result.status == "created"
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, created


async def run(quick: bool = False, concurrency: int = 16) -> tuple[float, str]:
    """Return (peak ratio, a one-line summary) for N and 100 N rows."""
    small = 100 if quick else 300
    large = small * 100
    await _peak(small, concurrency)  # warm-up: hooks generated, imports done, pools made
    peak_small, ok_small = await _peak(small, concurrency)
    peak_large, ok_large = await _peak(large, concurrency)
    assert (ok_small, ok_large) == (small, large), "every row must be created"
    ratio = peak_large / peak_small
    summary = (
        f"bulk_create peak memory: {small} rows {peak_small / 1e6:.2f} MB, {large} rows "
        f"{peak_large / 1e6:.2f} MB; ratio {ratio:.2f} (1.0 = flat), concurrency {concurrency}"
    )
    return ratio, summary


def main() -> None:
    """Print the peak-memory ratio of a 100-fold larger import."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bulk_memory")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(asyncio.run(run(quick=args.quick))[1])


if __name__ == "__main__":
    main()
