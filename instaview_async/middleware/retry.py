"""Retrying failed attempts with exponential backoff, jitter and an overall deadline."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import anyio

from .._exceptions import APIConnectionError, APITimeoutError, _request_target
from .._policies import RetryPolicy
from .._retry_after import header_retry_after
from .._stats import ClientStats

if TYPE_CHECKING:
    from .._http import Request
    from ._types import CallNext, RequestT, ResponseT

__all__ = ["ATTEMPT", "RETRYABLE_STATUSES", "Retry"]

logger = logging.getLogger("instaview_async")

RETRYABLE_STATUSES = frozenset({500, 502, 503, 504})
# PATCH is here because every PATCH of this API sets fields to given values: resending it
# leaves the same state. POST is retried only with an Idempotency-Key.
_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
ATTEMPT = "instaview_async.attempt"
"""``request.extensions`` key holding the current attempt number (1-based)."""


class Retry:
    """Retries 500/502/503/504, connection errors and timeouts; never other statuses.

    ``sleep``, ``clock`` and ``random`` are injectable so that tests assert exact delays without
    sleeping. Cancellation propagates from every wait.
    """

    __slots__ = ("_clock", "_random", "_sleep", "_stats", "policy")

    def __init__(
        self,
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
        clock: Callable[[], float] = time.monotonic,
        random: Callable[[], float] = random.random,
        stats: ClientStats | None = None,
    ) -> None:
        self.policy = policy
        self._sleep = sleep
        self._clock = clock
        self._random = random
        self._stats = stats if stats is not None else ClientStats()

    def delay(self, retry_number: int, retry_after: float | None = None) -> float:
        """The wait before retry ``retry_number`` (1-based), at least a server's Retry-After."""
        policy = self.policy
        delay: float = min(policy.max_delay, policy.base_delay * 2.0 ** (retry_number - 1))
        if policy.jitter:
            delay *= 0.5 + 0.5 * self._random()
        if retry_after is not None:
            delay = max(delay, min(retry_after, policy.max_delay))
        return delay

    async def __call__(
        self, request: RequestT, call_next: CallNext[RequestT, ResponseT]
    ) -> ResponseT:
        """Send, and resend while the failure is retryable and attempts and time remain."""
        policy = self.policy
        deadline = None if policy.timeout is None else self._clock() + policy.timeout
        if not _may_retry(request):
            return await self._attempt(request, call_next, deadline)
        attempt = 1
        while True:
            request.extensions[ATTEMPT] = attempt
            try:
                # No deadline (the default): call straight through, one coroutine frame less.
                response = await (
                    call_next(request)
                    if deadline is None
                    else self._attempt(request, call_next, deadline)
                )
            except APIConnectionError as error:
                delay = self._next_delay(attempt, None, deadline)
                if delay is None:
                    raise
                reason = str(error)
            else:
                if response.status_code not in RETRYABLE_STATUSES:
                    return response
                delay = self._next_delay(attempt, header_retry_after(response.headers), deadline)
                if delay is None:
                    return response
                reason = f"HTTP {response.status_code}"
            self._stats.retries += 1
            logger.info(
                "retrying %s %s in %.2fs after attempt %d: %s",
                request.method,
                request.url.path,
                delay,
                attempt,
                reason,
            )
            await self._sleep(delay)
            attempt += 1

    async def _attempt(
        self, request: RequestT, call_next: CallNext[RequestT, ResponseT], deadline: float | None
    ) -> ResponseT:
        """One attempt, cut off with APITimeoutError when the call's deadline passes.

        httpx's timeouts bound each connect and each read, so a server that trickles bytes
        can hold an attempt open far longer; ``RetryPolicy.timeout`` bounds the whole call.
        """
        if deadline is None:
            return await call_next(request)
        with anyio.move_on_after(deadline - self._clock()):
            return await call_next(request)
        raise APITimeoutError(
            f"{_request_target(request)}: no complete answer within the call's "
            f"{self.policy.timeout}s deadline (RetryPolicy.timeout)",
            request=request,
        )

    def _next_delay(
        self, attempt: int, retry_after: float | None, deadline: float | None
    ) -> float | None:
        if attempt >= self.policy.max_attempts:
            return None
        delay = self.delay(attempt, retry_after)
        if deadline is not None and self._clock() + delay >= deadline:
            return None
        return delay


def _may_retry(request: Request) -> bool:
    if request.method in _IDEMPOTENT_METHODS:
        return True
    return request.method == "POST" and "idempotency-key" in request.headers
