"""Fail open: when Redis cannot answer, say so once, answer at once, and try again later.

Both Redis integrations are an optimisation over what a process can do alone (its own gate,
idempotency keys), so Redis failing must never fail the caller. Each call is bounded in time;
a failed one starts an outage (one warning), during which calls return `UNAVAILABLE` without
touching Redis, but for one try per retry interval; the first answer ends it (one info line).
"""

from __future__ import annotations

import contextlib
import enum
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Final, TypeVar

import anyio

from ._client import COLD

__all__ = ["UNAVAILABLE", "FailOpen", "Unavailable", "logger"]

# A child of the SDK's logger, so that a command line can show Redis outages on their own.
logger = logging.getLogger("instaview_async.contrib.redis")

T = TypeVar("T")


class Unavailable(enum.Enum):
    """The type of `UNAVAILABLE`."""

    UNAVAILABLE = "unavailable"


UNAVAILABLE: Final = Unavailable.UNAVAILABLE
"""What a call returns when Redis cannot answer now."""


class FailOpen:
    """Runs calls to one Redis, each bounded by ``timeout``; while it is out, answers at once.

    ``what`` names the user of Redis in the log lines (``"journal in Redis"``), ``then`` says
    what happens without it. Retries come ``retry_interval`` seconds apart, doubled after each
    failed try up to ``max_retry_interval`` (equal to it: a fixed interval).
    """

    __slots__ = (
        "_clock",
        "_interval",
        "_max_interval",
        "_retry_at",
        "_retry_interval",
        "_then",
        "_warm",
        "_what",
        "_where",
        "cause",
        "down",
        "timeout",
    )

    def __init__(
        self,
        what: str,
        where: str,
        then: str,
        *,
        timeout: float,
        retry_interval: float,
        max_retry_interval: float,
        clock: Callable[[], float],
    ) -> None:
        self._what, self._where, self._then = what, where, then
        self.timeout = timeout
        self._retry_interval = self._interval = retry_interval
        self._max_interval = max_retry_interval
        self._clock = clock
        self._retry_at = 0.0
        self._warm = False
        self.down = False
        """Whether Redis failed its last try."""
        self.cause = ""
        """Why the last failed call failed (``"ConnectionError: ..."``)."""

    def answered(self) -> None:
        """Redis answered a call made outside `run` (connected and ready)."""
        self._warm = True

    def retry_now(self) -> None:
        """Let the next call try Redis whatever the interval says (there is no later)."""
        self._retry_at = 0.0

    async def run(self, call: Callable[..., Awaitable[T]], *args: object) -> T | Unavailable:
        """``await call(*args)``, or `UNAVAILABLE` if Redis fails it or is out."""
        if self.down:
            if self._clock() < self._retry_at:
                return UNAVAILABLE
            self._retry_at = self._clock() + self._interval  # one task tries, not all
        limit = self.timeout if self._warm else max(self.timeout, COLD)  # the first connects
        try:
            async with deadline(limit):
                result = await call(*args)
        except Exception as exc:
            # Fail open means anything: besides RedisError and OSError, redis-py lets out
            # AttributeError and the like when a connection dies under a command.
            self._failed(f"{type(exc).__name__}: {str(exc) or f'no answer within {limit:g} s'}")
            return UNAVAILABLE
        self._warm = True
        if self.down:
            self.down = False
            logger.info("%s at %s answers again", self._what, self._where)
        return result

    def _failed(self, cause: str) -> None:
        # Backing off: a stalled Redis costs one timeout per try, and a caller that asks row
        # by row would slow a long outage by the tries' share.
        grown = min(self._interval * 2, self._max_interval)
        self._interval = grown if self.down else self._retry_interval
        self._retry_at = self._clock() + self._interval
        self._warm = False
        self.cause = cause
        if self.down:
            return
        self.down = True
        logger.warning("%s at %s unavailable (%s); %s", self._what, self._where, cause, self._then)


if sys.version_info >= (3, 11):
    from asyncio import timeout as deadline  # a third of anyio.fail_after's cost on asyncio
else:

    @contextlib.asynccontextmanager
    async def deadline(seconds: float) -> AsyncIterator[None]:
        """TimeoutError after ``seconds``."""
        with anyio.fail_after(seconds):
            yield
