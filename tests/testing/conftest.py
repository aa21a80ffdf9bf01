"""Helpers for the fake's tests: a settable clock and a raw HTTP client on the fake."""

from __future__ import annotations

from typing import Any

import pytest

from instaview_async.testing import FakeInstaView
from tests.http_family import httpx

START = 1_800_000_000.0  # a whole minute and a whole hour of Unix time


class Clock:
    """A wall clock (Unix seconds) that moves only when a test moves it."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    """A clock at a whole hour of Unix time."""
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> FakeInstaView:
    """A fake with no limits or faults, on the test clock."""
    return FakeInstaView(clock=clock)


def raw(fake: FakeInstaView, key: str | None, **headers: str) -> httpx.AsyncClient:
    """A plain httpx client on the fake's in-process transport, sending ``key`` as bearer."""
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    return httpx.AsyncClient(transport=fake.transport(), base_url=fake.base_url, headers=headers)


def data(response: httpx.Response) -> Any:
    """The envelope's data of a successful reply (asserting the envelope's shape)."""
    body = response.json()
    assert set(body) == {"success", "data", "error", "timestamp"}, body
    assert body["success"] is True and body["error"] is None, body
    return body["data"]


def error(response: httpx.Response) -> dict[str, Any]:
    """The envelope's error of a failed reply (asserting the envelope's shape)."""
    body = response.json()
    assert body["success"] is False and body["data"] is None, body
    result: dict[str, Any] = body["error"]
    return result
