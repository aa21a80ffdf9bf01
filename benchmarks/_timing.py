"""Measuring candidates side by side: interleaved rounds, per-round ratios, medians."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence

import attrs

__all__ = ["Row", "cpu_clock", "interleave_async", "interleave_sync", "median_ratio", "time_calls"]

cpu_clock = time.process_time
"""The clock of every in-memory row: CPU time of this process, not wall time.

Why: on a shared two-core machine other processes steal whole time slices, which doubled or
halved wall-clock samples from one second to the next. Work that does no I/O costs the same CPU
time whoever else runs, so ratios of CPU time are stable. Only the loopback rows, whose answer
depends on a server in another process, use wall time.
"""


@attrs.frozen(kw_only=True)
class Row:
    """One printed line: what was measured against what, the ratio and the target."""

    measure: str
    subject: str
    baseline: str
    ratio: float | None
    target: str = ""
    met: bool | None = None
    note: str = ""


Samples = dict[str, list[float]]


async def interleave_async(
    candidates: Mapping[str, Callable[[], Awaitable[float]]], rounds: int
) -> Samples:
    """Run each candidate once per round, rotating who goes first; return each one's samples.

    A candidate is a coroutine function that runs a fixed amount of work and returns a rate
    (operations per second) or a time, whatever the row compares.
    """
    names = list(candidates)
    samples: Samples = {name: [] for name in names}
    for r in range(rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(await candidates[name]())
    return samples


def interleave_sync(candidates: Mapping[str, Callable[[], float]], rounds: int) -> Samples:
    """Like `interleave_async`, for plain functions."""
    names = list(candidates)
    samples: Samples = {name: [] for name in names}
    for r in range(rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(candidates[name]())
    return samples


def median_ratio(samples: Samples, subject: str, baseline: str) -> float:
    """The median over rounds of ``subject / baseline``: each round's pair ran back to back."""
    pairs: Sequence[tuple[float, float]] = list(
        zip(samples[subject], samples[baseline], strict=True)
    )
    return statistics.median(s / b for s, b in pairs)


def time_calls(fn: Callable[[], object], number: int) -> float:
    """CPU seconds per call of ``fn`` over ``number`` calls."""
    started = cpu_clock()
    for _ in range(number):
        fn()
    return (cpu_clock() - started) / number
