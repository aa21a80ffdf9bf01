"""What every resource namespace shares: `Resource`, and `Requester`, what it needs of a client.

Resources name the client only through the `Requester` protocol, never `AsyncClient` itself,
so the client module imports the resources and not the other way round (no import circle).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from .._outage import OutageGate, host_port

if TYPE_CHECKING:
    from .._http import Request, Response
    from .._pagination import AsyncPager
    from ..middleware.circuit_breaker import CircuitBreaker

__all__ = ["Requester", "Resource"]

T = TypeVar("T")


class Requester(Protocol):
    """The part of `AsyncClient` a resource uses: build, send, decode and paginate."""

    @property
    def base_url(self) -> str:
        """The API's base URL (a bulk import names its host and port when it stops)."""
        ...

    @property
    def circuit_breaker(self) -> CircuitBreaker | None:
        """The client's breaker, which a bulk import watches to wait out outages."""
        ...

    def build_request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
    ) -> Request:
        """Build a request to ``path`` with the client's options applied."""
        ...

    async def send(self, request: Request) -> Response:
        """Send a prepared request through the client's middleware chain."""
        ...

    async def request(
        self,
        method: str,
        path: str,
        cast: type[T] | Any,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
    ) -> T:
        """Send a request and decode its reply into ``cast``."""
        ...

    def paginate(
        self,
        path: str,
        item_type: type[T],
        *,
        params: Mapping[str, Any] | None = None,
        page: int = 1,
        limit: int = 20,
    ) -> AsyncPager[T]:
        """Return a pager over a list endpoint."""
        ...


class Resource:
    """Base of resource namespaces (``client.jobs``, ...); a ``with_options`` copy rebuilds them."""

    __slots__ = ("_client",)

    def __init__(self, client: Requester) -> None:
        self._client = client

    def _gate(self, max_outage: float) -> OutageGate:
        """A bulk import's outage gate, watching this client's breaker."""
        client = self._client
        return OutageGate(
            target=host_port(client.base_url), breaker=client.circuit_breaker, max_outage=max_outage
        )
