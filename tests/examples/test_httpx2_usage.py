"""examples/httpx2_usage.py: mypy checks its types (a CI step); here it runs on the fake."""

from __future__ import annotations

import functools

import pytest

from instaview_async.models import Job
from instaview_async.testing import FakeInstaView

httpx2 = pytest.importorskip("httpx2", reason="httpx2 needs Python 3.11+")

from examples.httpx2_usage import CountCalls, main  # noqa: E402  (it imports httpx2)

pytestmark = pytest.mark.anyio


async def test_the_httpx2_example_runs_its_middlewares_on_httpx2() -> None:
    fake = FakeInstaView()
    counter = CountCalls()
    factory = functools.partial(fake.client, api_key=fake.create_api_key())
    job = await main(counter, factory)
    assert isinstance(job, Job)
    assert fake.jobs[job.id]["title"] == "Backend engineer"
    assert counter.statuses == [201]
    sent = fake.requests[-1]
    assert sent.headers["x-example"] == "httpx2"


def test_the_generic_middleware_is_accepted_on_httpx_too() -> None:
    """The same CountCalls instance on an httpx client: no family check trips."""
    fake = FakeInstaView()
    key = fake.create_api_key()
    client = fake.client(api_key=key, http_backend="httpx", middleware=[CountCalls()])
    assert not isinstance(client.build_request("GET", "/jobs"), httpx2.Request)
