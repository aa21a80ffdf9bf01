"""Rows 2 and 3: throughput over loopback with 64 concurrent tasks and with one task.

A minimal keep-alive HTTP/1.1 server (``benchmarks._server``) runs in its own process on
127.0.0.1. Each candidate keeps its own client (and so its own warm pool) for the whole row; in
each round every candidate runs the same number of ``GET /jobs/{id}`` calls, split over the
tasks, and its rate is compared with the baseline's rate from the same round. Raw httpx2 and the
SDK on httpx2 join the candidates when httpx2 is installed, raw aiohttp and the SDK with
``AiohttpTransport`` when aiohttp is.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from pathlib import Path

import httpx

import instaview_async

from ._timing import Row, interleave_async, median_ratio

__all__ = ["run", "server"]

Call = Callable[[], Awaitable[object]]


@contextlib.contextmanager
def server() -> Iterator[str]:
    """Start the minimal server in a subprocess; yield its base URL; stop it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks._server", "0"],
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


async def _rate(call: Call, tasks: int, calls: int) -> float:
    per_task = calls // tasks

    async def worker() -> None:
        for _ in range(per_task):
            await call()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(tasks)))
    return per_task * tasks / (time.perf_counter() - started)


async def _candidates(base_url: str, stack: AsyncExitStack) -> dict[str, Call]:
    url = f"{base_url}/jobs/job_0001"
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    raw = await stack.enter_async_context(httpx.AsyncClient(limits=limits))

    async def raw_httpx() -> object:
        return json.loads((await raw.get(url)).content)

    sdk = await stack.enter_async_context(
        instaview_async.AsyncClient(api_key="bench", base_url=base_url)
    )
    calls: dict[str, Call] = {"raw httpx": raw_httpx, "SDK": lambda: sdk.jobs.get("job_0001")}
    await _httpx2_candidates(base_url, stack, calls)
    try:
        import aiohttp

        from instaview_async.transports.aiohttp import AiohttpTransport
    except ImportError:  # the aiohttp extra is not installed: those candidates are left out
        return calls
    connector = aiohttp.TCPConnector(limit=64)
    session = await stack.enter_async_context(aiohttp.ClientSession(connector=connector))

    async def raw_aiohttp() -> object:
        async with session.get(url) as response:
            return json.loads(await response.read())

    fast = await stack.enter_async_context(
        instaview_async.AsyncClient(
            api_key="bench", base_url=base_url, transport=AiohttpTransport()
        )
    )
    calls["raw aiohttp"] = raw_aiohttp
    calls["SDK + AiohttpTransport"] = lambda: fast.jobs.get("job_0001")
    return calls


async def _httpx2_candidates(base_url: str, stack: AsyncExitStack, calls: dict[str, Call]) -> None:
    try:
        import httpx2
    except ImportError:  # the httpx2 extra is not installed: those candidates are left out
        return
    url = f"{base_url}/jobs/job_0001"
    limits = httpx2.Limits(max_connections=64, max_keepalive_connections=64)
    raw = await stack.enter_async_context(httpx2.AsyncClient(limits=limits))

    async def raw_httpx2() -> object:
        return json.loads((await raw.get(url)).content)

    sdk = await stack.enter_async_context(
        instaview_async.AsyncClient(api_key="bench", base_url=base_url, http_backend="httpx2")
    )
    calls["raw httpx2"] = raw_httpx2
    calls["SDK on httpx2"] = lambda: sdk.jobs.get("job_0001")


async def _measure(
    calls: dict[str, Call], tasks: int, count: int, rounds: int
) -> dict[str, list[float]]:
    def candidate(call: Call) -> Callable[[], Awaitable[float]]:
        return lambda: _rate(call, tasks, count)

    candidates = {name: candidate(call) for name, call in calls.items()}
    for measure in candidates.values():  # warm up: open every pool's connections
        await measure()
    return await interleave_async(candidates, rounds)


async def run(*, quick: bool) -> list[Row]:
    """Measure the 64-task and the 1-task rows."""
    # The 1-task rate swings most from round to round (it is all wake-up latency on a busy
    # machine), so it gets shorter samples and more rounds.
    # The 64-task httpx baseline is bimodal from one round to the next: quick mode takes more,
    # smaller samples of it rather than fewer, larger ones.
    rounds = 5 if quick else 7
    single_rounds = 5 if quick else 15
    with server() as base_url:
        # Fresh clients for each row, as a user's process would have: pools that the 64-task
        # row filled must not change what the 1-task row measures.
        async with AsyncExitStack() as stack:
            calls = await _candidates(base_url, stack)
            one = await _measure(calls, 1, 50 if quick else 400, single_rounds)
        async with AsyncExitStack() as stack:
            calls = await _candidates(base_url, stack)
            many = await _measure(calls, 64, 192 if quick else 2560, rounds)
    return _rows(many, one)


def _rows(many: dict[str, list[float]], one: dict[str, list[float]]) -> list[Row]:
    rows = [
        Row(
            measure="64 tasks, loopback",
            subject="SDK (default httpx transport)",
            baseline="raw httpx, 64-conn pool",
            ratio=median_ratio(many, "SDK", "raw httpx"),
            note="requests/s ratio",
        )
    ]
    if "raw httpx2" in many:
        on_httpx2 = median_ratio(many, "SDK on httpx2", "raw httpx2")
        rows.append(
            Row(
                measure="64 tasks, loopback",
                subject="SDK on httpx2",
                baseline="raw httpx2, 64-conn pool",
                ratio=on_httpx2,
                target=">= 0.9",
                met=on_httpx2 >= 0.9,
                note="SDK on httpx2 / raw httpx: "
                f"{median_ratio(many, 'SDK on httpx2', 'raw httpx'):.1f}; raw httpx2 / raw httpx: "
                f"{median_ratio(many, 'raw httpx2', 'raw httpx'):.1f}",
            )
        )
    if "raw aiohttp" in many:
        fast = median_ratio(many, "SDK + AiohttpTransport", "raw httpx")
        half = median_ratio(many, "SDK + AiohttpTransport", "raw aiohttp")
        rows += [
            Row(
                measure="64 tasks, loopback",
                subject="SDK + AiohttpTransport",
                baseline="raw httpx, 64-conn pool",
                ratio=fast,
                target=">= 3",
                met=fast >= 3,
                note="raw aiohttp / raw httpx: "
                f"{median_ratio(many, 'raw aiohttp', 'raw httpx'):.1f}",
            ),
            Row(
                measure="64 tasks, loopback",
                subject="SDK + AiohttpTransport",
                baseline="raw aiohttp, 64-conn pool",
                ratio=half,
                target="aim >= 0.5",
                met=half >= 0.5,
            ),
        ]
    single = median_ratio(one, "SDK", "raw httpx")
    rows.append(
        Row(
            measure="1 task, loopback",
            subject="SDK (default httpx transport)",
            baseline="raw httpx",
            ratio=single,
            target=">= 0.9",
            met=single >= 0.9,
            note=""
            if "raw aiohttp" not in one
            else (
                "SDK + AiohttpTransport / raw httpx: "
                f"{median_ratio(one, 'SDK + AiohttpTransport', 'raw httpx'):.2f}"
            ),
        )
    )
    if "raw httpx2" in one:
        single2 = median_ratio(one, "SDK on httpx2", "raw httpx")
        rows.append(
            Row(
                measure="1 task, loopback",
                subject="SDK on httpx2",
                baseline="raw httpx",
                ratio=single2,
                target=">= 1.3",
                met=single2 >= 1.3,
                note="SDK on httpx2 / raw httpx2: "
                f"{median_ratio(one, 'SDK on httpx2', 'raw httpx2'):.2f}; raw httpx2 / raw httpx: "
                f"{median_ratio(one, 'raw httpx2', 'raw httpx'):.2f}",
            )
        )
    return rows
