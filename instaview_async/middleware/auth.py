"""Setting the bearer token; the key itself is never shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._types import CallNext, RequestT, ResponseT

__all__ = ["Auth"]


class Auth:
    """Sets ``Authorization: Bearer <key>`` on every attempt; its repr hides the key."""

    __slots__ = ("_header",)

    def __init__(self, api_key: str) -> None:
        self._header = f"Bearer {api_key}"

    def __repr__(self) -> str:
        return "Auth(api_key='***')"

    async def __call__(
        self, request: RequestT, call_next: CallNext[RequestT, ResponseT]
    ) -> ResponseT:
        """Add the header and pass the request on."""
        request.headers["Authorization"] = self._header
        return await call_next(request)
