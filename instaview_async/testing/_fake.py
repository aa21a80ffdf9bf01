"""FakeInstaView: the stateful fake API, its keys and views, in process or on a socket."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from ._app import FakeApp
from ._auth import ALL_SCOPES, ApiKey, KeyRing
from ._context import Config
from ._faults import FaultInjector, Faults
from ._idempotency import IdempotencyStore
from ._ratelimit import RateLimitBody, RateLimiter, Window
from ._records import RecordedRequest
from ._routing import Router
from ._state import ResourceView, Row, Store, Table
from ._transport import FakeTransport
from .resources import INDEXES, ROUTES
from .resources.companies import new_company
from .resources.interviews import complete_interview, start_call
from .resources.webhooks import open_circuit

if TYPE_CHECKING:
    from .._client import AsyncClient

__all__ = ["FakeInstaView"]


class FakeInstaView:
    """A stateful fake of the InstaView API, for the SDK's tests and yours.

    It validates like the docs (field rules, scopes, companies, 403 vs 404, the 409 duplicate
    email, billing and state rules), sends ``X-RateLimit-*`` headers on every response and a
    429 past ``requests_per_minute`` / ``requests_per_hour``, replays a repeated
    ``Idempotency-Key``, and injects ``Faults`` deterministically. Use it in process with
    ``fake.client(...)``, or on a real socket with ``fake.serve()``; both share the same state.

    ``rate_limit_body`` picks the 429's body: ``"envelope"`` (default), the error-handling
    page's ``RATE_LIMIT_EXCEEDED`` envelope with ``details.retryAfter/limit/window``, or
    ``"throttler"``, the rate-limiting guide's ``{statusCode, message, error, retryAfter, ...}``.
    ``clock`` returns Unix seconds (default ``time.time``) and drives rate-limit windows,
    timestamps, the monthly interview count and sourcing runs. ``minute_seconds`` and
    ``hour_seconds`` shorten the windows (a demo may use a 2-second "minute"). ``seed`` makes
    ids and keys reproducible. ``max_recorded`` keeps only that many of the newest
    `requests` (default: all; each costs about 1 KiB, so a long-running server wants a bound).
    """

    base_url = "http://fake.instaview.test"
    """The base URL of in-process clients (any host works with the in-process transport)."""

    def __init__(
        self,
        *,
        requests_per_minute: int | None = None,
        requests_per_hour: int | None = None,
        faults: Faults | None = None,
        clock: Callable[[], float] | None = None,
        monthly_interview_limit: int | None = None,
        minute_seconds: float = 60.0,
        hour_seconds: float = 3600.0,
        sourcing_seconds: float = 0.0,
        seed: int = 0,
        rate_limit_body: RateLimitBody = "envelope",
        max_recorded: int | None = None,
    ) -> None:
        if max_recorded is not None and (type(max_recorded) is not int or max_recorded < 0):
            raise ValueError(f"max_recorded must be None or an int >= 0, got {max_recorded!r}")
        if rate_limit_body not in ("envelope", "throttler"):
            raise ValueError(
                f"rate_limit_body must be 'envelope' or 'throttler', got {rate_limit_body!r}"
            )
        self._clock = clock or time.time
        self._store = Store(seed, INDEXES)
        self._keys = KeyRing()
        self._requests: deque[RecordedRequest] = deque(maxlen=max_recorded)
        self.faults = faults or Faults()
        self.app = FakeApp(
            store=self._store,
            keys=self._keys,
            limiter=RateLimiter(
                (
                    Window("minute", requests_per_minute, minute_seconds),
                    Window("hour", requests_per_hour, hour_seconds),
                )
            ),
            idempotency=IdempotencyStore(),
            faults=FaultInjector(self.faults),
            router=Router(ROUTES),
            config=Config(
                monthly_interview_limit=monthly_interview_limit,
                sourcing_seconds=sourcing_seconds,
            ),
            clock=self._clock,
            requests=self._requests,
            rate_limit_body=rate_limit_body,
        )
        """The ASGI application; mount it in any ASGI server or test client."""

    # -- keys and companies ---------------------------------------------------------------------

    def create_company(self, *, name: str | None = None, company_id: str | None = None) -> str:
        """Create a company directly (no request) and return its id."""
        with self._store.lock:
            body = {"name": name} if name else {}
            return new_company(self._store, self._clock(), body, company_id).id

    def create_api_key(
        self,
        *,
        scopes: Iterable[str] | None = None,
        company_id: str | None = None,
        ats: bool = False,
    ) -> str:
        """Create a key and return its secret (``sk_test_...``); ``scopes=None`` grants all.

        A regular key belongs to ``company_id``, or to a new company when it is None. An ATS key
        manages ``company_id`` if given, plus every company it creates with ``POST /company``.
        An unknown ``company_id`` is created on the spot.
        """
        with self._store.lock:
            if company_id is not None and self._store.companies.get(company_id) is None:
                self.create_company(company_id=company_id)
            if company_id is None and not ats:
                company_id = self.create_company()
            secret = f"sk_test_{self._store.new_hex(16)}"
            key = ApiKey(
                id=self._store.new_id(),
                secret=secret,
                scopes=frozenset(ALL_SCOPES if scopes is None else scopes),
                company_id=None if ats else company_id,
                ats=ats,
                managed={company_id} if ats and company_id else set(),
            )
            self._keys.add(key)
            return secret

    def suspend_api_key(self, key: str, *, reason: str = "Unusual activity detected") -> None:
        """Suspend a key: its requests now fail with 401 API_KEY_SUSPENDED."""
        with self._store.lock:
            record = self._keys.by_secret[key]
            record.suspended_at = self._clock()
            record.suspend_reason = reason

    def company_of(self, key: str) -> str | None:
        """The company a regular key belongs to (None for an ATS key)."""
        return self._keys.by_secret[key].company_id

    # -- moving state on, as the real API would by itself -------------------------------------

    def start_call(self, interview_id: str) -> str:
        """Put a PHONE interview's scheduled call attempt IN_PROGRESS; return the attempt id."""
        with self._store.lock:
            return start_call(self._row("interviews", interview_id), self._clock())

    def complete_interview(self, interview_id: str, *, overall_rating: int = 80) -> None:
        """Finish an interview as if the call happened: COMPLETED, with an analysis and PDF."""
        with self._store.lock:
            row = self._row("interviews", interview_id)
            complete_interview(self._store, row, self._clock(), overall_rating)

    def open_webhook_circuit(self, webhook_id: str) -> None:
        """Trip a webhook's circuit breaker as if its deliveries kept failing."""
        with self._store.lock:
            open_circuit(self._row("webhooks", webhook_id), self._clock())

    def _row(self, table_name: str, row_id: str) -> Row:
        table: Table = getattr(self._store, table_name)
        row = table.get(row_id)
        if row is None:
            raise KeyError(f"no {table_name} row {row_id!r} in the fake")
        return row

    # -- connecting -----------------------------------------------------------------------------

    def transport(self) -> FakeTransport:
        """A new in-process httpx transport to this fake."""
        return FakeTransport(self.app)

    def client(self, *, api_key: str, **client_kwargs: Any) -> AsyncClient:
        """An ``AsyncClient`` wired to this fake in process; use it with ``async with``."""
        from .._client import AsyncClient

        client_kwargs.setdefault("base_url", self.base_url)
        return AsyncClient(api_key=api_key, transport=self.transport(), **client_kwargs)

    @asynccontextmanager
    async def serve(self, port: int = 0, *, host: str = "127.0.0.1") -> AsyncIterator[str]:
        """Serve this fake on ``host:port`` (port 0: a free one); yields the base URL.

        Needs uvicorn (the ``server`` extra). Works under asyncio and trio.
        """
        from ._server import serve

        async with serve(self.app, port, host=host) as base_url:
            yield base_url

    # -- what happened --------------------------------------------------------------------------

    @property
    def requests(self) -> Sequence[RecordedRequest]:
        """Every request received so far (the newest ``max_recorded``), oldest first; a snapshot."""
        with self._store.lock:
            return tuple(self._requests)

    def clear_requests(self) -> None:
        """Forget the recorded requests."""
        with self._store.lock:
            self._requests.clear()

    def now(self) -> float:
        """The fake's clock, in Unix seconds."""
        return self._clock()

    def _view(self, table_name: str) -> ResourceView:
        return ResourceView(getattr(self._store, table_name), self._store.lock)

    @property
    def jobs(self) -> ResourceView:
        """Live jobs by id (``.deleted``: the soft-deleted ones)."""
        return self._view("jobs")

    @property
    def candidates(self) -> ResourceView:
        """Live candidates by id (``.deleted``: the soft-deleted ones)."""
        return self._view("candidates")

    @property
    def interviews(self) -> ResourceView:
        """Live interviews by id, call attempts included (``.deleted``: the soft-deleted ones)."""
        return self._view("interviews")

    @property
    def agents(self) -> ResourceView:
        """Live agents by id (``.deleted``: the soft-deleted ones)."""
        return self._view("agents")

    @property
    def companies(self) -> ResourceView:
        """Companies by id."""
        return self._view("companies")

    @property
    def phone_numbers(self) -> ResourceView:
        """Phone numbers by id."""
        return self._view("phone_numbers")

    @property
    def webhooks(self) -> ResourceView:
        """Webhook configurations by id (deleting one removes it for good, as documented)."""
        return self._view("webhooks")

    @property
    def sourcing(self) -> ResourceView:
        """Sourcing, preview and enrichment runs by request id."""
        return self._view("sourcing")
