"""RedisBudget: one rate-limit budget for every process on an API key, kept in Redis."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any

import anyio
import attrs
from redis.asyncio import Redis
from redis.exceptions import RedisError

from ..._budget import Admission, Reply
from ..._exceptions import InstaViewError
from ._scripts import ADMIT, REPORT

__all__ = ["RedisBudget"]

logger = logging.getLogger("instaview_async")

_WINDOWS = ("minute", "hour")
_UNKNOWN, _KNOWN = 0, 1
_FAILURES = (RedisError, OSError, TimeoutError, asyncio.TimeoutError)
# A permit is not handed out this close to its window's reset (the slowest of the last replies,
# at most this): sent then, the request would count against the next window on the server.
_MAX_MARGIN = 2.0


@attrs.frozen
class _Seen:
    """What admission saw of one window: its state, id (ms) and the permits left after."""

    state: int
    wid: int
    left: int


@attrs.frozen
class _Token:
    windows: dict[str, _Seen]
    admitted_at: float


class RedisBudget:
    """A `SharedBudget` in Redis: every client on one key, in any process, shares it.

    Pass a Redis URL (``"redis://127.0.0.1:6379/0"``) or a ``redis.asyncio.Redis`` you already
    have; use it as ``RateLimitPolicy(budget=RedisBudget(url))``. Shared by all: the time a 429
    closed the key until, and the permits left in each window the API reports
    (``X-RateLimit-*-Minute`` / ``-Hour``), taken one per request by one Lua script, so that
    together the processes stay inside the key's budget and wait for its reset.

    Redis keys are ``{prefix}:{<fingerprint>}:rl:*``, the fingerprint being a SHA-256 of the API
    key and base URL: the key itself is never sent to Redis. Every call is bounded by
    ``timeout`` seconds; when Redis is down, slow or restarted, clients fall back to their own
    in-process gate (one warning log) and try Redis again every ``retry_interval`` seconds.
    Needs asyncio (redis-py's client does not run under trio) and Redis 5+ or Valkey; close it
    with `aclose` (or ``async with``) when a URL was given.
    """

    __slots__ = (
        "_clock",
        "_down",
        "_keys",
        "_latencies",
        "_owns",
        "_prefix",
        "_redis",
        "_retry_at",
        "_retry_interval",
        "_scripts",
        "_timeout",
        "lease",
        "poll",
    )

    def __init__(
        self,
        redis: str | Redis,
        *,
        prefix: str = "instaview",
        timeout: float = 0.25,
        retry_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        _refuse_trio()
        if not prefix or any(c in prefix for c in "{}"):
            raise ValueError(f"prefix must be a non-empty string without braces, got {prefix!r}")
        if timeout <= 0 or retry_interval < 0:
            raise ValueError("timeout must be > 0 and retry_interval >= 0")
        self._owns = isinstance(redis, str)
        self._redis: Redis = (
            Redis.from_url(redis, socket_timeout=timeout, socket_connect_timeout=timeout)
            if isinstance(redis, str)
            else redis
        )
        self._scripts = (self._redis.register_script(ADMIT), self._redis.register_script(REPORT))
        self._prefix = prefix
        self._timeout = timeout
        self._retry_interval = retry_interval
        self._clock = clock
        self._down = False
        self._retry_at = 0.0
        self._keys: dict[str, list[str]] = {}
        self._latencies: deque[float] = deque(maxlen=32)
        self.lease = 2.0
        """Seconds a probe holds the budget before another request may probe."""
        self.poll = 0.02
        """Seconds between asks while a probe's reply is awaited."""

    def __repr__(self) -> str:
        return f"RedisBudget({_where(self._redis)}, prefix={self._prefix!r})"

    @property
    def redis(self) -> Redis:
        """The redis-py client the budget uses."""
        return self._redis

    async def admit(self, scope: str) -> Admission | None:
        """Take a permit from every known window, or say how long to wait; None: unreachable."""
        margin = min(_MAX_MARGIN, max(self._latencies, default=0.0))
        args = (_ms(self.lease), _ms(self.poll), 5000, _ms(margin))
        raw = await self._run(0, scope, args)
        if raw is None:
            return None
        wait, probe, *rest = (int(x) for x in raw)
        if wait > 0:
            return Admission(wait / 1000)
        seen = {
            name: _Seen(*rest[i * 3 : i * 3 + 3])
            for i, name in enumerate(_WINDOWS)
            if len(rest) >= i * 3 + 3
        }
        return Admission(0.0, probe=bool(probe), token=_Token(seen, self._clock()))

    async def report(self, scope: str, admission: Admission, reply: Reply | None) -> None:
        """Share a 429's wait and the windows a reply reported, when they tell Redis more."""
        if reply is not None and isinstance(admission.token, _Token):
            self._latencies.append(self._clock() - admission.token.admitted_at)
        if not _news(admission, reply):
            return
        retry = -1 if reply is None or reply.retry_after is None else _ms(reply.retry_after)
        unpaced = 60_000 if admission.probe and reply is not None and _unpaced(reply) else 0
        args: list[int] = [retry, int(admission.probe), unpaced, 60_000]
        tiers = {} if reply is None else {tier.name: tier for tier in reply.tiers}
        for name in _WINDOWS:
            tier = tiers.get(name)
            if tier is None:
                args += [-1, 0, -1, 0]
            else:
                limit = -1 if tier.limit is None else tier.limit
                args += [_ms(tier.reset), tier.remaining, limit, _ms(tier.reset_in)]
        await self._run(1, scope, args)

    async def aclose(self) -> None:
        """Close the connections of a client made from a URL (one you passed is left open)."""
        if self._owns:
            await self._redis.aclose()

    async def __aenter__(self) -> RedisBudget:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _run(self, which: int, scope: str, args: Sequence[int]) -> Any:
        """Run a script, or return None when Redis cannot answer now (logged once per outage)."""
        _require_asyncio()
        if self._down:
            if self._clock() < self._retry_at:
                return None
            self._retry_at = self._clock() + self._retry_interval  # one task tries, not all
        try:
            with anyio.fail_after(self._timeout):
                result = await self._scripts[which](keys=self._keys_of(scope), args=args)
        except _FAILURES as exc:
            self._failed(exc)
            await self._drop_idle_connections()
            return None
        if self._down:
            self._down = False
            logger.info("shared rate-limit budget: Redis at %s answers again", _where(self._redis))
        return result

    async def _drop_idle_connections(self) -> None:
        # After a restart every pooled connection is dead; without this each one would fail
        # once more when next used, long after Redis is back, and look like a new outage.
        with anyio.move_on_after(self._timeout), contextlib.suppress(*_FAILURES):
            await self._redis.connection_pool.disconnect(inuse_connections=False)

    def _failed(self, exc: BaseException) -> None:
        self._retry_at = self._clock() + self._retry_interval
        if self._down:
            return
        self._down = True
        reason = str(exc) or f"no answer within {self._timeout}s"
        logger.warning(
            "shared rate-limit budget: Redis at %s unavailable (%s: %s); each client uses its "
            "own rate-limit gate until Redis is back",
            _where(self._redis),
            type(exc).__name__,
            reason,
        )

    def _keys_of(self, scope: str) -> list[str]:
        keys = self._keys.get(scope)
        if keys is None:
            base = f"{self._prefix}:{{{scope[:32]}}}:rl"
            names = ("closed", "probe", "unpaced", *_WINDOWS)
            keys = self._keys[scope] = [f"{base}:{name}" for name in names]
        return keys


def _news(admission: Admission, reply: Reply | None) -> bool:
    """Whether a reply tells Redis anything it does not know; most replies do not."""
    if reply is None:
        return admission.probe  # nothing learned, but the probe must be released
    if admission.probe or reply.retry_after is not None:
        return True
    token = admission.token
    if not isinstance(token, _Token):
        return bool(reply.tiers)
    for tier in reply.tiers:
        seen = token.windows.get(tier.name)
        if seen is None or seen.state != _KNOWN or seen.wid != _ms(tier.reset):
            return True
        if tier.remaining < seen.left:
            return True
    return False


def _unpaced(reply: Reply) -> bool:
    """A probe's reply without rate-limit headers: the API does not limit (or report) this key."""
    return not reply.tiers and reply.status < 500 and reply.status != 429


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def _where(redis: Redis) -> str:
    """host:port/db of the client, never its password."""
    kwargs = redis.connection_pool.connection_kwargs
    if "path" in kwargs:
        return f"unix:{kwargs['path']}"
    return f"{kwargs.get('host', 'localhost')}:{kwargs.get('port', 6379)}/{kwargs.get('db', 0)}"


_TRIO = (
    "RedisBudget needs asyncio: redis-py's asyncio client does not run under trio. "
    "Under trio, use RateLimitPolicy() without a budget (the in-process gate)."
)


def _refuse_trio() -> None:
    trio = sys.modules.get("trio")
    if trio is None:
        return
    try:
        trio.lowlevel.current_task()
    except RuntimeError:
        return
    raise InstaViewError(_TRIO)


def _require_asyncio() -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        raise InstaViewError(_TRIO) from None
