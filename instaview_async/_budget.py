"""The shared-budget protocol: how the rate-limit gate coordinates with other processes.

The in-process gate (``middleware.rate_limit.RateLimit``) knows only what its own client saw.
A `SharedBudget` plugged into ``RateLimitPolicy(budget=...)`` lets every client on one API key,
in any process, draw permits from one account of the key's windows and wait out one 429
together. ``instaview_async.contrib.redis.RedisBudget`` is the implementation the SDK ships.

A budget is addressed by a *scope*: a SHA-256 fingerprint of the API key and base URL that the
client computes (`budget_scope`), so a budget never sees the key itself. A budget must fail
open: when its store cannot be reached, ``admit`` returns None and the gate falls back to its
in-process state; it never raises the store's exceptions to the caller. A budget may also have
``peers(scope) -> int``, how many clients share the scope as last seen: the fallback gate then
paces to that share of what the API reports left, rather than each process spending all of it.
"""

from __future__ import annotations

import hashlib
from typing import Protocol, runtime_checkable

import attrs

__all__ = ["Admission", "Reply", "SharedBudget", "Tier", "budget_scope"]


def budget_scope(api_key: str, base_url: str) -> str:
    """The hex SHA-256 fingerprint naming one key on one API; the key cannot be read back."""
    return hashlib.sha256(f"{base_url}\n{api_key}".encode()).hexdigest()


@attrs.frozen
class Tier:
    """One rate-limit window as a reply reported it (``X-RateLimit-*-Minute``, ``-Hour``)."""

    name: str
    """``"minute"`` or ``"hour"``."""
    limit: int | None
    """``X-RateLimit-Limit-*``: requests the window allows (None when not sent)."""
    remaining: int
    """``X-RateLimit-Remaining-*``: requests left in the window when the server answered."""
    reset: float
    """``X-RateLimit-Reset-*``: Unix time the window resets, as the server sent it."""
    reset_in: float
    """Seconds from the reply until ``reset``, by this machine's clock."""


@attrs.frozen
class Reply:
    """What the server said about the budget in one reply; None stands for no reply at all."""

    status: int
    tiers: tuple[Tier, ...] = ()
    retry_after: float | None = None
    """Seconds every client should wait, when the reply was a 429."""


@attrs.frozen
class Admission:
    """The budget's answer to one request asking to go."""

    wait: float
    """0: go now (a permit was taken); > 0: sleep this long, then ask again."""
    probe: bool = False
    """The budget is unknown: this request goes alone and its reply tells everyone."""
    token: object = None
    """Private to the budget: what it needs back in `SharedBudget.report`."""


@runtime_checkable
class SharedBudget(Protocol):
    """A rate-limit budget shared by many clients, e.g. through Redis; it must fail open."""

    async def admit(self, scope: str) -> Admission | None:
        """Take a permit for one request, or say how long to wait; None: unavailable."""
        ...

    async def report(self, scope: str, admission: Admission, reply: Reply | None) -> None:
        """Record what the server answered to an admitted request (None: no reply came)."""
        ...
