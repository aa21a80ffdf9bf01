"""The middleware chain: what a middleware is, the default order, and how the chain is folded."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from .auth import Auth
from .circuit_breaker import CircuitBreaker
from .idempotency import IdempotencyKey
from .rate_limit import RateLimit
from .retry import Retry

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

__all__ = [
    "Auth",
    "CallNext",
    "CircuitBreaker",
    "IdempotencyKey",
    "Middleware",
    "RateLimit",
    "RequestT",
    "ResponseT",
    "Retry",
    "compose",
    "default_middleware",
]

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


def default_middleware(
    *,
    auth: Auth,
    retry: Retry | None,
    circuit_breaker: CircuitBreaker | None,
    rate_limit: RateLimit | None,
) -> tuple[Middleware[Any, Any], ...]:
    """The SDK's own layers, outermost first. This is the one place the order is declared.

    - ``Auth`` first, so user middlewares (outside it) never see the key.
    - ``IdempotencyKey`` outside ``Retry``: every attempt of one POST carries the same key.
    - ``Retry`` outside the breaker and the gate: each attempt is seen by the breaker and takes a
      rate-limit slot of its own.
    - ``CircuitBreaker`` outside ``RateLimit``: an open circuit fails at once instead of first
      waiting for a slot.
    - ``RateLimit`` innermost, next to the transport: it sees every real send and every 429.
    """
    layers: list[Middleware[Any, Any] | None] = [
        auth,
        IdempotencyKey(),
        retry,
        circuit_breaker,
        rate_limit,
    ]
    return tuple(layer for layer in layers if layer is not None)


def compose(
    middlewares: Sequence[Middleware[Any, Any]], send: CallNext[Any, Any]
) -> CallNext[Any, Any]:
    """Fold middlewares around ``send``, the first one outermost; done once per client."""
    handler = send
    for middleware in reversed(middlewares):
        handler = _bind(middleware, handler)
    return handler


def _bind(middleware: Middleware[Any, Any], call_next: CallNext[Any, Any]) -> CallNext[Any, Any]:
    def handler(request: Any) -> Awaitable[Any]:
        return middleware(request, call_next)

    return handler
