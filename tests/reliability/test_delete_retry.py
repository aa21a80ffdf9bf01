"""A DELETE whose first reply was lost and whose retry gets 404 is reported as done."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

import instaview_async as iv
from instaview_async.testing import FakeInstaView
from tests.conftest import error_reply
from tests.helpers import Recorder, make_client
from tests.http_family import httpx

pytestmark = pytest.mark.anyio

RETRY = iv.RetryPolicy(max_attempts=3, base_delay=0.0, jitter=False)
Delete = Callable[[iv.AsyncClient], Awaitable[None]]
DELETES: dict[str, Delete] = {
    "jobs": lambda c: c.jobs.delete("j1"),
    "candidates": lambda c: c.candidates.delete("c1"),
    "agents": lambda c: c.agents.delete("a1"),
    "interviews": lambda c: c.interviews.delete("i1"),
    "call_attempts": lambda c: c.interviews.call_attempts.delete("i1", "ca1"),
    "webhooks": lambda c: c.webhooks.delete("w1"),
}


def not_found() -> httpx.Response:
    """The API's 404 for a resource that does not exist (any more)."""
    return error_reply(404, "RESOURCE_NOT_FOUND", "Resource not found")


LOST_FIRST_REPLIES: dict[str, Any] = {
    "connection dropped": httpx.ReadError("connection reset"),
    "timed out": httpx.ReadTimeout("timed out"),
    "gateway 502": httpx.Response(502, text="<html>502 Bad Gateway</html>"),
}


@pytest.mark.parametrize("resource", sorted(DELETES))
@pytest.mark.parametrize("first", sorted(LOST_FIRST_REPLIES))
async def test_retried_delete_that_finds_the_resource_gone_returns(
    resource: str, first: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A lost first reply (reset, timeout or 502), then 404 on the retry: the delete returns."""
    recorder = Recorder([LOST_FIRST_REPLIES[first], not_found()])
    with caplog.at_level(logging.INFO, logger="instaview_async"):
        async with make_client(recorder, retry=RETRY) as client:
            assert await DELETES[resource](client) is None
    assert [r.method for r in recorder.requests] == ["DELETE", "DELETE"]
    assert any("taken as already deleted" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("resource", sorted(DELETES))
async def test_delete_of_a_missing_resource_on_the_first_attempt_raises(resource: str) -> None:
    """A 404 on the first attempt is still NotFoundError: this call deleted nothing."""
    async with make_client(Recorder([not_found()]), retry=RETRY) as client:
        with pytest.raises(iv.NotFoundError):
            await DELETES[resource](client)


async def test_a_retried_delete_whose_404_is_not_the_apis_still_raises() -> None:
    """A retry answered by a proxy's HTML 404 (no RESOURCE_NOT_FOUND code) raises."""
    replies = [httpx.ReadError("reset"), httpx.Response(404, text="<html>Not Found</html>")]
    async with make_client(Recorder(replies), retry=RETRY) as client:
        with pytest.raises(iv.NotFoundError):
            await client.jobs.delete("j1")


async def test_a_retried_get_that_gets_404_still_raises() -> None:
    """Only DELETE gets the rule: a GET retried into a 404 raises NotFoundError."""
    async with make_client(Recorder([httpx.ReadError("reset"), not_found()]), retry=RETRY) as c:
        with pytest.raises(iv.NotFoundError):
            await c.jobs.get("j1")


async def test_with_retries_off_a_lost_delete_reply_is_a_connection_error() -> None:
    """With retry=None there is no second attempt, so a lost reply stays APIConnectionError."""
    async with make_client(Recorder([httpx.ReadError("reset")]), retry=None) as client:
        with pytest.raises(iv.APIConnectionError):
            await client.jobs.delete("j1")


class LoseFirstDeleteReply(httpx.AsyncBaseTransport):
    """Passes requests to the fake, but loses the reply of the first DELETE after it ran."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner
        self.lost = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        if request.method == "DELETE" and not self.lost:
            self.lost += 1
            raise httpx.ReadError("connection reset after the server committed", request=request)
        return response


async def test_against_the_fake_a_delete_whose_reply_was_lost_is_done() -> None:
    """On the fake: the first DELETE commits but its reply is lost; the call returns, job gone."""
    fake = FakeInstaView()
    transport = LoseFirstDeleteReply(fake.transport())
    async with iv.AsyncClient(
        api_key=fake.create_api_key(),
        base_url=fake.base_url,
        transport=transport,
        retry=iv.RetryPolicy(base_delay=0.0),
    ) as client:
        job = await client.jobs.create(
            title="Deleted once", description="Deleted despite a lost reply"
        )
        await client.jobs.delete(job.id)
        with pytest.raises(iv.NotFoundError):  # a second, deliberate delete is told the truth
            await client.jobs.delete(job.id)
    assert transport.lost == 1 and job.id not in fake.jobs
    statuses = [r.status for r in fake.requests if r.method == "DELETE"]
    assert len(statuses) == 3 and statuses[0] in (200, 204) and statuses[1:] == [404, 404]
