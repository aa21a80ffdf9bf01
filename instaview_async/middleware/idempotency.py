"""One Idempotency-Key per logical POST."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._types import CallNext, RequestT, ResponseT

__all__ = ["IdempotencyKey"]


def _uuid4() -> str:
    return str(uuid.uuid4())


class IdempotencyKey:
    """Gives each POST an ``Idempotency-Key`` unless the caller set one.

    It sits outside Retry, so all attempts of one call reuse the key and the server can replay
    the first response instead of writing twice.
    """

    __slots__ = ("_new_key",)

    def __init__(self, new_key: Callable[[], str] = _uuid4) -> None:
        self._new_key = new_key

    async def __call__(
        self, request: RequestT, call_next: CallNext[RequestT, ResponseT]
    ) -> ResponseT:
        """Add a key to a POST that has none, then pass it on."""
        if request.method == "POST" and "idempotency-key" not in request.headers:
            request.headers["Idempotency-Key"] = self._new_key()
        return await call_next(request)
