"""Shared fixtures: every async test runs on asyncio and on trio."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.http_family import httpx

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run each async test under both event loops users run us on."""
    return str(request.param)


@pytest.fixture(autouse=True)
def _no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never pick up a developer's real key or base URL."""
    monkeypatch.delenv("INSTAVIEW_API_KEY", raising=False)
    monkeypatch.delenv("INSTAVIEW_BASE_URL", raising=False)


def envelope(data: Any, status: int = 200, **headers: str) -> httpx.Response:
    """A success reply in the documented envelope."""
    body = {"success": True, "data": data, "error": None, "timestamp": "2024-01-15T10:30:00Z"}
    return httpx.Response(status, json=body, headers=headers)


def error_reply(
    status: int, code: str, message: str = "failed", details: Any = None, **headers: str
) -> httpx.Response:
    """An error reply in the documented envelope."""
    error = {"code": code, "message": message, "details": details}
    body = {"success": False, "data": None, "error": error, "timestamp": "2024-01-15T10:30:00Z"}
    return httpx.Response(status, json=body, headers=headers)
