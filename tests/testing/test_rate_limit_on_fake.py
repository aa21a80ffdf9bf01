"""Per-key rate limits: the X-RateLimit-* headers, and the API's own 429 on an injected clock."""

from __future__ import annotations

import pytest

import instaview_async as iv
from instaview_async.testing import FakeInstaView

from .conftest import START, Clock, raw

pytestmark = pytest.mark.anyio

NO_WAIT = iv.RateLimitPolicy(max_wait=0.0, pace=False)


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


async def test_past_the_minute_limit_the_api_answers_its_own_429(clock: Clock) -> None:
    """The 4th request of a 3-per-minute key gets 429, Retry-After and the non-envelope body."""
    fake = FakeInstaView(clock=clock, requests_per_minute=3)
    clock.advance(20)
    async with raw(fake, fake.create_api_key()) as http:
        for _ in range(3):
            assert (await http.get("/jobs")).status_code == 200
        refused = await http.get("/jobs")
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "40"
    assert refused.json() == {
        "statusCode": 429,
        "message": "Rate limit exceeded",
        "error": "Too Many Requests",
        "retryAfter": 40,
        "limit": 3,
        "remaining": 0,
        "reset": int(START) + 60,
    }


async def test_the_sdk_raises_rate_limit_error_with_retry_after(clock: Clock) -> None:
    """Through the SDK, an over-budget call raises RateLimitError carrying the wait."""
    fake = FakeInstaView(clock=clock, requests_per_minute=1)
    async with fake.client(api_key=fake.create_api_key(), rate_limit=NO_WAIT) as client:
        await client.jobs.list()
        with pytest.raises(iv.RateLimitError) as caught:
            await client.jobs.list()
    assert caught.value.retry_after == 60
    assert [r.status for r in fake.requests] == [200, 429]


async def test_budget_returns_when_the_window_resets(clock: Clock) -> None:
    """After the minute window resets, the key may send again; a refusal spends no budget."""
    fake = FakeInstaView(clock=clock, requests_per_minute=2)
    async with raw(fake, fake.create_api_key()) as http:
        statuses = [(await http.get("/jobs")).status_code for _ in range(4)]
        clock.advance(60)
        after = await http.get("/jobs")
    assert statuses == [200, 200, 429, 429]
    assert after.status_code == 200 and after.headers["x-ratelimit-remaining-minute"] == "1"


async def test_the_hour_window_is_counted_across_minutes(clock: Clock) -> None:
    """An hour limit of 3 refuses the 4th request even in a fresh minute, naming the hour."""
    fake = FakeInstaView(clock=clock, requests_per_minute=100, requests_per_hour=3)
    async with raw(fake, fake.create_api_key()) as http:
        for _ in range(3):
            await http.get("/jobs")
            clock.advance(60)
        refused = await http.get("/jobs")
    assert refused.status_code == 429
    assert refused.json()["limit"] == 3
    assert refused.json()["reset"] == int(START) + 3600
    assert refused.headers["x-ratelimit-remaining-minute"] == "100"


async def test_limits_are_per_key(clock: Clock) -> None:
    """One key out of budget does not limit another key."""
    fake = FakeInstaView(clock=clock, requests_per_minute=1)
    one, two = fake.create_api_key(), fake.create_api_key()
    async with raw(fake, one) as first, raw(fake, two) as second:
        await first.get("/jobs")
        assert (await first.get("/jobs")).status_code == 429
        assert (await second.get("/jobs")).status_code == 200


async def test_short_windows_for_demos(clock: Clock) -> None:
    """A 2-second "minute" resets after 2 seconds and says so in fractional-free headers."""
    fake = FakeInstaView(clock=clock, requests_per_minute=1, minute_seconds=2.0)
    async with raw(fake, fake.create_api_key()) as http:
        await http.get("/jobs")
        refused = await http.get("/jobs")
        clock.advance(2)
        again = await http.get("/jobs")
    assert refused.headers["retry-after"] == "2"
    assert again.status_code == 200


async def test_an_unlimited_fake_sends_no_rate_limit_headers(fake: FakeInstaView) -> None:
    """With no limits configured there is no budget to report."""
    async with raw(fake, fake.create_api_key()) as http:
        response = await http.get("/jobs")
    assert not [k for k in response.headers if k.startswith("x-ratelimit")]
