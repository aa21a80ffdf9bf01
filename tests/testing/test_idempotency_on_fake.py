"""Idempotency-Key: a repeat replays the first response; a reuse for another body is refused."""

from __future__ import annotations

import pytest

import instaview_async as iv
from instaview_async.testing import FakeInstaView

from .conftest import data, error, raw

pytestmark = pytest.mark.anyio

JOB = {"title": "Backend engineer", "description": "Python, asyncio and httpx"}


async def test_a_repeated_key_replays_the_first_response(fake: FakeInstaView) -> None:
    """The same key and body twice: one job, the same status and body, the repeat flagged."""
    async with raw(fake, fake.create_api_key(), **{"Idempotency-Key": "k-1"}) as http:
        first = await http.post("/jobs", json=JOB)
        second = await http.post("/jobs", json=JOB)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.content == first.content
    assert second.headers["idempotent-replayed"] == "true"
    assert list(fake.jobs) == [data(first)["id"]]
    assert [r.replayed for r in fake.requests] == [False, True]


async def test_the_sdk_gets_one_job_for_one_key(fake: FakeInstaView) -> None:
    """jobs.create twice with one idempotency_key returns the same job."""
    async with fake.client(api_key=fake.create_api_key()) as client:
        one = await client.jobs.create(**JOB, idempotency_key="create-job-1")
        two = await client.jobs.create(**JOB, idempotency_key="create-job-1")
    assert one == two and len(fake.jobs) == 1
    assert {r.idempotency_key for r in fake.requests} == {"create-job-1"}


async def test_reusing_a_key_for_another_body_is_refused(fake: FakeInstaView) -> None:
    """The same key with a different body is 422 IDEMPOTENCY_KEY_REUSED and writes nothing."""
    async with fake.client(api_key=fake.create_api_key()) as client:
        await client.jobs.create(**JOB, idempotency_key="k")
        with pytest.raises(iv.ValidationError) as caught:
            await client.jobs.create(
                title="Another title", description="x" * 20, idempotency_key="k"
            )
    assert (caught.value.status_code, caught.value.code) == (422, "IDEMPOTENCY_KEY_REUSED")
    assert len(fake.jobs) == 1


async def test_error_replies_are_replayed_too(fake: FakeInstaView) -> None:
    """A 4xx answer is stored like a success: the repeat gets the same error."""
    async with raw(fake, fake.create_api_key(), **{"Idempotency-Key": "k"}) as http:
        first = await http.post("/jobs", json={"title": "Dev"})
        second = await http.post("/jobs", json={"title": "Dev"})
    assert first.status_code == second.status_code == 400
    assert error(second) == error(first)


async def test_keys_are_remembered_per_api_key(fake: FakeInstaView) -> None:
    """Two API keys may use the same Idempotency-Key for their own writes."""
    for _ in range(2):
        async with raw(fake, fake.create_api_key(), **{"Idempotency-Key": "same"}) as http:
            assert (await http.post("/jobs", json=JOB)).status_code == 201
    assert len(fake.jobs) == 2
