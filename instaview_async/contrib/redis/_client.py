"""The redis-py client both Redis integrations use: made from a URL, described, asyncio only."""

from __future__ import annotations

import asyncio
import sys

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

from ..._exceptions import InstaViewError
from ..._urls import check_redis_url, redact

__all__ = ["COLD", "from_url", "refuse_trio", "require_asyncio", "where"]

# The first call (again after an outage) also connects, says hello and loads the scripts: on a
# busy machine that can take longer than a command, so it gets this long at least.
COLD = 2.0


def from_url(url: str, timeout: float) -> Redis:
    """A client for ``url``, or a ValueError naming the cause (never the password)."""
    # One retry on a connection error, for commands sent through the client (`budget.redis`,
    # the journal); the budget's script connections retry likewise (`_wire`). No
    # socket_timeout: each whole call is bounded already (`_fail_open`), and redis-py's
    # per-read and per-write timeouts cost a third of an admission (a task per write).
    check_redis_url(url, "Redis URL")
    try:
        client: Redis = Redis.from_url(
            url,
            socket_connect_timeout=max(timeout, COLD),
            retry=Retry(NoBackoff(), 1),
            retry_on_error=[RedisConnectionError],
        )
    except ValueError as exc:  # what the check above lets by; redis-py quotes the URL
        raise ValueError(f"Redis URL {redact(url)!r} is not usable: {_reason(exc)}") from None
    return client


def _reason(exc: ValueError) -> str:
    """redis-py's reason, unless it quotes the URL (which may hold a password)."""
    text = str(exc)
    return "see redis-py's URL format" if "://" in text or "@" in text else text


def where(redis: Redis) -> str:
    """host:port/db of the client, never its password."""
    kwargs = redis.connection_pool.connection_kwargs
    if "path" in kwargs:
        return f"unix:{kwargs['path']}"
    return f"{kwargs.get('host', 'localhost')}:{kwargs.get('port', 6379)}/{kwargs.get('db', 0)}"


_TRIO = (
    "RedisBudget and RedisJournal need asyncio: redis-py's asyncio client does not run under "
    "trio. Under trio, use RateLimitPolicy() without a budget (the in-process gate) and a "
    "FileJournal."
)


def refuse_trio() -> None:
    """InstaViewError when constructed inside trio, where redis-py's asyncio client fails."""
    trio = sys.modules.get("trio")
    if trio is None:
        return
    try:
        trio.lowlevel.current_task()
    except RuntimeError:
        return
    raise InstaViewError(_TRIO)


def require_asyncio() -> None:
    """InstaViewError when used outside an asyncio loop (built outside, used under trio)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        raise InstaViewError(_TRIO) from None
