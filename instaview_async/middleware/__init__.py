"""The middleware chain: what a middleware is, the default order, and how the chain is folded."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import Any

from ._types import CallNext, Middleware, RequestT, ResponseT
from .auth import Auth
from .circuit_breaker import CircuitBreaker
from .idempotency import IdempotencyKey
from .rate_limit import RateLimit
from .retry import Retry

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
