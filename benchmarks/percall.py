"""Row 1: the per-call cost of ``client.jobs.get`` against raw httpx + ``json``, in memory.

Both sides send through the same in-memory transport, which returns a prebuilt reply, so what is
compared is everything above the wire: request building, the middleware chain, envelope and
model decoding, against httpx's own client plus ``json.loads``. The SDK is configured as a user
would: default retry, circuit breaker and rate limit (the reply carries no rate-limit headers).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

import httpx

import instaview_async

from ._payloads import job_envelope_bytes
from ._timing import Row, cpu_clock, interleave_async, median_ratio

__all__ = ["MemoryTransport", "run"]

_URL = "https://api.instaview.sk/jobs/job_0001"


class MemoryTransport(httpx.AsyncBaseTransport):
    """Answers every request with the same 200 reply, without any I/O."""

    def __init__(self, body: bytes) -> None:
        self._body = body
        self._headers = [(b"content-type", b"application/json")]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Return the prebuilt reply."""
        return httpx.Response(200, headers=self._headers, content=self._body)


async def run(*, quick: bool) -> list[Row]:
    """Measure calls per CPU second of both sides over interleaved rounds."""
    calls, rounds = (500, 5) if quick else (2000, 9)
    transport = MemoryTransport(job_envelope_bytes())
    raw = httpx.AsyncClient(transport=transport)
    sdk = instaview_async.AsyncClient(api_key="bench", transport=transport)
    bare = instaview_async.AsyncClient(
        api_key="bench", transport=transport, retry=None, circuit_breaker=None, rate_limit=None
    )

    async def raw_rate() -> float:
        started = cpu_clock()
        for _ in range(calls):
            json.loads((await raw.get(_URL)).content)
        return calls / (cpu_clock() - started)

    def sdk_rate(client: instaview_async.AsyncClient) -> Callable[[], Awaitable[float]]:
        async def rate() -> float:
            started = cpu_clock()
            for _ in range(calls):
                await client.jobs.get("job_0001")
            return calls / (cpu_clock() - started)

        return rate

    try:
        candidates = {"raw": raw_rate, "sdk": sdk_rate(sdk), "bare": sdk_rate(bare)}
        for candidate in candidates.values():  # warm up: caches, generated hooks, pools
            await candidate()
        samples = await interleave_async(candidates, rounds)
    finally:
        await raw.aclose()
        await sdk.aclose()
        await bare.aclose()
    ratio = median_ratio(samples, "sdk", "raw")
    return [
        Row(
            measure="per-call jobs.get, in memory",
            subject="SDK (default policies)",
            baseline="raw httpx + json",
            ratio=ratio,
            target=">= 0.8",
            met=ratio >= 0.8,
            note=f"calls/s ratio; SDK with no policies: {median_ratio(samples, 'bare', 'raw'):.2f}",
        )
    ]
