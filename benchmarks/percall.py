"""Row 1: the per-call cost of ``client.jobs.get`` against raw httpx + ``json``, in memory.

Both sides send through the same in-memory transport, which returns a prebuilt reply, so what is
compared is everything above the wire: request building, the middleware chain, envelope and
model decoding, against httpx's own client plus ``json.loads``. The SDK is configured as a user
would: default retry, circuit breaker and rate limit (the reply carries no rate-limit headers).
With httpx2 installed, the SDK on httpx2 and raw httpx2 + ``json`` run in the same rounds, each
over an httpx2 twin of the transport.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import Any

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


def _httpx2_transport(body: bytes) -> tuple[ModuleType, Any] | None:
    """httpx2 and a MemoryTransport twin built on it, or None without httpx2."""
    try:
        import httpx2
    except ImportError:
        return None

    class Memory2Transport(httpx2.AsyncBaseTransport):
        headers = [(b"content-type", b"application/json")]

        async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
            return httpx2.Response(200, headers=self.headers, content=body)

    return httpx2, Memory2Transport()


async def run(*, quick: bool) -> list[Row]:
    """Measure calls per CPU second of both sides over interleaved rounds."""
    calls, rounds = (500, 5) if quick else (2000, 9)
    transport = MemoryTransport(job_envelope_bytes())
    raw = httpx.AsyncClient(transport=transport)
    sdk = instaview_async.AsyncClient(api_key="bench", transport=transport)
    bare = instaview_async.AsyncClient(
        api_key="bench", transport=transport, retry=None, circuit_breaker=None, rate_limit=None
    )

    def raw_rate(raw: Any) -> Callable[[], Awaitable[float]]:
        async def rate() -> float:
            started = cpu_clock()
            for _ in range(calls):
                json.loads((await raw.get(_URL)).content)
            return calls / (cpu_clock() - started)

        return rate

    def sdk_rate(client: instaview_async.AsyncClient) -> Callable[[], Awaitable[float]]:
        async def rate() -> float:
            started = cpu_clock()
            for _ in range(calls):
                await client.jobs.get("job_0001")
            return calls / (cpu_clock() - started)

        return rate

    clients: list[Any] = [raw, sdk, bare]
    candidates = {"raw": raw_rate(raw), "sdk": sdk_rate(sdk), "bare": sdk_rate(bare)}
    second = _httpx2_transport(job_envelope_bytes())
    if second is not None:
        httpx2, transport2 = second
        raw2 = httpx2.AsyncClient(transport=transport2)
        sdk2 = instaview_async.AsyncClient(api_key="bench", transport=transport2)
        clients += [raw2, sdk2]
        candidates |= {"raw httpx2": raw_rate(raw2), "sdk httpx2": sdk_rate(sdk2)}
    try:
        for candidate in candidates.values():  # warm up: caches, generated hooks, pools
            await candidate()
        samples = await interleave_async(candidates, rounds)
    finally:
        for client in clients:
            await client.aclose()
    ratio = median_ratio(samples, "sdk", "raw")
    rows = [
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
    if second is not None:
        on_httpx2 = median_ratio(samples, "sdk httpx2", "raw")
        rows.append(
            Row(
                measure="per-call jobs.get, in memory",
                subject="SDK on httpx2 (default policies)",
                baseline="raw httpx + json",
                ratio=on_httpx2,
                target=">= 1.0",
                met=on_httpx2 >= 1.0,
                note="SDK on httpx2 / raw httpx2 + json: "
                f"{median_ratio(samples, 'sdk httpx2', 'raw httpx2'):.2f}; "
                f"raw httpx2 / raw httpx: {median_ratio(samples, 'raw httpx2', 'raw'):.2f}",
            )
        )
    return rows
