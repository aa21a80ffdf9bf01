"""Reading how long the server wants us to wait, in every form the API uses."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._http import Headers


__all__ = ["body_retry_after", "header_retry_after", "reset_delay"]


def _seconds(value: Any) -> float | None:
    """A number of seconds (at least 0) from a JSON number or header text; None if not one.

    Infinity, NaN and integers too large for a float are not a wait the client can honour:
    they are ignored like any other unreadable value, instead of raising OverflowError or
    closing the rate-limit gate for ever.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        seconds = float(value)
    except (ValueError, OverflowError):
        return None
    return max(0.0, seconds) if math.isfinite(seconds) else None


def body_retry_after(body: Any) -> float | None:
    """``retryAfter`` from the API's own 429 body or from an envelope's ``error.details``."""
    if not isinstance(body, Mapping):
        return None
    if "retryAfter" in body:
        return _seconds(body["retryAfter"])
    error = body.get("error")
    details = error.get("details") if isinstance(error, Mapping) else None
    if isinstance(details, Mapping):
        return _seconds(details.get("retryAfter"))
    return None


def header_retry_after(
    headers: Headers, wall_clock: Callable[[], float] = time.time
) -> float | None:
    """The ``Retry-After`` header, in seconds or as an HTTP date."""
    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _seconds(value)
    if seconds is not None:
        return seconds
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - wall_clock())


def reset_delay(
    headers: Headers, window: str, wall_clock: Callable[[], float] = time.time
) -> float | None:
    """Seconds until ``X-RateLimit-Reset-<window>`` (a Unix timestamp), if sent."""
    value = _seconds(headers.get(f"x-ratelimit-reset-{window}"))
    return None if value is None else max(0.0, value - wall_clock())
