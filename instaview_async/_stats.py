"""Counters of what the resilience layer did, shared by a client and its copies."""

from __future__ import annotations

import attrs

__all__ = ["ClientStats"]


@attrs.define
class ClientStats:
    """What the middleware did so far: retries, 429s met, rate-limit waits and breaker trips."""

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    rate_limit_waits: int = 0
    rate_limit_wait_seconds: float = 0.0
    breaker_trips: int = 0
