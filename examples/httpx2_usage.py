"""The SDK on httpx2, typed: checked by ``mypy --strict examples`` with ``assert_type``.

httpx2 is chosen explicitly, here by ``http_backend="httpx2"`` (or by passing an
``httpx2.AsyncClient`` as ``http_client``). Middlewares say which family they take:

- ``StampHttpx2`` is written for httpx2 only: ``Middleware[httpx2.Request, httpx2.Response]``.
- ``CountCalls`` is written for both, generic like the SDK's own layers: it type-checks as a
  middleware of either family, and runs on either.

No cast is needed anywhere. ``tests/examples/test_httpx2_usage.py`` runs `main` on the fake.
Needs ``pip install 'instaview-async[httpx2]'``.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx2
from typing_extensions import assert_type

from instaview_async import AsyncClient, CallNext, Middleware
from instaview_async.middleware import RequestT, ResponseT
from instaview_async.models import Job


class StampHttpx2:
    """An httpx2-only middleware: adds a header to every call."""

    async def __call__(
        self, request: httpx2.Request, call_next: CallNext[httpx2.Request, httpx2.Response]
    ) -> httpx2.Response:
        """Stamp the request, send it on, and return httpx2's response unchanged."""
        request.headers["X-Example"] = "httpx2"
        response = await call_next(request)
        assert_type(response, httpx2.Response)
        return response


class CountCalls:
    """A middleware for either family: counts the status codes it sees."""

    def __init__(self) -> None:
        self.statuses: list[int] = []

    async def __call__(
        self, request: RequestT, call_next: CallNext[RequestT, ResponseT]
    ) -> ResponseT:
        """Send the request on and note the response's status."""
        response = await call_next(request)
        self.statuses.append(response.status_code)
        return response


def middlewares(counter: CountCalls) -> list[Middleware[httpx2.Request, httpx2.Response]]:
    """Both kinds are httpx2 middlewares to the type checker; the generic one is httpx's too."""
    either: Middleware = counter  # bare Middleware: an httpx one
    assert either is counter
    return [StampHttpx2(), counter]


def make_client(
    counter: CountCalls, factory: Callable[..., AsyncClient] = AsyncClient
) -> AsyncClient:
    """An SDK client on httpx2 carrying both middlewares."""
    return factory(http_backend="httpx2", middleware=middlewares(counter))


async def main(counter: CountCalls, factory: Callable[..., AsyncClient] = AsyncClient) -> Job:
    """Create a job over httpx2 and return it; the requests the SDK builds are httpx2's."""
    async with make_client(counter, factory) as client:
        request = client.build_request("GET", "/jobs")
        assert isinstance(request, httpx2.Request)
        job = await client.jobs.create(title="Backend engineer", description="Python, asyncio")
        assert_type(job, Job)
        return job
