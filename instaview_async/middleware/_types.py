"""What a middleware is: the `CallNext` alias and the `Middleware` protocol, for either family.

They live apart from the package's ``__init__`` so that every middleware module can name them
without importing the package that imports it (no import circle).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

import httpx

if TYPE_CHECKING:
    # Defaults (PEP 696) keep a bare ``CallNext``/``Middleware`` meaning httpx's classes, as
    # before httpx2; typing_extensions is only read by the type checker here.
    from typing_extensions import TypeVar

    from .._http import Request, Response

    RequestT = TypeVar("RequestT", bound=Request, default=httpx.Request)
    ResponseT = TypeVar("ResponseT", bound=Response, default=httpx.Response)
else:
    from typing import TypeVar

    RequestT = TypeVar("RequestT")
    ResponseT = TypeVar("ResponseT")

__all__ = ["CallNext", "Middleware", "RequestT", "ResponseT"]

CallNext = Callable[[RequestT], Awaitable[ResponseT]]
"""Sends a request through the rest of the chain and returns its response.

Bare, it takes an ``httpx.Request``; ``CallNext[httpx2.Request, httpx2.Response]`` is httpx2's.
"""


class Middleware(Protocol[RequestT, ResponseT]):
    """Anything that takes a request and the rest of the chain, and returns a response.

    Bare, ``Middleware`` is an httpx one; ``Middleware[httpx2.Request, httpx2.Response]`` an
    httpx2 one. A middleware written for both takes ``request: RequestT`` and
    ``call_next: CallNext[RequestT, ResponseT]`` and returns ``ResponseT``, as the SDK's own do.
    """

    async def __call__(
        self, request: RequestT, call_next: CallNext[RequestT, ResponseT]
    ) -> ResponseT:
        """Handle one attempt (or one logical call, for layers outside Retry)."""
        ...
