"""AsyncClient: configuration, the middleware chain, and one send path for every resource."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from . import _options
from ._budget import budget_scope
from ._envelope import decode, parse_json, unwrap
from ._error_mapping import error_from_response
from ._exceptions import InstaViewError
from ._http import Family, choose
from ._pagination import AsyncPager, Page, decode_page
from ._policies import CircuitBreakerPolicy, RateLimitPolicy, RetryPolicy
from ._stats import ClientStats
from ._transport import HTTPXSend
from ._version import __version__
from ._wire import NOT_GIVEN, NotGiven
from .middleware import (
    Auth,
    CallNext,
    CircuitBreaker,
    Middleware,
    RateLimit,
    Retry,
    compose,
    default_middleware,
)
from .middleware.retry import ATTEMPT
from .resources._base import Resource

if TYPE_CHECKING:
    import httpx
    import httpx2

    from ._http import HTTPBackend, Request, Response, Timeout
    from .resources.agents import Agents
    from .resources.billing import Billing
    from .resources.candidates import Candidates
    from .resources.companies import Companies
    from .resources.interviews import Interviews
    from .resources.jobs import Jobs
    from .resources.phone_numbers import PhoneNumbers
    from .resources.sourcing import Sourcing
    from .resources.webhooks import Webhooks

__all__ = ["DEFAULT_BASE_URL", "AsyncClient"]

T = TypeVar("T")

DEFAULT_BASE_URL = "https://api.instaview.sk"
_USER_AGENT = f"instaview-async/{__version__}"

logger = logging.getLogger("instaview_async")


@attrs.define(eq=False)
class _Shared:
    """What a client and its ``with_options`` copies share: pool, gate, breaker, counters."""

    http_client: httpx.AsyncClient | httpx2.AsyncClient
    family: Family
    owns_http_client: bool
    circuit_breaker: CircuitBreaker | None
    rate_limit: RateLimit | None
    stats: ClientStats
    closed: bool = False
    # Headers of a client the user brought may hold credentials: never in a repr.
    default_headers: tuple[tuple[bytes, bytes], ...] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        self.default_headers = tuple(self.http_client.headers.raw)


class AsyncClient:
    """An asyncio-native (and trio-friendly) client for the InstaView API.

    Use it as an async context manager, or call `aclose` when done. Every argument is
    keyword-only and checked here, so a mistake fails at construction, not at the first call
    (TypeError for a wrong type, ValueError for a wrong value).

    Args:
        api_key: The API key (``str``); default ``$INSTAVIEW_API_KEY``. Missing or blank is an
            InstaViewError. Never shown in a repr, log line or error.
        base_url: The API's ``http://`` or ``https://`` URL with a host; default
            ``$INSTAVIEW_BASE_URL``, else ``https://api.instaview.sk``.
        company_id: For ATS partner keys: the company to act for, sent as ``?companyId=``.
        timeout: Seconds (a positive number) for each connect, read, write and pool wait, or
            an ``httpx.Timeout`` (or ``httpx2.Timeout``). ``RetryPolicy.timeout`` bounds a
            whole call.
        retry: When and how often to retry (`RetryPolicy`); ``None`` sends each request once.
        circuit_breaker: When to stop calling a failing API (`CircuitBreakerPolicy`);
            ``None`` disables the breaker.
        rate_limit: How to wait for the key's rate-limit budget (`RateLimitPolicy`); ``None``
            disables the shared gate and pacing.
        middleware: Your own middlewares, outermost first; they run outside the SDK's layers
            and never see the API key.
        http_client: Your own ``httpx.AsyncClient`` or ``httpx2.AsyncClient`` (its headers
            and settings apply); the SDK leaves it open for you to close.
        transport: An httpx (or httpx2) transport for a client the SDK creates and closes (for
            example ``httpx.MockTransport`` in tests, or `AiohttpTransport`); not with
            ``http_client``.
        http_backend: ``"httpx"`` or ``"httpx2"`` for the client the SDK creates; default: the
            family of ``http_client`` or ``transport``, else ``$INSTAVIEW_HTTP_BACKEND``, else
            httpx. Mixing families is a TypeError.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        company_id: str | None = None,
        timeout: float | Timeout = 30.0,
        retry: RetryPolicy | None = RetryPolicy(),
        circuit_breaker: CircuitBreakerPolicy | None = CircuitBreakerPolicy(),
        rate_limit: RateLimitPolicy | None = RateLimitPolicy(),
        middleware: Sequence[Middleware[Any, Any]] = (),
        http_client: httpx.AsyncClient | httpx2.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | httpx2.AsyncBaseTransport | None = None,
        http_backend: HTTPBackend | None = None,
    ) -> None:
        key = _options.api_key(
            api_key if api_key is not None else os.environ.get("INSTAVIEW_API_KEY", "")
        )
        if not key:
            raise InstaViewError(
                "no API key: pass api_key=... or set the INSTAVIEW_API_KEY environment variable"
            )
        self._base_url = _options.base_url(
            base_url
            if base_url is not None
            else os.environ.get("INSTAVIEW_BASE_URL") or DEFAULT_BASE_URL
        )
        self._company_id = _options.optional_str(company_id, "company_id")
        self._retry = _options.instance(retry, "retry", RetryPolicy)
        _options.instance(circuit_breaker, "circuit_breaker", CircuitBreakerPolicy)
        _options.instance(rate_limit, "rate_limit", RateLimitPolicy)
        self._middleware = _options.middleware(middleware)
        # The family check also refuses an http_client or transport of neither family.
        family = choose(http_backend, http_client, transport, self._middleware)
        self._timeout = family.timeout(_options.timeout(timeout))
        if http_client is not None and transport is not None:
            raise ValueError("give http_client or transport, not both (set the transport on it)")
        stats = ClientStats()
        self._shared = _Shared(
            http_client=http_client or _default_http_client(family, transport),
            family=family,
            owns_http_client=http_client is None,
            circuit_breaker=None
            if circuit_breaker is None
            else CircuitBreaker(circuit_breaker, stats=stats),
            rate_limit=None
            if rate_limit is None
            else RateLimit(rate_limit, stats=stats, scope=budget_scope(key, self._base_url)),
            stats=stats,
        )
        self._auth = Auth(key)
        self._closed = False
        self._original = True
        self._chain = self._build_chain()

    def _build_chain(self) -> CallNext[Any, Any]:
        shared = self._shared
        layers = default_middleware(
            auth=self._auth,
            retry=None if self._retry is None else Retry(self._retry, stats=shared.stats),
            circuit_breaker=shared.circuit_breaker,
            rate_limit=shared.rate_limit,
        )
        return compose((*self._middleware, *layers), HTTPXSend(shared.http_client, shared.family))

    def with_options(
        self,
        *,
        timeout: float | Timeout | NotGiven = NOT_GIVEN,
        retry: RetryPolicy | NotGiven | None = NOT_GIVEN,
        company_id: str | NotGiven | None = NOT_GIVEN,
    ) -> AsyncClient:
        """Return a cheap copy with other options, sharing the pool, rate-limit gate and breaker."""
        copy = object.__new__(AsyncClient)
        copy.__dict__.update(
            {k: v for k, v in self.__dict__.items() if not isinstance(v, Resource)}
        )
        copy._closed = False
        copy._original = False
        if not isinstance(timeout, NotGiven):
            copy._timeout = self._shared.family.timeout(_options.timeout(timeout))
        if not isinstance(retry, NotGiven):
            copy._retry = _options.instance(retry, "retry", RetryPolicy)
        if not isinstance(company_id, NotGiven):
            copy._company_id = _options.optional_str(company_id, "company_id")
        copy._chain = copy._build_chain()
        return copy

    @property
    def base_url(self) -> str:
        """The API's base URL."""
        return self._base_url

    @property
    def company_id(self) -> str | None:
        """The company an ATS key acts for (sent as ``?companyId=``), if any."""
        return self._company_id

    @property
    def circuit_breaker(self) -> CircuitBreaker | None:
        """The breaker, shared with copies (None when disabled); its ``state`` says if open."""
        return self._shared.circuit_breaker

    @property
    def stats(self) -> ClientStats:
        """Counters of retries, 429s, rate-limit waits and breaker trips, shared with copies."""
        return self._shared.stats

    @property
    def is_closed(self) -> bool:
        """True once this client, or the client it was copied from, was closed."""
        return self._closed or self._shared.closed

    def __repr__(self) -> str:
        return f"AsyncClient(base_url={self._base_url!r}, company_id={self._company_id!r})"

    async def __aenter__(self) -> AsyncClient:
        self._check_open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the client; closing twice is fine. A client you passed in is left open."""
        if self._closed:
            return
        self._closed = True
        if self._original and not self._shared.closed:
            self._shared.closed = True
            if self._shared.owns_http_client:
                await self._shared.http_client.aclose()

    def _check_open(self) -> None:
        if self._closed or self._shared.closed:
            raise InstaViewError("this AsyncClient is closed; create a new one")

    # -- the send path, used by every resource ------------------------------------------------

    async def send(self, request: Request) -> Response:
        """Send a prepared request through the whole middleware chain; raise no HTTP errors."""
        self._check_open()
        self._shared.stats.requests += 1
        response: Response = await self._chain(request)
        return response

    def build_request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
    ) -> Request:
        """Build a request to ``path`` with the company, timeout and idempotency key applied."""
        query = {k: _query_value(v) for k, v in (params or {}).items() if v is not None}
        if self._company_id is not None:
            query.setdefault("companyId", self._company_id)
        if not self._shared.owns_http_client:
            # A client the user brought may carry headers, cookies or params of its own.
            return self._shared.http_client.build_request(
                method,
                self._base_url + path,
                params=query or None,
                json=json,
                headers={"Idempotency-Key": idempotency_key} if idempotency_key else None,
                timeout=self._timeout,
            )
        # Our own httpx client has nothing to merge in but its default headers: building the
        # request directly skips httpx's merging of URL, headers, cookies and params (a sixth
        # of a call's CPU time). The API is stateless, so no cookies are sent either way.
        headers = list(self._shared.default_headers)
        if idempotency_key:
            headers.append((b"Idempotency-Key", idempotency_key.encode()))
        request: Request = self._shared.family.Request(
            method,
            self._base_url + path,
            params=query or None,
            json=json,
            headers=headers,
            extensions={"timeout": self._timeout.as_dict()},
        )
        return request

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
        """Send a request and decode its envelope's data into ``cast`` (``None``: no data).

        A DELETE whose first attempt got no answer and whose retry is answered 404
        ``RESOURCE_NOT_FOUND`` is reported as done: the lost attempt deleted the resource.
        """
        request = self.build_request(
            method, path, params=params, json=json, idempotency_key=idempotency_key
        )
        response = await self.send(request)
        if cast is None:
            if not response.is_success and not _already_deleted(request, response):
                raise error_from_response(response)
            return None  # type: ignore[return-value]
        result: T = decode(response, cast)
        return result

    def paginate(
        self,
        path: str,
        item_type: type[T],
        *,
        params: Mapping[str, Any] | None = None,
        page: int = 1,
        limit: int = 20,
    ) -> AsyncPager[T]:
        """Return a pager over a list endpoint, starting at ``page``."""
        base = dict(params or {})

        async def fetch(number: int) -> Page[T]:
            request = self.build_request(
                "GET", path, params={**base, "page": number, "limit": limit}
            )
            response = await self.send(request)
            if not response.is_success:
                raise error_from_response(response)
            data = unwrap(parse_json(response), response)
            return decode_page(data, item_type, response, page=number, limit=limit)

        return AsyncPager(fetch, start=page)

    # -- resource namespaces --------------------------------------------------------------------

    @cached_property
    def jobs(self) -> Jobs:
        """Jobs: list, get, create, create_from_url, update, delete."""
        from .resources.jobs import Jobs

        return Jobs(self)

    @cached_property
    def candidates(self) -> Candidates:
        """Candidates: list, get, create, update, delete, bulk_create."""
        from .resources.candidates import Candidates

        return Candidates(self)

    @cached_property
    def interviews(self) -> Interviews:
        """AI interviews: list, get, create, delete, analysis_pdf, call_attempts."""
        from .resources.interviews import Interviews

        return Interviews(self)

    @cached_property
    def agents(self) -> Agents:
        """Agents (interview templates): list, get, create, update, delete."""
        from .resources.agents import Agents

        return Agents(self)

    @cached_property
    def companies(self) -> Companies:
        """Companies: list, get, create (ATS keys), update."""
        from .resources.companies import Companies

        return Companies(self)

    @cached_property
    def phone_numbers(self) -> PhoneNumbers:
        """Phone numbers assigned to the company: list."""
        from .resources.phone_numbers import PhoneNumbers

        return PhoneNumbers(self)

    @cached_property
    def billing(self) -> Billing:
        """Billing: usage."""
        from .resources.billing import Billing

        return Billing(self)

    @cached_property
    def webhooks(self) -> Webhooks:
        """Webhook configurations: list, get, create, update, delete, test, reset_circuit."""
        from .resources.webhooks import Webhooks

        return Webhooks(self)

    @cached_property
    def sourcing(self) -> Sourcing:
        """Sourcing and enrichment runs, previews and profile cards."""
        from .resources.sourcing import Sourcing

        return Sourcing(self)


def _already_deleted(request: Request, response: Response) -> bool:
    """True for a retried DELETE answered 404 RESOURCE_NOT_FOUND: an earlier attempt did it.

    When the first attempt's reply is lost (connection dropped, timeout, or a 5xx from a
    gateway after the API had committed), the retry finds the resource already gone. Raising
    NotFoundError then would report a delete that succeeded as failed, so the call returns
    normally. A DELETE that gets 404 on its first attempt still raises NotFoundError, and so
    does a retried one whose 404 is not the API's RESOURCE_NOT_FOUND (a proxy's HTML page).
    The price: if the resource never existed and the first attempt failed, the caller is not
    told; the outcome, no such resource, is the one asked for.
    """
    if request.method != "DELETE" or response.status_code != 404:
        return False
    attempt = request.extensions.get(ATTEMPT, 1)
    if attempt <= 1 or error_from_response(response).code != "RESOURCE_NOT_FOUND":
        return False
    logger.info(
        "DELETE %s: 404 on attempt %d after a failed attempt; taken as already deleted",
        request.url.path,
        attempt,
    )
    return True


def _query_value(value: Any) -> Any:
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _default_http_client(family: Family, transport: object | None) -> Any:
    return family.AsyncClient(
        transport=transport,
        headers={"User-Agent": _USER_AGENT},
        limits=family.Limits(max_connections=100, max_keepalive_connections=100),
        follow_redirects=False,
    )
