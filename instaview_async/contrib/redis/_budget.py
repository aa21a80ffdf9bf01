"""RedisBudget: one rate-limit budget for every process on an API key, kept in Redis."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any

import attrs
from redis.asyncio import Redis

from ..._budget import Admission, Reply
from ._client import from_url, refuse_trio, require_asyncio, where
from ._fail_open import UNAVAILABLE, FailOpen
from ._scripts import ADMIT, FORGET, REPORT
from ._wire import Keys, Scripts

__all__ = ["RedisBudget"]

_WINDOWS = ("minute", "hour")
_NONE = (-1, 0, -1, 0) * len(_WINDOWS)  # REPORT's arguments for windows a reply did not report
_UNKNOWN, _KNOWN = 0, 1
_FIRST_ASK = 0.25  # seconds: the live count is asked again after 0.25 s, 0.5, 1, ... horizon / 2


@attrs.frozen
class _Seen:
    """What admission saw of one window: its state, id (ms) and the permits left after."""

    state: int
    wid: int
    left: int


@attrs.define
class _Live:
    """How many instances share a scope, as Redis last said, and when to ask it again."""

    count: int = 1
    due: float = 0.0  # by the budget's clock; 0: ask with the next report
    every: float = 0.0  # the wait after the last ask: 0.25 s, doubled up to horizon / 2


@attrs.frozen
class _Token:
    windows: dict[str, _Seen]


class RedisBudget:
    """A `SharedBudget` in Redis: every client on one key, in any process, shares it.

    Pass a Redis URL (``"redis://127.0.0.1:6379/0"``) or a ``redis.asyncio.Redis`` you already
    have; use it as ``RateLimitPolicy(budget=RedisBudget(url))``. Shared by all: the time a 429
    closed the key until, and the permits left in each window the API reports
    (``X-RateLimit-*-Minute`` / ``-Hour``), taken one per request by one Lua script, so that
    together the processes stay inside the key's budget and wait for its reset.

    Redis keys are ``{prefix}:{<fingerprint>}:rl:*``, the fingerprint being a SHA-256 of the API
    key and base URL: the key itself is never sent to Redis. Every call is bounded by
    ``timeout`` seconds (the first, which also connects, 2 s at least); when Redis is down, slow
    or restarted, clients fall back to their own in-process gate (one warning log) and try
    Redis again every ``retry_interval`` seconds.
    Its script calls go on connections of its own, made with the client's settings and closed
    by `aclose` (or ``async with``), as is a client made from a URL. Needs asyncio (redis-py's
    client does not run under trio) and Redis 5+ or Valkey.
    """

    __slots__ = (
        "_clock",
        "_doubt",
        "_fail_open",
        "_flying",
        "_id",
        "_keys",
        "_live",
        "_owns",
        "_pending",
        "_prefix",
        "_redis",
        "_scripts",
        "_unsent",
        "horizon",
        "lease",
        "poll",
    )

    def __init__(
        self,
        redis: str | Redis,
        *,
        prefix: str = "instaview",
        timeout: float = 0.5,
        retry_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        refuse_trio()
        if not prefix or any(c in prefix for c in "{}"):
            raise ValueError(f"prefix must be a non-empty string without braces, got {prefix!r}")
        if timeout <= 0 or retry_interval < 0:
            raise ValueError("timeout must be > 0 and retry_interval >= 0")
        self._owns = isinstance(redis, str)
        self._redis: Redis = from_url(redis, timeout) if isinstance(redis, str) else redis
        self._scripts = Scripts(self._redis, (ADMIT, REPORT, FORGET))
        self._prefix = prefix
        self._fail_open = FailOpen(
            "shared rate-limit budget: Redis",
            where(self._redis),
            "each client uses its own rate-limit gate until Redis is back",
            timeout=timeout,
            retry_interval=retry_interval,
            max_retry_interval=retry_interval,
            clock=clock,
        )
        self._keys: dict[str, Keys] = {}
        self._id = secrets.token_hex(8)  # this instance's field in the in-flight hash
        # Per scope: requests admitted and not yet reported, reports not yet carried to Redis,
        # admissions awaiting Redis; scopes whose count in Redis may be off (see `_lost`).
        self._flying: dict[str, int] = {}
        self._unsent: dict[str, int] = {}
        self._pending: dict[str, int] = {}
        self._doubt: set[str] = set()
        self._live: dict[str, _Live] = {}
        self._clock = clock
        self.lease = 2.0
        """Seconds a probe holds the budget before another request may probe."""
        self.poll = 0.02
        """Seconds between asks while a probe's reply is awaited."""
        self.horizon = 10.0
        """Seconds a process's count of requests in flight is believed: after a reset, the new
        window's first reply has the requests still in flight taken off (the server may not
        have counted them yet); a count older than this is left out (they have arrived long
        since, or the process is gone)."""

    def __repr__(self) -> str:
        return f"RedisBudget({where(self._redis)}, prefix={self._prefix!r})"

    @property
    def redis(self) -> Redis:
        """The redis-py client the budget uses."""
        return self._redis

    async def admit(self, scope: str) -> Admission | None:
        """Take a permit from every known window, or say how long to wait; None: unreachable."""
        done = self._unsent.pop(scope, 0)  # carried by this call: no reply needs its own
        args = (_ms(self.lease), _ms(self.poll), self._id, done, _ms(self.horizon))
        self._pending[scope] = self._pending.get(scope, 0) + 1
        try:
            raw = await self._run(0, scope, args)
        finally:
            self._pending[scope] -= 1
        if raw is None:
            self._lost(scope, done)
            return None
        wait, probe, *rest = (int(x) for x in raw)
        if wait > 0:
            return Admission(wait / 1000)
        self._flying[scope] = self._flying.get(scope, 0) + 1
        seen = {
            name: _Seen(*rest[i * 3 : i * 3 + 3])
            for i, name in enumerate(_WINDOWS)
            if len(rest) >= i * 3 + 3
        }
        return Admission(0.0, probe=bool(probe), token=_Token(seen))

    async def report(self, scope: str, admission: Admission, reply: Reply | None) -> None:
        """Share a 429's wait and the windows a reply reported, when they tell Redis more."""
        if isinstance(admission.token, _Token):  # admitted by this budget: no longer in flight
            self._flying[scope] = max(0, self._flying.get(scope, 0) - 1)
            self._unsent[scope] = self._unsent.get(scope, 0) + 1
        if not self._idle(scope) and not _news(admission, reply) and not self._ask_peers(scope):
            return  # the next call carries this report
        done = self._unsent.pop(scope, 0)
        if (
            scope in self._doubt
            and self._flying.get(scope, 0) == 0
            and not self._pending.get(scope)
        ):
            self._doubt.discard(scope)
            done = -1  # nothing in flight here: Redis's count is set to none, not lowered
        retry = -1 if reply is None or reply.retry_after is None else _ms(reply.retry_after)
        unpaced = 60_000 if admission.probe and reply is not None and _unpaced(reply) else 0
        args: list[int | str] = [retry, int(admission.probe), unpaced, 60_000]
        args += [self._id, done, _ms(self.horizon)]
        tiers = {} if reply is None else {tier.name: tier for tier in reply.tiers}
        for name in _WINDOWS:
            tier = tiers.get(name)
            if tier is None:
                args += _NONE[:4]
            else:
                limit = -1 if tier.limit is None else tier.limit
                args += [_ms(tier.reset), tier.remaining, limit, _ms(tier.reset_in)]
        peers = await self._run(1, scope, args)
        if peers is None:
            self._lost(scope, done)
        else:
            live = self._live.setdefault(scope, _Live())
            live.count = max(1, int(peers))
            # Soon at first, while the others are still starting, then every horizon / 2.
            live.every = min(max(live.every * 2, _FIRST_ASK), self.horizon / 2)
            live.due = self._clock() + live.every

    def peers(self, scope: str) -> int:
        """How many clients shared ``scope``'s budget when Redis last said (1 until it has).

        While Redis is unreachable, each client's own gate paces to this share of the
        windows the API reports, instead of every process spending all of what is left.
        """
        live = self._live.get(scope)
        return 1 if live is None else live.count

    def _ask_peers(self, scope: str) -> bool:
        """Whether the live count is unknown or old: a report is what brings it.

        A client whose replies tell Redis nothing new would otherwise never report, and meet
        a Redis outage not knowing how many share the key (so spending all that is left).
        """
        live = self._live.get(scope)
        return live is None or self._clock() >= live.due

    def _idle(self, scope: str) -> bool:
        """Nothing is in flight here, and Redis's count of it is more than one high (or in doubt).

        Then a report says so at once: until the next call, that count holds back every new
        window. A lone request's count of one is left to the next call, or sparse traffic
        would pay a round trip per reply.
        """
        if self._flying.get(scope, 0):
            return False
        return self._unsent.get(scope, 0) > 1 or scope in self._doubt

    def _lost(self, scope: str, done: int) -> None:
        """A call carrying reports got no answer: whether Redis applied them is unknown.

        Taken as applied (Redis's count can only be too high, which costs permits, never a
        429); the count is set right when this process next has nothing in flight.
        """
        if done:
            self._doubt.add(scope)

    async def aclose(self) -> None:
        """Close the budget's connections, and a client made from a URL (yours is left open)."""
        if not self._fail_open.down:  # down: its count goes at the horizon; closing does not wait
            for scope in list(self._keys):  # its count holds back no window any more
                await self._run(2, scope, [self._id])
        await self._scripts.aclose()
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

    async def _run(self, which: int, scope: str, args: Sequence[int | str]) -> Any:
        """Run a script, or return None when Redis cannot answer now (logged once per outage)."""
        require_asyncio()
        result = await self._fail_open.run(self._scripts.call, which, self._keys_of(scope), args)
        return None if result is UNAVAILABLE else result

    def _keys_of(self, scope: str) -> Keys:
        keys = self._keys.get(scope)
        if keys is None:
            base = f"{self._prefix}:{{{scope[:32]}}}:rl"
            names = ("closed", "probe", "unpaced", "inflight", *_WINDOWS)
            keys = self._keys[scope] = Keys([f"{base}:{name}" for name in names])
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
