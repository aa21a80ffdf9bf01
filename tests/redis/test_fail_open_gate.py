"""`FailOpen`, the outage logic both Redis integrations share, on a virtual clock."""

from __future__ import annotations

import logging

import anyio
import pytest

from instaview_async.contrib.redis._fail_open import UNAVAILABLE, FailOpen

pytestmark = pytest.mark.anyio


class Calls:
    """A stand-in for a Redis command: fails while ``failing``, counting every call."""

    def __init__(self) -> None:
        self.failing = True
        self.count = 0

    async def __call__(self, value: int) -> int:
        self.count += 1
        if self.failing:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:1. Connection refused.")
        return value


def _gate(now: list[float], max_retry_interval: float = 8.0) -> FailOpen:
    return FailOpen(
        "journal in Redis",
        "127.0.0.1:1/0",
        "rows are sent without it",
        timeout=0.05,
        retry_interval=1.0,
        max_retry_interval=max_retry_interval,
        clock=lambda: now[0],
    )


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.levelname} {r.getMessage()}" for r in caplog.records]


async def test_an_outage_is_one_warning_tries_back_off_and_the_end_is_one_info_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="instaview_async.contrib.redis")
    now, calls = [0.0], Calls()
    gate = _gate(now)
    assert await gate.run(calls, 1) is UNAVAILABLE
    assert gate.down and gate.cause.startswith("ConnectionError: Error 111")
    tried_at = []
    for tick in range(1, 50):  # 0.5 s steps: the tries come 1, 2, 4, 8, 8 s apart
        now[0] = tick * 0.5
        before = calls.count
        assert await gate.run(calls, 1) is UNAVAILABLE
        if calls.count > before:
            tried_at.append(now[0])
    assert tried_at == [1.0, 3.0, 7.0, 15.0, 23.0]
    assert _lines(caplog) == [
        "WARNING journal in Redis at 127.0.0.1:1/0 unavailable (ConnectionError: Error 111 "
        "connecting to 127.0.0.1:1. Connection refused.); rows are sent without it"
    ]
    calls.failing = False
    now[0] = 31.0
    assert await gate.run(calls, 7) == 7
    assert not gate.down
    assert _lines(caplog)[1:] == ["INFO journal in Redis at 127.0.0.1:1/0 answers again"]
    assert await gate.run(calls, 8) == 8  # no more lines while Redis answers
    assert len(caplog.records) == 2


async def test_a_fixed_interval_when_the_maximum_is_the_interval() -> None:
    now, calls = [0.0], Calls()
    gate = _gate(now, max_retry_interval=1.0)
    await gate.run(calls, 1)
    for second in range(1, 6):
        now[0] = float(second)
        await gate.run(calls, 1)
    assert calls.count == 6  # the first, then one a second


async def test_a_stalled_call_costs_the_timeout_once_and_then_answers_at_once() -> None:
    now = [0.0]
    gate = _gate(now)
    gate.answered()  # connected: the short timeout applies, not the first call's 2 s

    async def stalls() -> int:
        await anyio.sleep(10)
        return 1

    with anyio.fail_after(1):
        assert await gate.run(stalls) is UNAVAILABLE
        assert gate.cause == "TimeoutError: no answer within 0.05 s"
        assert await gate.run(stalls) is UNAVAILABLE  # within the interval: no wait at all
    gate.retry_now()
    calls = Calls()
    calls.failing = False
    assert await gate.run(calls, 3) == 3
