"""Per-key rate limits over a minute window and an hour window, on an injectable clock.

Windows are fixed and aligned to the clock (a "minute" window of 60 s resets at every whole
minute of Unix time), so ``X-RateLimit-Reset-*`` are the Unix seconds the docs describe. A
refused request does not use up budget.

Every response carries the six headers, as the API's docs say. A window whose limit is ``None``
is never enforced; its headers report ``UNLIMITED_PER_MINUTE`` / ``UNLIMITED_PER_HOUR`` (a
budget no test reaches) and count down honestly. Why not the docs' default plan (60 and
2,000): a client that paces itself from ``X-RateLimit-Remaining-*``, as this SDK does, would
then slow an unlimited fake down to 60 requests a minute.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import attrs

__all__ = [
    "UNLIMITED_PER_HOUR",
    "UNLIMITED_PER_MINUTE",
    "Limited",
    "RateLimitBody",
    "RateLimiter",
    "Window",
    "envelope_body",
    "number",
    "throttler_body",
]

UNLIMITED_PER_MINUTE = 1_000_000
"""The minute limit reported, never enforced, when ``requests_per_minute`` is None."""
UNLIMITED_PER_HOUR = 60_000_000
"""The hour limit reported, never enforced, when ``requests_per_hour`` is None."""

RateLimitBody = Literal["envelope", "throttler"]
"""The 429 body: the error-handling page's envelope, or the rate-limiting guide's throttler."""


@attrs.frozen
class Window:
    """One window: its name in the headers, its limit (None: unlimited) and length in seconds."""

    name: str
    limit: int | None
    length: float

    @property
    def reported(self) -> int:
        """The limit sent in ``X-RateLimit-Limit-*``."""
        if self.limit is not None:
            return self.limit
        return UNLIMITED_PER_HOUR if self.name == "hour" else UNLIMITED_PER_MINUTE


@attrs.frozen
class Limited:
    """A refusal: the window that was exhausted and when it resets."""

    window: Window
    reset: float
    retry_after: float | int


class RateLimiter:
    """Counts requests per key and window; decides whether one more is allowed."""

    def __init__(self, windows: tuple[Window, ...]) -> None:
        self.windows = windows
        self._counts: dict[tuple[str, str], tuple[float, int]] = {}

    def hit(self, key: str, now: float) -> tuple[dict[str, str], Limited | None]:
        """Count one request for ``key``; return the headers and the refusal, if refused."""
        states = [(w, *self._state(key, w, now)) for w in self.windows]
        refused = None
        for window, start, used in states:
            if window.limit is not None and used >= window.limit:
                reset = start + window.length
                refused = Limited(window, reset, _wait(reset - now, window.length))
                break
        if refused is None:
            states = [(w, start, used + 1) for w, start, used in states]
            for window, start, used in states:
                self._counts[key, window.name] = (start, used)
        return _headers(states), refused

    def _state(self, key: str, window: Window, now: float) -> tuple[float, int]:
        start = math.floor(now / window.length) * window.length
        seen_start, used = self._counts.get((key, window.name), (start, 0))
        return start, used if seen_start == start else 0


def _headers(states: list[tuple[Window, float, int]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for window, start, used in states:
        suffix = window.name.capitalize()
        headers[f"X-RateLimit-Limit-{suffix}"] = str(window.reported)
        headers[f"X-RateLimit-Remaining-{suffix}"] = str(max(0, window.reported - used))
        headers[f"X-RateLimit-Reset-{suffix}"] = number(start + window.length)
    return headers


def _wait(seconds: float, length: float) -> float | int:
    """Whole seconds, rounded up, for whole-second windows; milliseconds for shorter demos."""
    if float(length).is_integer():
        return max(1, math.ceil(seconds))
    return max(0.001, math.ceil(seconds * 1000) / 1000)


def number(value: float) -> str:
    """A header number: an integer when whole, else up to millisecond precision."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.3f}".rstrip("0")


def _json_number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def envelope_body(refused: Limited, timestamp: str) -> dict[str, Any]:
    """The error-handling page's 429: the usual envelope with ``RATE_LIMIT_EXCEEDED``."""
    wait, window = _json_number(refused.retry_after), refused.window
    unit = "second" if wait == 1 else "seconds"
    error = {
        "code": "RATE_LIMIT_EXCEEDED",
        "message": f"Rate limit exceeded. Please retry after {wait} {unit}",
        "details": {"retryAfter": wait, "limit": window.limit, "window": window.name},
    }
    return {"success": False, "data": None, "error": error, "timestamp": timestamp}


def throttler_body(refused: Limited) -> dict[str, Any]:
    """The rate-limiting guide's 429: NestJS throttler style, not the envelope."""
    return {
        "statusCode": 429,
        "message": "Rate limit exceeded",
        "error": "Too Many Requests",
        "retryAfter": refused.retry_after,
        "limit": refused.window.limit,
        "remaining": 0,
        "reset": _json_number(refused.reset),
    }
