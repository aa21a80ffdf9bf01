"""Failing fast while the API is down: closed -> open -> half-open -> closed."""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from .._error_mapping import error_from_response
from .._exceptions import APIConnectionError, CircuitOpenError
from .._policies import CircuitBreakerPolicy
from .._stats import ClientStats

if TYPE_CHECKING:
    from .._http import Response
    from ._types import CallNext, RequestT, ResponseT

__all__ = ["CircuitBreaker", "CircuitState"]

logger = logging.getLogger("instaview_async")


class CircuitState(str, enum.Enum):
    """The breaker's state."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Counts 5xx replies, connection errors and timeouts per attempt; 4xx and 429 never count.

    After ``failure_threshold`` failures in a row it opens: calls raise CircuitOpenError without
    being sent, with the failure that opened it as ``__cause__`` and named in the message (a 5xx
    reply becomes the ServerError it maps to). After ``recovery_time`` it lets
    ``half_open_max_calls`` probes through; a successful probe closes it, a failed one reopens
    it (for twice as long each time, up to ``max_recovery_time`` when that is set). One
    instance is shared by every task of a client. All state changes happen between awaits, so
    no lock is needed on one event loop; a verdict from a call that started under an earlier
    state (a generation ago) is ignored, so a slow call from before a trip cannot close a
    circuit that was opened after it began.
    """

    __slots__ = (
        "_cause",
        "_clock",
        "_failures",
        "_generation",
        "_opened_at",
        "_probes",
        "_recovery",
        "_state",
        "_stats",
        "policy",
    )

    def __init__(
        self,
        policy: CircuitBreakerPolicy,
        *,
        clock: Callable[[], float] = time.monotonic,
        stats: ClientStats | None = None,
    ) -> None:
        self.policy = policy
        self._clock = clock
        self._stats = stats if stats is not None else ClientStats()
        self._state = CircuitState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._recovery = policy.recovery_time  # how long this opening lasts
        self._probes = 0
        self._generation = 0
        self._cause: BaseException | None = None

    @property
    def state(self) -> CircuitState:
        """The current state (an open circuit whose recovery time passed reads as half-open)."""
        if self._state is CircuitState.OPEN and self._retry_in() <= 0:
            return CircuitState.HALF_OPEN
        return self._state

    async def __call__(
        self, request: RequestT, call_next: CallNext[RequestT, ResponseT]
    ) -> ResponseT:
        """Send unless open; record the attempt's verdict."""
        generation, probe = self._admit()
        try:
            response = await call_next(request)
        except APIConnectionError as exc:
            self._record(generation, probe, failed=exc)
            raise
        except BaseException:
            # Cancelled, or a local error such as a rate-limit refusal: no verdict on the API.
            if probe and generation == self._generation:
                self._probes -= 1
            raise
        self._record(generation, probe, failed=response if response.status_code >= 500 else None)
        return response

    def _retry_in(self) -> float:
        return self._opened_at + self._recovery - self._clock()

    def _admit(self) -> tuple[int, bool]:
        if self._state is CircuitState.OPEN:
            retry_in = self._retry_in()
            if retry_in > 0:
                raise CircuitOpenError(
                    f"circuit open after {self.policy.failure_threshold} failures in a row "
                    f"(last: {self._cause}); next probe in {retry_in:.1f}s",
                    retry_in=retry_in,
                ) from self._cause
            self._move(CircuitState.HALF_OPEN)
        if self._state is CircuitState.HALF_OPEN:
            if self._probes >= self.policy.half_open_max_calls:
                raise CircuitOpenError(
                    f"circuit half-open: a probe is already testing the API "
                    f"(opened by: {self._cause})",
                    retry_in=0.0,
                ) from self._cause
            self._probes += 1
            return self._generation, True
        return self._generation, False

    def _record(
        self, generation: int, probe: bool, *, failed: BaseException | Response | None
    ) -> None:
        """Count one attempt's verdict; ``failed`` is its error or 5xx reply, None on success."""
        if generation != self._generation:
            return
        if probe:
            self._probes -= 1
            if failed is None:
                self._move(CircuitState.CLOSED)
            else:
                self._open(failed)
        elif failed is not None:
            self._failures += 1
            if self._failures >= self.policy.failure_threshold:
                self._open(failed)
        else:
            self._failures = 0

    def _open(self, failure: BaseException | Response) -> None:
        # The error is built only when the circuit opens, so counting a 5xx costs nothing.
        self._cause = (
            failure if isinstance(failure, BaseException) else error_from_response(failure)
        )
        self._move(CircuitState.OPEN)

    def _move(self, state: CircuitState) -> None:
        if state is CircuitState.OPEN:
            self._recovery = self._next_recovery()
            self._opened_at = self._clock()
            self._stats.breaker_trips += 1
            logger.warning("circuit breaker open for %.1fs after: %s", self._recovery, self._cause)
        self._state = state
        self._failures = 0
        self._probes = 0
        self._generation += 1

    def _next_recovery(self) -> float:
        """How long the circuit now opening stays open: doubled after a failed probe, if allowed."""
        policy = self.policy
        if self._state is not CircuitState.HALF_OPEN or policy.max_recovery_time is None:
            return policy.recovery_time  # a trip from closed starts over
        return min(self._recovery * 2, policy.max_recovery_time)
