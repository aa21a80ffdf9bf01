"""Per-key rate limits over a minute window and an hour window, on an injectable clock.

Windows are fixed and aligned to the clock (a "minute" window of 60 s resets at every whole
minute of Unix time), so ``X-RateLimit-Reset-*`` are the Unix seconds the docs describe. A
refused request does not use up budget. A window whose limit is ``None`` is unlimited and sends
no headers.
"""

from __future__ import annotations

import math
from typing import Any

import attrs

__all__ = ["Limited", "RateLimiter", "Window"]


@attrs.frozen
class Window:
    """One window: its name in the headers, its limit (None: unlimited) and length in seconds."""

    name: str
    limit: int | None
    length: float


@attrs.frozen
class Limited:
    """A refusal: the window that was exhausted and when it resets."""

    window: Window
    reset: float
    retry_after: float | int


class RateLimiter:
    """Counts requests per key and window; decides whether one more is allowed."""

    def __init__(self, windows: tuple[Window, ...]) -> None:
        self.windows = tuple(w for w in windows if w.limit is not None)
        self._counts: dict[tuple[str, str], tuple[float, int]] = {}

    def hit(self, key: str, now: float) -> tuple[dict[str, str], Limited | None]:
        """Count one request for ``key``; return the headers and the refusal, if refused."""
        states = [(w, *self._state(key, w, now)) for w in self.windows]
        refused = None
        for window, start, used in states:
            assert window.limit is not None
            if used >= window.limit:
                reset = start + window.length
                refused = Limited(window, reset, _wait(reset - now, window.length))
                break
        if refused is None:
            states = [(w, start, used + 1) for w, start, used in states]
            for window, start, used in states:
                self._counts[key, window.name] = (start, used)
        return self._headers(states), refused

    def _state(self, key: str, window: Window, now: float) -> tuple[float, int]:
        start = math.floor(now / window.length) * window.length
        seen_start, used = self._counts.get((key, window.name), (start, 0))
        return start, used if seen_start == start else 0

    def _headers(self, states: list[tuple[Window, float, int]]) -> dict[str, str]:
        headers: dict[str, str] = {}
        for window, start, used in states:
            assert window.limit is not None
            suffix = window.name.capitalize()
            headers[f"X-RateLimit-Limit-{suffix}"] = str(window.limit)
            headers[f"X-RateLimit-Remaining-{suffix}"] = str(max(0, window.limit - used))
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


def too_many_body(refused: Limited) -> dict[str, Any]:
    """The API's own (non-envelope, NestJS-style) 429 body."""
    reset = refused.reset
    return {
        "statusCode": 429,
        "message": "Rate limit exceeded",
        "error": "Too Many Requests",
        "retryAfter": refused.retry_after,
        "limit": refused.window.limit,
        "remaining": 0,
        "reset": int(reset) if float(reset).is_integer() else reset,
    }
