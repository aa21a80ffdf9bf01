"""Riding out an outage during a bulk import: pause while the breaker refuses calls, or stop.

One `OutageGate` serves all the workers of one import. A row whose call fails because the API is
down (the circuit breaker refuses it, or a 5xx or a connection error outlasted its retries) is
not failed: it is sent again until the breaker makes up its mind. While the breaker is open,
its worker waits, and so does every other worker, including those about to start new rows.
One of them probes the API when the breaker lets a call through; the first reply closes the
breaker and everyone resumes, resending with the same idempotency keys, so nothing is created
twice. The breaker is what tells an outage from a bad row: with the breaker disabled, a row
whose retries ran out fails at once.

The import stops early instead, naming the cause, when the outage outlasts ``max_outage``,
when the API never answered any call of this import and the breaker opens (a wrong URL or a
dead API: waiting would not help), and on the first rejected key (401/403: every later row
would be rejected the same way). An import that starts while the client's breaker is already
open (another import or a ``with_options`` copy saw the outage) has no evidence of its own
that the API was never there, so it waits like any import in an outage, up to ``max_outage``.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import anyio
import httpx

from ._exceptions import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    CircuitOpenError,
    ImportStoppedError,
    PermissionDeniedError,
    ResponseDecodeError,
    ServerError,
)
from .middleware.circuit_breaker import CircuitBreaker, CircuitState

__all__ = ["DEFAULT_MAX_OUTAGE", "OutageGate", "Stopped", "check_max_outage", "host_port"]

T = TypeVar("T")

DEFAULT_MAX_OUTAGE = 300.0
"""Seconds a bulk import waits for the API to come back before it stops (five minutes)."""

# The pause between probes when the breaker names no wait of its own: it is half-open and
# another task holds the probe, or a failure arrived before the breaker said how long.
_MIN_PAUSE = 0.05
_OUTAGE_ERRORS = (CircuitOpenError, APIConnectionError, ServerError)
_REJECTED = (AuthenticationError, PermissionDeniedError)

logger = logging.getLogger("instaview_async")


class Stopped(Exception):
    """Internal: this row is not to be attempted, the import stopped (see `OutageGate.stopped`)."""


def check_max_outage(max_outage: float) -> None:
    """Refuse a negative or NaN ``max_outage`` with a clear error."""
    if not max_outage >= 0:
        raise ValueError(f"max_outage must be >= 0 seconds, got {max_outage!r}")


def host_port(base_url: str) -> str:
    """``host:port`` of a base URL, the default port filled in: what a stop message names."""
    url = httpx.URL(base_url)
    port = url.port or {"https": 443, "http": 80}.get(url.scheme)
    return f"{url.host}:{port}" if port else url.host


class OutageGate:
    """Pauses an import's workers while the client's breaker refuses calls; decides when to stop.

    ``breaker`` is the client's (``None``: no outage is ever detected, rows fail as before);
    ``target`` is the ``host:port`` named in stop messages. ``clock`` and ``sleep`` are
    injectable so that tests of long outages do not wait for real.
    """

    def __init__(
        self,
        *,
        target: str,
        breaker: CircuitBreaker | None,
        max_outage: float = DEFAULT_MAX_OUTAGE,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        check_max_outage(max_outage)
        self.target = target
        self.max_outage = max_outage
        self.stopped: ImportStoppedError | None = None
        self._breaker = breaker
        self._patience = 0 if breaker is None else breaker.policy.failure_threshold
        self._clock = clock
        self._sleep = sleep
        self._answered = False  # the API replied to some call of this import
        # Whether the breaker was already open at this import's first call (None: no call yet).
        # The breaker is the client's, so its being open then says nothing of this import.
        self._inherited_outage: bool | None = None
        self._paused_since: float | None = None
        self._resumed: anyio.Event | None = None  # events need a running loop: made on pause
        self._probing = False
        self._probe_in = 0.0  # the breaker's last word on when it admits a probe
        self._last_outage: Exception | None = None  # the last outage-kind failure
        self._last_failure: Exception | None = None  # the last one that was not the breaker's

    async def call(self, send: Callable[[], Awaitable[T]]) -> T:
        """Run one row's call, waiting out outages; raise `Stopped` once the import stops.

        A 5xx or connection failure while the breaker stays closed is sent again, until the
        breaker opens (an outage: wait) or this row's call has failed ``failure_threshold``
        times; then other calls' successes kept the breaker closed, so the row itself is the
        problem and its error is raised. Each call is a whole logical call, up to
        ``RetryPolicy.max_attempts`` attempts, so with the defaults such a row is sent 15
        times. Counting attempts instead (6 sends) would cost a flaky but working API good
        rows: at one attempt in five failing, 6 failures in a row hit one row in 16,000; 15
        hit one in 30 billion.
        """
        if self._inherited_outage is None:
            self._inherited_outage = self._breaker_open()
        strikes = 0
        while True:
            probing = await self._admit()
            try:
                value = await send()
            except _OUTAGE_ERRORS as error:
                if not self._outage(error):
                    strikes += 1
                    if strikes >= self._patience:
                        raise
            except _REJECTED as error:
                self._stop(_rejected(error), error)
                raise Stopped from None
            except (APIError, ResponseDecodeError) as error:
                if error.status_code is not None:  # a reply, not a check made before sending
                    self._reply()
                raise
            else:
                self._reply()
                return value
            finally:
                if probing:
                    self._release_probe()

    async def _admit(self) -> bool:
        """Wait while paused; True when this worker is the one to probe the API."""
        while self._paused_since is not None and self.stopped is None:
            if not self._probing:
                self._probing = True
                try:
                    await self._until_probe(self._paused_since)
                except BaseException:
                    self._release_probe()
                    raise
                if self.stopped is None:
                    return True
                self._probing = False
            elif self._resumed is not None:
                await self._resumed.wait()
        if self.stopped is not None:
            raise Stopped
        return False

    async def _until_probe(self, since: float) -> None:
        elapsed = self._clock() - since
        if elapsed >= self.max_outage:
            cause = self._cause()
            self._stop(
                f"the API at {self.target} was unavailable for more than "
                f"{self.max_outage:g}s (max_outage): {_reason(cause)}",
                cause,
            )
            return
        await self._sleep(min(max(self._probe_in, _MIN_PAUSE), self.max_outage - elapsed))

    def _release_probe(self) -> None:
        """Give the probe up; while still paused, wake the waiters so that one takes it over.

        A probe's call can end without ending the pause: refused before it was sent (a
        rate-limit wait over ``max_wait``), failed as a bad row once something outside the
        import closed the shared breaker, or answered while the breaker stays open because
        another probe failed meanwhile. Only a prober looks at the clock, so without a
        successor the waiters would wait for good and ``max_outage`` would never be enforced.
        """
        self._probing = False
        if self._paused_since is not None and self.stopped is None:
            if self._resumed is not None:
                self._resumed.set()
            self._resumed = anyio.Event()  # for those who find the probe taken again

    def _outage(self, error: Exception) -> bool:
        """Take in an outage-kind failure; False when it is this row's own failure."""
        if isinstance(error, CircuitOpenError):
            self._probe_in = error.retry_in
        else:
            self._probe_in = 0.0
            if not self._breaker_open():
                # The API is up as far as the breaker knows: a bad row, whose error must
                # not be named later as the cause of an outage.
                return False
            self._last_failure = error
        self._last_outage = error
        if self.stopped is not None:
            return True
        if not self._answered and not self._inherited_outage:
            cause = self._cause()
            self._stop(f"the API at {self.target} is unreachable: {_reason(cause)}", cause)
        elif self._paused_since is None:
            self._pause()
        return True

    def _pause(self) -> None:
        self._paused_since = self._clock()
        self._resumed = anyio.Event()
        logger.warning(
            "bulk import paused: the API at %s is unavailable (%s); waiting up to %gs",
            self.target,
            _reason(self._cause()),
            self.max_outage,
        )

    def _reply(self) -> None:
        self._answered = True
        if self._paused_since is None or self._breaker_open():
            return  # a reply from before the outage does not end it; the breaker's probe does
        logger.info(
            "bulk import resumed after %.1fs: the API at %s answers again",
            self._clock() - self._paused_since,
            self.target,
        )
        self._paused_since = None
        if self._resumed is not None:
            self._resumed.set()

    def _stop(self, message: str, cause: Exception) -> None:
        if self.stopped is None:
            self.stopped = ImportStoppedError(message, cause=cause)
            logger.warning("bulk import stopped: %s", message)
        if self._resumed is not None:
            self._resumed.set()

    def _breaker_open(self) -> bool:
        return self._breaker is not None and self._breaker.state is not CircuitState.CLOSED

    def _cause(self) -> Exception:
        """The failure behind the outage: what opened the breaker, else the last one seen."""
        cause = self._last_outage
        assert cause is not None, "called only once an outage-kind failure was seen"
        while isinstance(cause, CircuitOpenError) and isinstance(cause.__cause__, Exception):
            cause = cause.__cause__
        if isinstance(cause, CircuitOpenError) and self._last_failure is not None:
            return self._last_failure
        return cause


def _rejected(error: APIError) -> str:
    reply = " ".join(str(p) for p in (error.status_code, error.code) if p is not None)
    if isinstance(error, AuthenticationError):
        return f"the API key was rejected ({reply})"
    return f"the API key is not allowed to do this ({reply}: {_one_line(error.message)})"


def _reason(error: Exception) -> str:
    """What failed, in one line, without the host and port the stop message names already.

    A connection error is told by httpx's class and the operating system's words when there
    are some ("ConnectError: Connection refused"), found down the chain of causes, where
    anyio and trio put them; a gateway's error page by its status ("502 Bad Gateway").
    """
    if isinstance(error, APIError) and error.status_code is not None and error.code is None:
        # Not the API's own envelope: a gateway's page, whose HTML says nothing more.
        return f"{error.status_code} {httpx.codes.get_reason_phrase(error.status_code)}"
    transport = error.__cause__
    if not isinstance(error, APIConnectionError) or not isinstance(transport, Exception):
        return _one_line(error)
    root = _os_error(transport)
    detail = os.strerror(root.errno) if root is not None and root.errno else str(transport)
    return _one_line(
        f"{type(transport).__name__}: {detail}" if detail else type(transport).__name__
    )


def _os_error(error: BaseException) -> OSError | None:
    pending: list[BaseException] = [error]
    seen: set[int] = set()
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno:
            return current
        pending.extend(getattr(current, "exceptions", ()))  # an exception group's members
        pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)
    return None


def _one_line(error: object, limit: int = 300) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
