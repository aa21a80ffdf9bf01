"""Injected failures, drawn deterministically from a seed."""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

import attrs

__all__ = ["FaultInjector", "FaultPlan", "Faults"]


def _rate(_: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{attribute.name} must be between 0 and 1, got {value!r}")


def _statuses(value: Iterable[int]) -> tuple[int, ...]:
    statuses = tuple(value)
    if not statuses or any(not 500 <= s <= 599 for s in statuses):
        raise ValueError(f"statuses must be 5xx codes, got {statuses!r}")
    return statuses


def _methods(value: Iterable[str] | None) -> frozenset[str] | None:
    return None if value is None else frozenset(m.upper() for m in value)


@attrs.frozen(kw_only=True)
class Faults:
    """Which failures the fake injects, and how often; the same seed gives the same failures.

    Each request first draws one outcome: with ``error_rate`` a 5xx from ``statuses`` (an
    envelope with a server error code), with ``malformed_rate`` a 502 HTML gateway page or a
    5xx whose JSON body is cut short. Both happen *before* anything is written, like a gateway
    failing. Independently, with ``drop_after_commit_rate`` the request is processed and its
    write committed, then the response is lost: the connection is dropped (in process: the
    transport raises ``httpx.ReadError``). ``latency`` seconds are added to every request.
    Faults apply to every method, GETs included, unless ``methods`` names the ones to hit.
    """

    error_rate: float = attrs.field(default=0.0, validator=_rate)
    statuses: tuple[int, ...] = attrs.field(default=(500, 502, 503, 504), converter=_statuses)
    latency: float = 0.0
    drop_after_commit_rate: float = attrs.field(default=0.0, validator=_rate)
    malformed_rate: float = attrs.field(default=0.0, validator=_rate)
    seed: int = 0
    methods: frozenset[str] | None = attrs.field(default=None, converter=_methods)

    def __attrs_post_init__(self) -> None:
        if self.error_rate + self.malformed_rate > 1.0:
            raise ValueError("error_rate + malformed_rate must not exceed 1")


@attrs.frozen
class FaultPlan:
    """What goes wrong with one request (``kind`` None: nothing before the write)."""

    kind: str | None = None
    status: int = 0
    html: bool = False
    drop: bool = False

    @property
    def name(self) -> str | None:
        """How the fault is recorded in ``fake.requests``."""
        if self.kind is None:
            return "drop_after_commit" if self.drop else None
        return self.kind


class FaultInjector:
    """Draws a FaultPlan per request from one seeded generator (four draws every time)."""

    def __init__(self, faults: Faults) -> None:
        self.faults = faults
        self._random = random.Random(faults.seed)

    def draw(self, method: str) -> FaultPlan:
        """The plan for the next request."""
        faults, rng = self.faults, self._random
        outcome, drop, status, html = (
            rng.random(),
            rng.random(),
            rng.choice(faults.statuses),
            (rng.random() < 0.5),
        )
        if faults.methods is not None and method.upper() not in faults.methods:
            return FaultPlan()
        dropped = drop < faults.drop_after_commit_rate
        if outcome < faults.error_rate:
            return FaultPlan("error", status)
        if outcome < faults.error_rate + faults.malformed_rate:
            return FaultPlan("malformed", 502 if html else status, html=html)
        return FaultPlan(drop=dropped)
