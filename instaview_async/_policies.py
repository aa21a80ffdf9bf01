"""Frozen resilience policies; their defaults come from the API's error-handling page."""

from __future__ import annotations

from typing import Any

import attrs

from ._budget import SharedBudget

__all__ = ["CircuitBreakerPolicy", "RateLimitPolicy", "RetryPolicy"]


def _positive(_: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if value <= 0:
        raise ValueError(f"{attribute.name} must be > 0, got {value!r}")


def _non_negative(_: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must be >= 0, got {value!r}")


def _budget(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, SharedBudget):
        raise TypeError(
            f"{attribute.name} must be a SharedBudget such as "
            f"instaview_async.contrib.redis.RedisBudget(url), got {type(value).__name__}"
        )


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How failed attempts are retried: 5xx, connection errors and timeouts only.

    The n-th retry waits ``min(max_delay, base_delay * 2 ** (n - 1))`` (1 s, 2 s, 4 s, ...). With
    ``jitter`` the wait is drawn uniformly from its upper half, so that many clients that failed
    together do not come back together, while the backoff still grows. ``timeout`` bounds the whole
    logical call, attempts and waits included; ``None`` means no overall deadline.
    """

    max_attempts: int = attrs.field(default=3, validator=_positive)
    base_delay: float = attrs.field(default=1.0, validator=_non_negative)
    max_delay: float = attrs.field(default=30.0, validator=_non_negative)
    jitter: bool = True
    timeout: float | None = None


@attrs.frozen(kw_only=True)
class CircuitBreakerPolicy:
    """When to stop calling a failing API: after ``failure_threshold`` failures in a row.

    While open, calls fail at once with CircuitOpenError; after ``recovery_time`` seconds up to
    ``half_open_max_calls`` probes go through, and the first verdict closes or reopens it.
    """

    failure_threshold: int = attrs.field(default=5, validator=_positive)
    recovery_time: float = attrs.field(default=60.0, validator=_non_negative)
    half_open_max_calls: int = attrs.field(default=1, validator=_positive)


@attrs.frozen(kw_only=True)
class RateLimitPolicy:
    """How the client waits out the API's rate limits.

    ``max_wait``: the longest single wait the client accepts; a longer one raises RateLimitError
    instead of sleeping. ``pace``: use the ``X-RateLimit-*`` headers to hold requests back before
    the budget runs out, instead of waiting for a 429. ``max_retries``: how many 429s in a row one
    call absorbs before it raises RateLimitError. ``budget``: a `SharedBudget` (e.g.
    ``instaview_async.contrib.redis.RedisBudget``) through which every client on the same key, in
    any process, shares one account of the key's windows and one wait after a 429; None (the
    default) keeps the gate in process. While a budget is unreachable the in-process gate is used.
    """

    max_wait: float = attrs.field(default=60.0, validator=_non_negative)
    pace: bool = True
    max_retries: int = attrs.field(default=8, validator=_non_negative)
    budget: SharedBudget | None = attrs.field(default=None, eq=False, validator=_budget)
