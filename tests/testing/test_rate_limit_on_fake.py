"""Per-key rate limits: the X-RateLimit-* headers, and both documented 429 bodies.

The SDK's tests here run against both bodies the docs show: the error-handling page's envelope
(the fake's default) and the rate-limiting guide's throttler body.
"""

from __future__ import annotations

import time
from typing import Literal

import anyio
import pytest

import instaview_async as iv
from instaview_async.testing import FakeInstaView

from .conftest import START, Clock, raw

pytestmark = pytest.mark.anyio

NO_WAIT = iv.RateLimitPolicy(max_wait=0.0, pace=False)


Body = Literal["envelope", "throttler"]


@pytest.fixture(params=["envelope", "throttler"])
def body(request: pytest.FixtureRequest) -> Body:
    """Which 429 body the fake sends."""
    chosen: Body = request.param
    return chosen


def retry_after_in(reply: dict[str, object]) -> object:
    """The body's wait, wherever this body keeps it."""
    error = reply.get("error")
    if isinstance(error, dict):
        return error["details"]["retryAfter"]
    return reply["retryAfter"]


async def test_every_response_carries_both_windows(clock: Clock) -> None:
    """Limits, remaining budget and Unix reset times of both windows are on each reply."""
    fake = FakeInstaView(clock=clock, requests_per_minute=60, requests_per_hour=2000)
    clock.advance(15)
    async with raw(fake, fake.create_api_key()) as http:
        ok = await http.get("/jobs")
        denied = await http.get("/jobs/nope", headers={"Authorization": "Bearer sk_test_nope"})
    assert {k: v for k, v in ok.headers.items() if k.startswith("x-ratelimit")} == {
        "x-ratelimit-limit-minute": "60",
        "x-ratelimit-remaining-minute": "59",
        "x-ratelimit-reset-minute": str(int(START) + 60),
        "x-ratelimit-limit-hour": "2000",
        "x-ratelimit-remaining-hour": "1999",
        "x-ratelimit-reset-hour": str(int(START) + 3600),
    }
    assert denied.status_code == 401 and "x-ratelimit-remaining-minute" in denied.headers


async def test_by_default_the_429_is_the_error_handling_pages_envelope(clock: Clock) -> None:
    """The 4th request of a 3-per-minute key: RATE_LIMIT_EXCEEDED with retryAfter/limit/window."""
    fake = FakeInstaView(clock=clock, requests_per_minute=3)
    clock.advance(20)
    async with raw(fake, fake.create_api_key()) as http:
        for _ in range(3):
            assert (await http.get("/jobs")).status_code == 200
        refused = await http.get("/jobs")
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "40"
    assert refused.headers["x-ratelimit-remaining-minute"] == "0"
    assert refused.json() == {
        "success": False,
        "data": None,
        "error": {
            "code": "RATE_LIMIT_EXCEEDED",
            "message": "Rate limit exceeded. Please retry after 40 seconds",
            "details": {"retryAfter": 40, "limit": 3, "window": "minute"},
        },
        "timestamp": "2027-01-15T08:00:20.000Z",
    }


async def test_the_throttler_body_is_an_option(clock: Clock) -> None:
    """rate_limit_body="throttler" answers the rate-limiting guide's non-envelope body."""
    fake = FakeInstaView(clock=clock, requests_per_minute=3, rate_limit_body="throttler")
    clock.advance(20)
    async with raw(fake, fake.create_api_key()) as http:
        for _ in range(3):
            await http.get("/jobs")
        refused = await http.get("/jobs")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "40"
    assert refused.json() == {
        "statusCode": 429,
        "message": "Rate limit exceeded",
        "error": "Too Many Requests",
        "retryAfter": 40,
        "limit": 3,
        "remaining": 0,
        "reset": int(START) + 60,
    }


def test_an_unknown_body_name_is_refused() -> None:
    """A misspelt rate_limit_body fails at once, naming both choices."""
    with pytest.raises(ValueError, match="'envelope' or 'throttler'"):
        FakeInstaView(rate_limit_body="nestjs")  # type: ignore[arg-type]


async def test_the_sdk_raises_rate_limit_error_with_retry_after(clock: Clock, body: Body) -> None:
    """Through the SDK, an over-budget call raises RateLimitError carrying the wait."""
    fake = FakeInstaView(clock=clock, requests_per_minute=1, rate_limit_body=body)
    async with fake.client(api_key=fake.create_api_key(), rate_limit=NO_WAIT) as client:
        await client.jobs.list()
        with pytest.raises(iv.RateLimitError) as caught:
            await client.jobs.list()
    assert caught.value.retry_after == 60
    assert caught.value.status_code == 429
    assert [r.status for r in fake.requests] == [200, 429]


async def test_the_sdk_reads_the_envelopes_details(clock: Clock) -> None:
    """The envelope's RATE_LIMIT_EXCEEDED reaches the error as its code and details."""
    fake = FakeInstaView(clock=clock, requests_per_hour=1)
    async with fake.client(api_key=fake.create_api_key(), rate_limit=NO_WAIT) as client:
        await client.jobs.list()
        with pytest.raises(iv.RateLimitError) as caught:
            await client.jobs.list()
    assert caught.value.code == "RATE_LIMIT_EXCEEDED"
    assert (caught.value.details.limit, caught.value.details.window) == (1, "hour")


async def test_the_sdk_waits_out_a_short_window_and_succeeds(body: Body) -> None:
    """On the real clock, a 0.5 s "minute": the second call meets a 429, waits, then succeeds."""
    window = 0.5
    fake = FakeInstaView(requests_per_minute=1, minute_seconds=window, rate_limit_body=body)
    policy = iv.RateLimitPolicy(pace=False, max_wait=5.0)
    await anyio.sleep(window - time.time() % window + 0.01)  # both calls in one window
    async with fake.client(api_key=fake.create_api_key(), rate_limit=policy) as client:
        await client.jobs.list()
        await client.jobs.list()
        stats = client.stats
    assert [r.status for r in fake.requests] == [200, 429, 200]
    assert stats.rate_limited == 1


async def test_budget_returns_when_the_window_resets(clock: Clock, body: Body) -> None:
    """After the minute window resets, the key may send again; a refusal spends no budget."""
    fake = FakeInstaView(clock=clock, requests_per_minute=2, rate_limit_body=body)
    async with raw(fake, fake.create_api_key()) as http:
        statuses = [(await http.get("/jobs")).status_code for _ in range(4)]
        clock.advance(60)
        after = await http.get("/jobs")
    assert statuses == [200, 200, 429, 429]
    assert after.status_code == 200 and after.headers["x-ratelimit-remaining-minute"] == "1"


async def test_the_hour_window_is_counted_across_minutes(clock: Clock, body: Body) -> None:
    """An hour limit of 3 refuses the 4th request even in a fresh minute, naming the hour."""
    fake = FakeInstaView(
        clock=clock,
        requests_per_minute=100,
        requests_per_hour=3,
        rate_limit_body=body,
    )
    async with raw(fake, fake.create_api_key()) as http:
        for _ in range(3):
            await http.get("/jobs")
            clock.advance(60)
        refused = await http.get("/jobs")
    assert refused.status_code == 429
    assert retry_after_in(refused.json()) == 3600 - 180
    assert refused.headers["x-ratelimit-remaining-minute"] == "100"
    assert refused.headers["x-ratelimit-remaining-hour"] == "0"


async def test_limits_are_per_key(clock: Clock) -> None:
    """One key out of budget does not limit another key."""
    fake = FakeInstaView(clock=clock, requests_per_minute=1)
    one, two = fake.create_api_key(), fake.create_api_key()
    async with raw(fake, one) as first, raw(fake, two) as second:
        await first.get("/jobs")
        assert (await first.get("/jobs")).status_code == 429
        assert (await second.get("/jobs")).status_code == 200


async def test_short_windows_for_demos(clock: Clock, body: Body) -> None:
    """A 2-second "minute" resets after 2 seconds and says so in whole seconds."""
    fake = FakeInstaView(
        clock=clock,
        requests_per_minute=1,
        minute_seconds=2.0,
        rate_limit_body=body,
    )
    async with raw(fake, fake.create_api_key()) as http:
        await http.get("/jobs")
        refused = await http.get("/jobs")
        clock.advance(2)
        again = await http.get("/jobs")
    assert refused.headers["retry-after"] == "2" and retry_after_in(refused.json()) == 2
    assert again.status_code == 200


async def test_a_fractional_window_waits_in_milliseconds(clock: Clock) -> None:
    """A 1.5-second "minute" asks for a wait in milliseconds, in the body and the header."""
    fake = FakeInstaView(clock=clock, requests_per_minute=1, minute_seconds=1.5)
    async with raw(fake, fake.create_api_key()) as http:
        await http.get("/jobs")
        clock.advance(0.25)
        refused = await http.get("/jobs")
    assert refused.headers["retry-after"] == "1.25"
    assert refused.json()["error"]["details"]["retryAfter"] == 1.25
    assert (
        refused.json()["error"]["message"] == "Rate limit exceeded. Please retry after 1.25 seconds"
    )


async def test_an_unlimited_fake_still_reports_a_budget(fake: FakeInstaView, clock: Clock) -> None:
    """With no limits configured, the six headers report a large budget that is never enforced."""
    async with raw(fake, fake.create_api_key()) as http:
        first = await http.get("/jobs")
        second = await http.get("/nowhere")
    assert {k: v for k, v in first.headers.items() if k.startswith("x-ratelimit")} == {
        "x-ratelimit-limit-minute": "1000000",
        "x-ratelimit-remaining-minute": "999999",
        "x-ratelimit-reset-minute": str(int(START) + 60),
        "x-ratelimit-limit-hour": "60000000",
        "x-ratelimit-remaining-hour": "59999999",
        "x-ratelimit-reset-hour": str(int(START) + 3600),
    }
    assert second.status_code == 404
    assert second.headers["x-ratelimit-remaining-minute"] == "999998"


async def test_an_unlimited_fake_does_not_slow_a_pacing_client(fake: FakeInstaView) -> None:
    """The SDK paces from the headers; with the large budget 200 calls never wait."""
    async with fake.client(api_key=fake.create_api_key()) as client:
        for _ in range(200):
            await client.jobs.list()
        stats = client.stats
    assert stats.rate_limit_waits == 0 and stats.rate_limited == 0


async def test_every_answer_spends_budget_even_a_404(clock: Clock) -> None:
    """Requests count before routing: a 404 spends budget, and past the limit a bad path is 429."""
    fake = FakeInstaView(clock=clock, requests_per_minute=2)
    async with raw(fake, fake.create_api_key()) as http:
        missing = await http.get("/nowhere")
        listed = await http.get("/jobs")
        refused = await http.get("/nowhere")
    assert (missing.status_code, listed.status_code, refused.status_code) == (404, 200, 429)
    assert listed.headers["x-ratelimit-remaining-minute"] == "0"
