"""Where one ``client.jobs.get`` spends its time, step by step: ``python -m benchmarks.breakdown``.

Not a row of the table: a tool for whoever works on the per-call row next. Each step runs alone
over the in-memory transport and is reported in CPU microseconds per call (median of rounds).
"""

from __future__ import annotations

import asyncio
import json
import statistics
from collections.abc import Awaitable, Callable

import httpx

import instaview_async
from instaview_async._converter import converter
from instaview_async._envelope import decode
from instaview_async.models import Job

from ._payloads import JOB, job_envelope_bytes
from ._timing import cpu_clock
from .percall import MemoryTransport

__all__ = ["main"]

_URL = "https://api.instaview.sk/jobs/job_0001"


async def _per_call(step: Callable[[], Awaitable[object] | object], calls: int) -> float:
    started = cpu_clock()
    for _ in range(calls):
        result = step()
        if isinstance(result, Awaitable):
            await result
    return (cpu_clock() - started) / calls * 1e6


async def _steps(calls: int, rounds: int) -> dict[str, float]:
    body = job_envelope_bytes()
    transport = MemoryTransport(body)
    off = {"retry": None, "circuit_breaker": None, "rate_limit": None}
    sdk = instaview_async.AsyncClient(api_key="bench", transport=transport)
    bare = instaview_async.AsyncClient(api_key="bench", transport=transport, **off)
    http = sdk._shared.http_client
    request = sdk.build_request("GET", "/jobs/job_0001")
    response = await http.send(request)
    steps: dict[str, Callable[[], Awaitable[object] | object]] = {
        "raw httpx: client.get + json.loads": lambda: _raw_get(http, _URL),
        "httpx: build_request": lambda: http.build_request("GET", _URL),
        "httpx: send (prepared request)": lambda: http.send(request),
        "json.loads of the reply": lambda: json.loads(body),
        "SDK: build_request": lambda: sdk.build_request("GET", "/jobs/job_0001"),
        "SDK: send through the chain, no policies": lambda: bare.send(request),
        "SDK: send through the chain, default policies": lambda: sdk.send(request),
        "SDK: structure a Job (cattrs)": lambda: converter.structure(JOB, Job),
        "SDK: decode (json + envelope + structure)": lambda: decode(response, Job),
        "SDK: jobs.get, all of it": lambda: sdk.jobs.get("job_0001"),
    }
    samples: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            samples[name].append(await _per_call(step, calls))
    await sdk.aclose()
    await bare.aclose()
    return {name: statistics.median(values) for name, values in samples.items()}


async def _raw_get(http: httpx.AsyncClient, url: str) -> object:
    return json.loads((await http.get(url)).content)


def main() -> None:
    """Print the table."""
    steps = asyncio.run(_steps(2000, 5))
    print("| step | CPU us per call |\n| --- | --- |")
    for name, micros in steps.items():
        print(f"| {name} | {micros:.1f} |")


if __name__ == "__main__":
    main()
