"""A virtual clock for outage tests: the breaker and the import share it, only sleeps move it."""

from __future__ import annotations

import anyio


class Clock:
    """Virtual time shared by the breaker and the import: only their sleeps move it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await anyio.lowlevel.checkpoint()
