"""Test doubles shared by the suite: a fake clock with sleep, and a recording handler."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import anyio

import instaview_async as iv
from tests.http_family import httpx


class FakeTime:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self, start: float = 1000.0, wall: float = 1_700_000_000.0) -> None:
        self.now = start
        self.wall_offset = wall - start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def wall(self) -> float:
        return self.now + self.wall_offset

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await anyio.lowlevel.checkpoint()


class Recorder:
    """An httpx.MockTransport handler replying from a script and recording each request."""

    def __init__(self, replies: Iterable[httpx.Response | Exception] | Callable[..., Any]) -> None:
        self.requests: list[httpx.Request] = []
        self._script = None if callable(replies) else list(replies)
        self._func = replies if callable(replies) else None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self._func is not None:
            reply = self._func(request)
        else:
            assert self._script, f"unexpected request {request.method} {request.url}"
            reply = self._script.pop(0) if len(self._script) > 1 else self._script[0]
        if isinstance(reply, Exception):
            raise reply
        return reply  # type: ignore[no-any-return]


def make_client(
    handler: Callable[[httpx.Request], httpx.Response], **kwargs: Any
) -> iv.AsyncClient:
    """A client on an in-memory transport; resilience layers off unless given."""
    options: dict[str, Any] = {
        "api_key": "sk_test_SECRETKEY123",
        "base_url": "https://api.test",
        "retry": None,
        "circuit_breaker": None,
        "rate_limit": None,
    }
    options.update(kwargs)
    return iv.AsyncClient(transport=httpx.MockTransport(handler), **options)


def job_json(**overrides: Any) -> dict[str, Any]:
    """A job as the docs' examples show it."""
    job = {
        "id": "550e8400-e29b-41d4-a716-446655440000",
        "companyId": "c1",
        "title": "Senior Engineer",
        "description": "Build things",
        "status": "OPEN",
        "requiredSkills": ["Python"],
        "education": ["BACHELORS"],
        "experience": "SENIOR",
        "location": {"workMode": "HYBRID", "city": "Bratislava", "countryCode": "SK"},
        "salary": {"min": 1, "max": 2, "currency": "USD", "period": "YEARLY"},
        "createdAt": "2024-01-15T10:30:00Z",
        "updatedAt": "2024-01-15T10:30:00.123+01:00",
    }
    job.update(overrides)
    return job
