"""What a middleware is: the `CallNext` alias and the `Middleware` protocol.

They live apart from the package's ``__init__`` so that every middleware module can name them
without importing the package that imports it (no import circle).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

import httpx

__all__ = ["CallNext", "Middleware"]

CallNext = Callable[[httpx.Request], Awaitable[httpx.Response]]
"""Sends a request through the rest of the chain and returns its response."""


class Middleware(Protocol):
    """Anything that takes a request and the rest of the chain, and returns a response."""

    async def __call__(self, request: httpx.Request, call_next: CallNext) -> httpx.Response:
        """Handle one attempt (or one logical call, for layers outside Retry)."""
        ...
