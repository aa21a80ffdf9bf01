"""Frozen resilience policies; their defaults come from the API's error-handling page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from ._budget import SharedBudget

__all__ = ["CircuitBreakerPolicy", "RateLimitPolicy", "RetryPolicy"]


# Checked once, at construction (policies are frozen), so a mistake fails where it is made:
# TypeError for a wrong type, ValueError for a value out of range. bool is refused where a
# number is expected (True is an int to Python, never a count or a delay a user meant).


def _count(least: int) -> Callable[[object, attrs.Attribute[Any], Any], None]:
    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{_name(instance, attribute)} must be an int, not {_type(value)}")
        if value < least:
            raise ValueError(f"{_name(instance, attribute)} must be >= {least}, got {value!r}")

    return check


def _seconds(
    *, zero: bool, none: bool = False
) -> Callable[[object, attrs.Attribute[Any], Any], None]:
    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and none:
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            expected = "a number of seconds" + (" or None" if none else "")
            raise TypeError(f"{_name(instance, attribute)} must be {expected}, not {_type(value)}")
        if not (value >= 0 if zero else value > 0):  # also refuses NaN
            bound = ">= 0" if zero else "> 0"
            raise ValueError(f"{_name(instance, attribute)} must be {bound}, got {value!r}")

    return check


def _flag(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{_name(instance, attribute)} must be a bool, not {_type(value)}")


def _name(instance: object, attribute: attrs.Attribute[Any]) -> str:
    return f"{type(instance).__name__}.{attribute.name}"


def _type(value: object) -> str:
    return type(value).__name__


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

    max_attempts: int = attrs.field(default=3, validator=_count(1))
    base_delay: float = attrs.field(default=1.0, validator=_seconds(zero=True))
    max_delay: float = attrs.field(default=30.0, validator=_seconds(zero=True))
    jitter: bool = attrs.field(default=True, validator=_flag)
    timeout: float | None = attrs.field(default=None, validator=_seconds(zero=False, none=True))


@attrs.frozen(kw_only=True)
class CircuitBreakerPolicy:
    """When to stop calling a failing API: after ``failure_threshold`` failures in a row.

    While open, calls fail at once with CircuitOpenError; after ``recovery_time`` seconds up to
    ``half_open_max_calls`` probes go through, and the first verdict closes or reopens it. With
    ``max_recovery_time``, each failed probe doubles the wait before the next, up to it, so a
    blip costs seconds while a long outage gets one probe per ``max_recovery_time``; None (the
    default) keeps every wait at ``recovery_time``.
    """

    failure_threshold: int = attrs.field(default=5, validator=_count(1))
    recovery_time: float = attrs.field(default=60.0, validator=_seconds(zero=True))
    half_open_max_calls: int = attrs.field(default=1, validator=_count(1))
    max_recovery_time: float | None = attrs.field(
        default=None, validator=_seconds(zero=True, none=True)
    )

    @max_recovery_time.validator
    def _at_least_recovery_time(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and value < self.recovery_time:
            raise ValueError(
                f"{_name(self, attribute)} must be >= recovery_time ({self.recovery_time!r}), "
                f"got {value!r}"
            )


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

    max_wait: float = attrs.field(default=60.0, validator=_seconds(zero=True))
    pace: bool = attrs.field(default=True, validator=_flag)
    max_retries: int = attrs.field(default=8, validator=_count(0))
    budget: SharedBudget | None = attrs.field(default=None, eq=False, validator=_budget)
